using Cluster.Silo.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;

namespace Cluster.Tests.Unit.Hosting;

/// <summary>
/// The dashboard's metrics feed is ours (a small cardinality limit) only if AddDashboard still registers its host the
/// way DashboardMetrics looks for. A dashboard upgrade that changes that fails here, not silently in memory.
/// </summary>
public sealed class DashboardMetricsTests
{
    [Fact]
    public void ReplacesTheDashboardsOwnConsumerAndOnlyIt()
    {
        var builder = Host.CreateApplicationBuilder();
        int before = 0, after = 0;
        var replaced = false;
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            var participants = () => silo.Services.Count(d => d.ServiceType == typeof(ILifecycleParticipant<ISiloLifecycle>));
            silo.AddDashboard();
            before = participants();
            replaced = DashboardMetrics.Replace(silo.Services);
            after = participants();
        });
        Assert.True(replaced, "AddDashboard no longer registers Orleans.Dashboard.DashboardHost as expected");
        Assert.Equal(before, after); // one removed (the dashboard's), one added (ours)
        using var host = builder.Build();
        var ours = host.Services.GetServices<ILifecycleParticipant<ISiloLifecycle>>().OfType<DashboardMetrics>();
        Assert.Single(ours);
        Assert.DoesNotContain(host.Services.GetServices<ILifecycleParticipant<ISiloLifecycle>>(), p => p.GetType().FullName == "Orleans.Dashboard.DashboardHost");
    }

    [Fact]
    public void KeepsOrleansInstrumentsButTheGaugeThatWalksEveryActivation()
    {
        using var orleans = new System.Diagnostics.Metrics.Meter("Microsoft.Orleans");
        using var other = new System.Diagnostics.Metrics.Meter("Other");
        var walks = orleans.CreateObservableGauge(DashboardMetrics.DroppedGauge, () => 1L);
        var counter = orleans.CreateCounter<long>("orleans-catalog-activations");
        var histogram = orleans.CreateHistogram<double>("orleans-messaging-sent-messages-size");
        Assert.Same(OpenTelemetry.Metrics.MetricStreamConfiguration.Drop, DashboardMetrics.View(walks, orleans));
        Assert.Same(OpenTelemetry.Metrics.MetricStreamConfiguration.Drop, DashboardMetrics.View(other.CreateCounter<long>("x"), orleans));
        Assert.Equal(DashboardMetrics.CardinalityLimit, DashboardMetrics.View(counter, orleans).CardinalityLimit);
        Assert.IsType<OpenTelemetry.Metrics.ExplicitBucketHistogramConfiguration>(DashboardMetrics.View(histogram, orleans));
    }
}
