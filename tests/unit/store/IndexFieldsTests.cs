using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s;
using k8s.Models;

namespace Cluster.Tests.Unit.Store;

public class IndexFieldsTests
{
    static void SameAsDecoded(KindInfo kind, IKubernetesObject<V1ObjectMeta> o)
    {
        var json = Objects.ToJson(o);
        var read = IndexFields.FromJson(kind, json);
        var decoded = IndexFields.Change(WatchTypes.Added, o, json, Objects.Rv(o.Metadata));
        Assert.Equal(decoded.Name, read.Name);
        Assert.Equal(decoded.ResourceVersion, read.ResourceVersion);
        Assert.Equal(decoded.Labels.OrderBy(kv => kv.Key), read.Labels.OrderBy(kv => kv.Key));
        Assert.Equal(decoded.Fields.OrderBy(kv => kv.Key), read.Fields.OrderBy(kv => kv.Key));
        Assert.Equal(decoded.OwnerUids, read.OwnerUids);
        Assert.Same(json, read.Json);
    }

    [Fact]
    public void StoredObjectsReadForTheirFieldsAsWhenDecoded()
    {
        var pod = Unit.TestObjects.Pod("p", node: "n1", phase: "Running", ownerUid: "rs-1");
        pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" };
        pod.Metadata.ResourceVersion = "1234567";
        SameAsDecoded(Kinds.Pod, pod);
        SameAsDecoded(Kinds.Pod, Unit.TestObjects.Pod("unbound", phase: "Pending"));

        SameAsDecoded(Kinds.ByKind("Node")!, new V1Node
        {
            ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = "n1", ResourceVersion = "9", Labels = new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" } },
            Spec = new V1NodeSpec { Unschedulable = true },
        });
        SameAsDecoded(Kinds.ByKind("Event")!, new Corev1Event
        {
            ApiVersion = "v1", Kind = "Event", Metadata = new V1ObjectMeta { Name = "p.1", NamespaceProperty = "default", ResourceVersion = "10" },
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "p", NamespaceProperty = "default", Uid = "u", ApiVersion = "v1", ResourceVersion = "5", FieldPath = "spec.containers{c}" },
            Source = new V1EventSource { Component = "kubelet" }, Type = "Normal", Reason = "Started",
        });
        SameAsDecoded(Kinds.ByKind("Secret")!, new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "s", NamespaceProperty = "default", ResourceVersion = "11" }, Type = "Opaque",
        });
    }
}
