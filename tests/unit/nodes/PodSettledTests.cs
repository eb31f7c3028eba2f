using Cluster.Grains.Nodes;
using k8s.Models;

namespace Cluster.Tests.Unit.Nodes;

/// <summary>Which reported statuses let a pod's grain leave memory at once (<see cref="PodGrain.Settled"/>).</summary>
public class PodSettledTests
{
    static V1PodStatus Status(string phase, string? ready) => new()
    {
        Phase = phase,
        Conditions = ready == null ? null : [new V1PodCondition { Type = "PodScheduled", Status = "True" }, new V1PodCondition { Type = "Ready", Status = ready }],
    };

    [Fact]
    public void RunningAndReadyOrFinishedIsSettled()
    {
        Assert.True(PodGrain.Settled(Status("Running", "True")));
        Assert.True(PodGrain.Settled(Status("Succeeded", "False")));
        Assert.True(PodGrain.Settled(Status("Failed", null)));
    }

    [Fact]
    public void APodStillOnItsWayIsNot()
    {
        // Running but not ready (a readiness probe to pass), still pending, or without conditions: more reports follow.
        Assert.False(PodGrain.Settled(Status("Running", "False")));
        Assert.False(PodGrain.Settled(Status("Running", null)));
        Assert.False(PodGrain.Settled(Status("Pending", "False")));
        Assert.False(PodGrain.Settled(new V1PodStatus()));
    }
}
