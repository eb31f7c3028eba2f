using Cluster.Grains.Nodes;
using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Tests.Unit.Nodes;

/// <summary>The copies a status report and a bind write (<see cref="PodGrain.StatusCopy"/>, <see cref="PodGrain.BindCopy"/>)
/// must not reach back into the pod they were made from.</summary>
public class PodStatusCopyTests
{
    [Fact]
    public void TheCopyIsThePodAndItsWritesLeaveTheOriginalAsItWas()
    {
        var current = TestObjects.Pod("p", "n1", ownerUid: "uid-owner");
        current.Metadata.ResourceVersion = "7";
        current.Metadata.Annotations = new Dictionary<string, string> { ["a"] = "1" };
        var before = Objects.ToJson(current);

        var copy = PodGrain.StatusCopy(current);
        Assert.Equal(before, Objects.ToJson(copy));

        // What a report and its commit do to the copy: a new status, host ports, a resourceVersion.
        copy.Status = new V1PodStatus { Phase = "Running", PodIP = "10.0.0.9" };
        copy.Metadata.Annotations!["cluster.local/host-ports"] = "c/80=30080";
        copy.Metadata.Annotations.Remove("a");
        copy.Metadata.ResourceVersion = "8";
        copy.Metadata.Labels = new Dictionary<string, string> { ["changed"] = "yes" };

        Assert.Equal(before, Objects.ToJson(current));
        Assert.NotEqual(before, Objects.ToJson(copy));
    }

    [Fact]
    public void ABindsCopyHasItsOwnSpecAndConditions()
    {
        var current = TestObjects.Pod("p", "", phase: "Pending");
        current.Status.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable" }];
        var before = Objects.ToJson(current);

        var copy = PodGrain.BindCopy(current);
        Assert.Equal(before, Objects.ToJson(copy));

        // What Bind does to the copy: nodeName, and PodScheduled set in place (or added).
        copy.Spec.NodeName = "n1";
        copy.Status.Conditions[0].Status = "True";
        copy.Status.Conditions[0].Reason = null;
        copy.Status.Conditions.Add(new V1PodCondition { Type = "Ready", Status = "False" });
        copy.Metadata.ResourceVersion = "9";

        Assert.Equal(before, Objects.ToJson(current));
        Assert.Equal("n1", copy.Spec.NodeName);
        Assert.Equal("True", copy.Status.Conditions[0].Status);
    }
}
