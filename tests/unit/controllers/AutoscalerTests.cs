using Cluster.Grains.Controllers.Autoscaling;
using k8s.Models;

namespace Cluster.Tests.Unit.Controllers;

public class AutoscalerTests
{
    static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    static V2HorizontalPodAutoscaler Hpa(int min = 1, int max = 10, int downWindow = 300, V2HPAScalingRules? up = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            MinReplicas = min, MaxReplicas = max,
            ScaleTargetRef = new V2CrossVersionObjectReference { Kind = "Deployment", Name = "web", ApiVersion = "apps/v1" },
            Behavior = new V2HorizontalPodAutoscalerBehavior { ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = downWindow }, ScaleUp = up },
        },
    };

    static readonly V2MetricSpec Cpu50 = new() { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 50 } } };
    static readonly V2MetricSpec Rps5 = new()
    {
        Type = "Object",
        ObjectProperty = new V2ObjectMetricSource
        {
            DescribedObject = new V2CrossVersionObjectReference { Kind = "Service", Name = "web" }, Metric = new V2MetricIdentifier { Name = "requests-per-second" },
            Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity("5") },
        },
    };

    [Fact]
    public void ScalesByTheRatioOfCurrentToTarget()
    {
        var d = Autoscaler.Decide(Hpa(), 2, [new Observed(Cpu50, 150, null)], [], [], Now);
        Assert.Equal(6, d.Desired);
    }

    [Fact]
    public void ChangesWithinTheToleranceAreIgnored()
    {
        Assert.Equal(4, Autoscaler.Decide(Hpa(), 4, [new Observed(Cpu50, 54, null)], [], [], Now).Desired);
    }

    [Fact]
    public void TheLargestProposalWinsAndMaxReplicasCaps()
    {
        var d = Autoscaler.Decide(Hpa(max: 10), 1, [new Observed(Cpu50, 60, null), new Observed(Rps5, 40, null)], [], [], Now);
        Assert.Equal(5, d.Desired); // rps asks for 8; the default scale-up policies allow +4 pods (or +100%) per 15 s, the larger
        d = Autoscaler.Decide(Hpa(max: 3), 1, [new Observed(Rps5, 40, null)], [], [], Now);
        Assert.Equal(3, d.Desired);
        Assert.Equal("TooManyReplicas", d.Reason);
    }

    [Fact]
    public void ScaleDownWaitsForTheStabilizationWindow()
    {
        var history = new List<Recommendation> { new(Now.AddSeconds(-60), 4) };
        var d = Autoscaler.Decide(Hpa(downWindow: 120), 4, [new Observed(Cpu50, 10, null)], history, [], Now);
        Assert.Equal(4, d.Desired); // 60 s ago it wanted 4
        d = Autoscaler.Decide(Hpa(downWindow: 30), 4, [new Observed(Cpu50, 10, null)], history, [], Now);
        Assert.Equal(1, d.Desired);
    }

    [Fact]
    public void ScaleUpPoliciesLimitTheRate()
    {
        var rules = new V2HPAScalingRules { Policies = [new V2HPAScalingPolicy { Type = "Pods", Value = 1, PeriodSeconds = 60 }] };
        var d = Autoscaler.Decide(Hpa(up: rules), 2, [new Observed(Cpu50, 200, null)], [], [], Now);
        Assert.Equal(3, d.Desired);
        // One pod was already added within the period: none more.
        d = Autoscaler.Decide(Hpa(up: rules), 3, [new Observed(Cpu50, 200, null)], [], [new ScaleEvent(Now.AddSeconds(-30), 2, 3)], Now);
        Assert.Equal(3, d.Desired);
    }

    [Fact]
    public void WithoutMetricsNothingChanges()
    {
        var d = Autoscaler.Decide(Hpa(), 3, [new Observed(Cpu50, null, null)], [], [], Now);
        Assert.Equal(3, d.Desired);
        Assert.Equal("FailedGetMetrics", d.Reason);
    }
}
