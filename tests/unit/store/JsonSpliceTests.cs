using System.Text.Json;
using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Tests.Unit.Store;

/// <summary><see cref="JsonSplice"/>: a status written into a pod's JSON is the JSON the pod with that status encodes to.</summary>
public class JsonSpliceTests
{
    [Fact]
    public void AStatusSplicedInIsThePodEncodedWithIt()
    {
        var pod = TestObjects.Pod("web-1", "n1", ownerUid: "uid-rs");
        pod.Metadata.ResourceVersion = "41";
        pod.Metadata.Annotations = new Dictionary<string, string> { ["note"] = "caf\u00e9 \"quoted\" \u4e2d" };
        var json = Objects.ToJson(pod);
        var status = new V1PodStatus
        {
            Phase = "Running", PodIP = "10.0.0.7", StartTime = new DateTime(2026, 12, 7, 18, 0, 0, DateTimeKind.Utc),
            ContainerStatuses = [new V1ContainerStatus { Name = "c", Ready = true, RestartCount = 2, Image = "busybox", ImageID = "", ContainerID = "sim://abc" }],
        };

        var spliced = JsonSplice.With(json, "status", Objects.ToJson(status), "42");

        pod.Status = status;
        pod.Metadata.ResourceVersion = "42";
        Assert.Equal(Objects.ToJson(pod), spliced);
        Assert.Equal(Objects.ToJson(status), JsonSplice.TopLevel(spliced, "status"));
    }

    [Fact]
    public void ABindWrittenIntoThePodsJsonIsTheBoundPodEncoded()
    {
        // A pending pod with fields on both sides of nodeName in its spec, and non-ASCII text before it.
        var pod = TestObjects.Pod("web-1", ownerUid: "uid-rs");
        pod.Metadata.ResourceVersion = "41";
        pod.Metadata.Annotations = new Dictionary<string, string> { ["note"] = "caf\u00e9 \u4e2d" };
        pod.Spec.Hostname = "h\u00e9";
        pod.Spec.NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" };
        pod.Spec.Tolerations = [new V1Toleration { Key = "k", OperatorProperty = "Exists" }];
        pod.Spec.Priority = 5;
        pod.Status = new V1PodStatus { Phase = "Pending", QosClass = "BestEffort" };
        var json = Objects.ToJson(pod);

        pod.Spec.NodeName = "node-7";
        pod.Status.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = new DateTime(2026, 12, 7, 22, 0, 0, DateTimeKind.Utc) }];
        pod.Metadata.ResourceVersion = "42";
        var bound = JsonSplice.Of(json, "status").With(Objects.ToJson(pod.Status), "42", "spec", "nodeName", Objects.ToJson(pod.Spec.NodeName));
        Assert.Equal(Objects.ToJson(pod), bound);

        // Set again: replaced in place. Last in its object, or the object's only field: added at the end.
        Assert.Equal(Objects.ToJson(pod).Replace("node-7", "n2"), JsonSplice.SetField(bound, "spec", "nodeName", "\"n2\""));
        Assert.Equal("""{"spec":{"a":1,"z":"y"}}""", JsonSplice.SetField("""{"spec":{"a":1}}""", "spec", "z", "\"y\""));
        Assert.Equal("""{"spec":{"z":"y"},"b":2}""", JsonSplice.SetField("""{"spec":{},"b":2}""", "spec", "z", "\"y\""));
        // Raw non-ASCII text before the place: positions are the string's, not its UTF-8 bytes'.
        Assert.Equal("{\"a\":\"\u00e9\u4e2d\",\"spec\":{\"b\":\"\u00e9\",\"m\":1,\"z\":2}}", JsonSplice.SetField("{\"a\":\"\u00e9\u4e2d\",\"spec\":{\"b\":\"\u00e9\",\"z\":2}}", "spec", "m", "1"));
        Assert.Throws<JsonException>(() => JsonSplice.SetField("""{"spec":[]}""", "spec", "z", "1"));
        Assert.Throws<JsonException>(() => JsonSplice.SetField("""{"status":{}}""", "spec", "z", "1"));
    }

    [Fact]
    public void MissingPartsAreAdded()
    {
        Assert.Equal("""{"kind":"Pod","metadata":{"resourceVersion":"3"},"status":{"phase":"Pending"}}""",
            JsonSplice.With("""{"kind":"Pod","metadata":{}}""", "status", """{"phase":"Pending"}""", "3"));
        Assert.Equal("""{"metadata":{"resourceVersion":"3","name":"a"},"spec":{},"status":{}}""",
            JsonSplice.With("""{"metadata":{"name":"a"},"spec":{}}""", "status", "{}", "3"));
        Assert.Null(JsonSplice.TopLevel("""{"metadata":{"name":"a"},"spec":{}}""", "status"));
    }

    [Fact]
    public void OnlyTheTopLevelPropertyAndTheObjectsOwnVersionChange()
    {
        // A nested "status" and a nested "resourceVersion" (an owner's, a label's value) are left alone.
        var json = """{"metadata":{"labels":{"resourceVersion":"x"},"resourceVersion":"1"},"spec":{"status":"keep","resourceVersion":"keep"},"status":{"phase":"A"}}""";
        Assert.Equal("""{"metadata":{"labels":{"resourceVersion":"x"},"resourceVersion":"2"},"spec":{"status":"keep","resourceVersion":"keep"},"status":{"phase":"B"}}""",
            JsonSplice.With(json, "status", """{"phase":"B"}""", "2"));
    }

    [Fact]
    public void AValueThatIsNotOneJsonValueIsRefused()
    {
        var json = """{"metadata":{"resourceVersion":"1"},"status":{}}""";
        Assert.ThrowsAny<JsonException>(() => JsonSplice.With(json, "status", """{"phase":"B" """, "2"));
        Assert.ThrowsAny<JsonException>(() => JsonSplice.With(json, "status", """{} {}""", "2"));
        Assert.ThrowsAny<JsonException>(() => JsonSplice.With(json, "status", "", "2"));
        Assert.ThrowsAny<JsonException>(() => JsonSplice.With("""{"spec":{}}""", "status", "{}", "2"));
    }
}
