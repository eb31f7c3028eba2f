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
