using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Tests.Unit.Store;

public class MetadataReaderTests
{
    [Fact]
    public void ReadsIdentityOwnerAndTimesAsTheDecodedObjectHasThem()
    {
        var pod = Unit.TestObjects.Pod("p", node: "n1", phase: "Running", ownerUid: "rs-1");
        pod.Metadata.Uid = "pod-uid";
        pod.Metadata.CreationTimestamp = new DateTime(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc);
        var m = MetadataReader.Read(Objects.ToJson(pod))!;
        Assert.Equal(("p", "pod-uid"), (m.Name, m.Uid));
        var controller = Objects.ControllerOf(pod.Metadata)!;
        Assert.Equal((controller.Kind, controller.Name, controller.Uid), (m.Controller!.Kind, m.Controller.Name, m.Controller.Uid));
        Assert.Equal(pod.Metadata.CreationTimestamp, m.CreationTimestamp);
        Assert.Null(m.LastTimestamp);

        var ev = new Corev1Event
        {
            ApiVersion = "v1", Kind = "Event", Metadata = new V1ObjectMeta { Name = "p.1", NamespaceProperty = "default", Uid = "e" },
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "p" },
            LastTimestamp = new DateTime(2026, 12, 6, 7, 59, 58, 123, DateTimeKind.Utc),
        };
        var e = MetadataReader.Read(Objects.ToJson(ev))!;
        Assert.Equal(ev.LastTimestamp, e.LastTimestamp?.ToUniversalTime());
        Assert.Null(e.Controller);

        // A dependent owned but not controlled has no controller; what does not read as metadata is refused.
        pod.Metadata.OwnerReferences![0].Controller = false;
        Assert.Null(MetadataReader.Read(Objects.ToJson(pod))!.Controller);
        Assert.Null(MetadataReader.Read("{\"metadata\":{\"name\":7}}"));
    }
}
