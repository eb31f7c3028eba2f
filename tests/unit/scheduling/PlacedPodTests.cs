using Cluster.Grains.Scheduling;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Tests.Unit.Scheduling;

/// <summary>The scheduler's start reads only what it counts from each pod; it must count what a whole decode counts.</summary>
public class PlacedPodTests
{
    static string Pod(string spec, string metadataExtra = "", string status = "") =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\",\"namespace\":\"default\"" + metadataExtra + "},"
        + "\"spec\":" + spec + (status == "" ? "" : ",\"status\":" + status) + "}";

    // requests on two containers, one with limits too; a controller among two owners; running
    static readonly string Running = Pod("{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"a\",\"image\":\"busybox\",\"resources\":{\"requests\":{\"cpu\":\"250m\",\"memory\":\"64Mi\"},\"limits\":{\"cpu\":\"1\"}}},"
            + "{\"name\":\"b\",\"image\":\"busybox\",\"resources\":{\"requests\":{\"cpu\":\"1500m\",\"memory\":\"1Gi\"}}}]}",
            ",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Other\",\"name\":\"x\",\"uid\":\"u-other\"},{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"web\",\"uid\":\"u-rs\",\"controller\":true}]",
            "{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}");

    public static TheoryData<string> Pods => new()
    {
        Running,
        // limits only: they are the requests
        Pod("{\"nodeName\":\"n2\",\"containers\":[{\"name\":\"a\",\"image\":\"busybox\",\"resources\":{\"limits\":{\"cpu\":\"2\",\"memory\":\"128M\"}}}]}"),
        // nothing asked, being deleted, finished
        Pod("{\"nodeName\":\"n3\",\"containers\":[{\"name\":\"a\",\"image\":\"busybox\"}]}", ",\"deletionTimestamp\":\"2026-12-07T10:00:00Z\"", "{\"phase\":\"Succeeded\"}"),
        // unbound; an empty requests map hides the limits, as in a whole decode
        Pod("{\"containers\":[{\"name\":\"a\",\"image\":\"busybox\",\"resources\":{\"requests\":{},\"limits\":{\"cpu\":\"3\"}}}]}"),
    };

    [Theory]
    [MemberData(nameof(Pods))]
    public void ReadsWhatAWholeDecodeCounts(string json)
    {
        var whole = Objects.FromJson<V1Pod>(json);
        var info = PodInfo.From(new ObjectKey("Pod", "default", "web-1"), whole, 0);
        var read = PlacedPod.Read(json);
        Assert.Equal(whole.Metadata.Name, read.Name);
        Assert.Equal(whole.Spec.NodeName, read.NodeName);
        Assert.Equal(whole.Metadata.DeletionTimestamp != null, read.Deleting);
        Assert.Equal(whole.Status?.Phase, read.Phase);
        Assert.Equal((info.MilliCpu, info.Memory, info.OwnerUid), (read.MilliCpu, read.Memory, read.OwnerUid));
    }

    [Fact]
    public void SumsRequestsAcrossContainers()
    {
        var read = PlacedPod.Read(Running);
        Assert.Equal((1750L, 64L * 1024 * 1024 + 1024L * 1024 * 1024, "u-rs"), (read.MilliCpu, read.Memory, read.OwnerUid));
    }
}
