using Cluster.Grains.Nodes;
using k8s.Models;

namespace Cluster.Tests.Unit.Nodes;

public class ProbeStateTests
{
    static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void ReadinessNeedsSuccessThresholdAndFailsAtFailureThreshold()
    {
        var p = new ProbeState(ProbeKind.Readiness, new V1Probe { PeriodSeconds = 1, SuccessThreshold = 2, FailureThreshold = 2, InitialDelaySeconds = 5 }, T0);
        Assert.False(p.Passing);
        Assert.False(p.Due(T0.AddSeconds(4)));
        Assert.True(p.Due(T0.AddSeconds(5)));
        Assert.False(p.Record(true, null, T0.AddSeconds(5)));
        Assert.True(p.Record(true, null, T0.AddSeconds(6)));   // second success: ready
        Assert.True(p.Passing);
        Assert.False(p.Due(T0.AddSeconds(6.5)));
        Assert.False(p.Record(false, "boom", T0.AddSeconds(7)));
        Assert.True(p.Record(false, "boom", T0.AddSeconds(8)));  // second failure: unready
        Assert.False(p.Passing);
        Assert.False(p.DemandsRestart);                          // readiness never restarts
    }

    [Fact]
    public void LivenessStartsPassingAndDemandsARestartAfterFailures()
    {
        var p = new ProbeState(ProbeKind.Liveness, new V1Probe { FailureThreshold = 3 }, T0);
        Assert.True(p.Passing);
        p.Record(false, "x", T0); p.Record(false, "x", T0.AddSeconds(10));
        Assert.False(p.DemandsRestart);
        p.Record(false, "x", T0.AddSeconds(20));
        Assert.True(p.DemandsRestart);
    }
}
