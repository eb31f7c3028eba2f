using System.Text.Json.Nodes;
using Cluster.Grains.Admission;

namespace Cluster.Tests.Unit.Admission;

public class ApplyMergeTests
{
    static JsonObject J(string s) => (JsonObject)JsonNode.Parse(s)!;

    [Fact]
    public void KeepsWhatOthersSetAndRemovesWhatTheManifestDropped()
    {
        var first = J("""{"metadata":{"name":"d","labels":{"a":"1","b":"2"}},"spec":{"replicas":3,"template":{"x":1}}}""");
        var live = J("""{"metadata":{"name":"d","labels":{"a":"1","b":"2"},"annotations":{"deployment.kubernetes.io/revision":"1"}},"spec":{"replicas":3,"paused":true,"template":{"x":1}},"status":{"replicas":3}}""");
        ApplyMerge.Annotate(live, ApplyMerge.Remembered(first));
        var second = J("""{"metadata":{"name":"d","labels":{"a":"9"}},"spec":{"replicas":5,"template":{"x":2}}}""");
        var merged = ApplyMerge.Merge(live, second);
        Assert.Equal(5, (int)merged["spec"]!["replicas"]!);
        Assert.True((bool)merged["spec"]!["paused"]!);                  // set by `rollout pause`, not by the manifest
        Assert.Equal("1", (string)merged["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!);
        Assert.Equal("9", (string)merged["metadata"]!["labels"]!["a"]!);
        Assert.Null(merged["metadata"]!["labels"]!["b"]);               // dropped from the manifest since last time
        Assert.Equal(3, (int)merged["status"]!["replicas"]!);
        Assert.Contains("\"replicas\":5", (string)merged["metadata"]!["annotations"]![ApplyMerge.LastApplied]!);
    }
}
