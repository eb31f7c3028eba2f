using Cluster.Grains.Nodes;
using k8s.Models;

namespace Cluster.Tests.Unit.Nodes;

/// <summary>Which pod writes wake the pod's owner (<see cref="PodGrain.SameCounts"/>).</summary>
public class PodOwnerCountsTests
{
    static V1Pod Running(string ownerKind = "ReplicaSet", int restarts = 0, string containerId = "docker://a")
    {
        var p = TestObjects.Pod("p", "n1", ownerUid: "uid-owner");
        p.Metadata.OwnerReferences![0].Kind = ownerKind;
        p.Status.ContainerStatuses = [new V1ContainerStatus { Name = "c", Ready = true, RestartCount = restarts, ContainerID = containerId, Image = "nginx:latest", ImageID = "sha" }];
        return p;
    }

    [Fact]
    public void AContainerStartedAgainWithTheSameCountsWakesNoReplicaSet()
    {
        // A node that lost its containers starts them again: new container id, one more restart, still Running and Ready.
        Assert.True(PodGrain.SameCounts(Running(), Running(restarts: 1, containerId: "docker://b")));
    }

    [Fact]
    public void AJobCountsRestarts()
    {
        Assert.False(PodGrain.SameCounts(Running("Job"), Running("Job", restarts: 1, containerId: "docker://b")));
        Assert.True(PodGrain.SameCounts(Running("Job"), Running("Job", containerId: "docker://b")));
    }

    [Fact]
    public void PhaseReadinessDeletionLabelsAndOwnersAreCounted()
    {
        var old = Running();
        var phase = Running(); phase.Status.Phase = "Failed";
        var notReady = Running(); notReady.Status.Conditions[0].Status = "False";
        var readySince = Running(); readySince.Status.Conditions[0].LastTransitionTime = new DateTime(2026, 1, 1, 0, 5, 0, DateTimeKind.Utc);
        var deleting = Running(); deleting.Metadata.DeletionTimestamp = new DateTime(2026, 1, 1, 1, 0, 0, DateTimeKind.Utc);
        var relabelled = Running(); relabelled.Metadata.Labels = new Dictionary<string, string> { ["app"] = "other" };
        var orphaned = Running(); orphaned.Metadata.OwnerReferences = null;
        foreach (var changed in new[] { phase, notReady, readySince, deleting, relabelled, orphaned })
            Assert.False(PodGrain.SameCounts(old, changed));
    }

    [Fact]
    public void ABindIsNotCounted()
    {
        var pending = TestObjects.Pod("p", "", phase: "Pending", ready: false, ownerUid: "uid-owner");
        var bound = TestObjects.Pod("p", "n1", phase: "Pending", ready: false, ownerUid: "uid-owner");
        bound.Status.Conditions.Add(new V1PodCondition { Type = "PodScheduled", Status = "True" });
        Assert.True(PodGrain.SameCounts(pending, bound));
    }
}
