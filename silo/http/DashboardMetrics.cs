using OpenTelemetry;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace Cluster.Silo.Http;

/// <summary>
/// The Orleans dashboard's feed of Orleans' metrics, with a small cardinality limit. The dashboard's own consumer
/// keeps OpenTelemetry's default of 2,000 series per instrument, and OpenTelemetry allocates each instrument's series
/// up front: about 100 Orleans instruments made 15 MB of an idle silo's memory. Its exporter sums every series of a
/// metric into one figure, so series beyond the limit (folded into OpenTelemetry's overflow series, which it sums too)
/// change nothing it shows. Everything else (the exporter, the grains that keep the history) is the dashboard's own.
/// </summary>
public sealed class DashboardMetrics(BaseExporter<Metric> exporter, OrleansInstruments instruments)
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>Series kept per instrument: Orleans tags a few instruments by grain type, message kind or silo.</summary>
    public const int CardinalityLimit = 200;
    /// <summary>What the dashboard exports at (its DashboardHost.ExportIntervalMilliseconds).</summary>
    const int ExportIntervalMs = 1000;
    MeterProvider? _provider;

    /// <summary>
    /// Replaces the dashboard's consumer with this one. Registered after AddDashboard; when the dashboard's types are
    /// not laid out as in the version this was written for, the dashboard keeps its own consumer and logs nothing
    /// worse than before (the test DashboardMetricsTests says which).
    /// </summary>
    public static bool Replace(IServiceCollection services)
    {
        var assembly = typeof(DashboardOptions).Assembly;
        var hostType = assembly.GetType("Orleans.Dashboard.DashboardHost");
        var exporterType = assembly.GetType("Orleans.Dashboard.Implementation.DashboardTelemetryExporter");
        if (hostType == null || exporterType == null || !typeof(BaseExporter<Metric>).IsAssignableFrom(exporterType)) return false;
        // AddDashboard registers its host as a lifecycle participant through Orleans' AddFromExisting, whose factory
        // is a closure that holds the implementation's Type.
        var participants = services.Where(d => d.ServiceType == typeof(ILifecycleParticipant<ISiloLifecycle>)
            && d.ImplementationFactory?.Target is { } closure
            && closure.GetType().GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                .Any(f => f.FieldType == typeof(Type) && Equals(f.GetValue(closure), hostType))).ToList();
        if (participants.Count != 1) return false;
        services.Remove(participants[0]);
        services.AddSingleton(sp => new DashboardMetrics((BaseExporter<Metric>)sp.GetRequiredService(exporterType), sp.GetRequiredService<OrleansInstruments>()));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DashboardMetrics>());
        return true;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        // The stage the dashboard starts its consumer at.
        lifecycle.Subscribe<DashboardMetrics>(19999, _ => { Start(); return Task.CompletedTask; });

    void Start() =>
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(instruments.Meter.Name)
            // The Meter itself, not its name: silos hosted in one process (the tests) each have their own.
            .AddView(instrument => View(instrument, instruments.Meter))
            .AddReader(new PeriodicExportingMetricReader(exporter, ExportIntervalMs, 1000))
            .Build();

    /// <summary>
    /// Orleans' gauge of the requests queued in all activations: observing it walks every activation, every export
    /// (each second). With 150,000 pods active that was 2.4% of a loaded silo's busy time; the dashboard only lists it among
    /// the silo's counters.
    /// </summary>
    public const string DroppedGauge = "orleans-messaging-processing-activation-data";

    /// <summary>How the feed keeps an instrument: only the silo's Orleans meter, without the one dropped gauge.</summary>
    public static MetricStreamConfiguration View(System.Diagnostics.Metrics.Instrument instrument, System.Diagnostics.Metrics.Meter orleans) =>
        instrument.Meter != orleans || instrument.Name == DroppedGauge ? MetricStreamConfiguration.Drop
        : instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(System.Diagnostics.Metrics.Histogram<>)
            ? new ExplicitBucketHistogramConfiguration { TagKeys = [], Boundaries = [], RecordMinMax = false, CardinalityLimit = CardinalityLimit }
            : new MetricStreamConfiguration { CardinalityLimit = CardinalityLimit };

    public void Dispose() => _provider?.Dispose();
}
