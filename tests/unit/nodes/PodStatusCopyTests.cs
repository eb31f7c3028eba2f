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

    [Fact]
    public void APodReadWithoutItsSpecHasWhatAStatusReportsHooksRead()
    {
        var pod = TestObjects.Pod("p", "n1", ownerUid: "uid-owner");
        pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web" };
        pod.Metadata.Annotations = new Dictionary<string, string> { [PodGrain.HostPortsAnnotation] = "c/80=30080" };
        pod.Metadata.DeletionTimestamp = new DateTime(2026, 12, 7, 18, 0, 0, DateTimeKind.Utc);
        pod.Status.PodIP = "10.0.0.9";
        pod.Status.HostIP = "127.0.0.1";
        pod.Status.ContainerStatuses = [new V1ContainerStatus { Name = "c", Image = "nginx", ImageID = "", Ready = true, RestartCount = 3 }];

        var read = PodWithoutSpec.Read(Objects.ToJson(pod))!;

        Assert.Equal(Objects.ToJson(pod.Metadata), Objects.ToJson(read.Metadata));
        Assert.Equal("n1", read.Spec.NodeName);
        Assert.Null(read.Spec.Containers);
        // What the hooks compare of a status (PodGrain.SameCounts, ServesChanged, HasAddress; the index's phase).
        Assert.Equal(("Running", "10.0.0.9", "127.0.0.1"), (read.Status.Phase, read.Status.PodIP, read.Status.HostIP));
        var ready = Assert.Single(read.Status.Conditions);
        Assert.Equal(("Ready", "True", pod.Status.Conditions[0].LastTransitionTime), (ready.Type, ready.Status, ready.LastTransitionTime));
        Assert.Equal(3, Assert.Single(read.Status.ContainerStatuses).RestartCount);
        Assert.True(PodGrain.SameCounts(pod, read));
        Assert.Equal(Objects.ToJson(PodWithoutSpec.ReadStatus(Objects.ToJson(pod.Status))), Objects.ToJson(read.Status));
        Assert.Null(PodWithoutSpec.ReadStatus("""{"phase":7}"""));
        Assert.Null(PodWithoutSpec.Read("""{"kind":"Pod"}"""));
        Assert.Null(PodWithoutSpec.Read("not json"));
    }
}
