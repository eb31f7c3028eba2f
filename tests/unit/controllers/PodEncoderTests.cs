using Cluster.Grains.Controllers;
using Cluster.Grains.Controllers.ReplicaSets;
using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Tests.Unit.Controllers;

public class PodEncoderTests
{
    [Fact]
    public void PodsSharingTheirSpecAreEncodedAsEachWholePodWouldBe()
    {
        var rs = new V1ReplicaSet
        {
            ApiVersion = "apps/v1", Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta { Name = "web-abc", NamespaceProperty = "default", Uid = "rs-uid" },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 3,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }] },
                },
            },
        };
        rs.Spec.Template.Metadata.Annotations = new Dictionary<string, string> { ["note"] = "caf\u00e9 \"quoted\"" };
        rs.Spec.Template.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") } };
        var plan = ReplicaSetReconciler.Plan(rs, [], DateTime.UtcNow);
        Assert.Equal(3, plan.Create.Count);
        Assert.Same(plan.Create[0].Spec, plan.Create[2].Spec); // one template copy for the pass
        var encoder = new ControllerPods.PodEncoder();
        foreach (var pod in plan.Create) Assert.Equal(Objects.ToJson(pod), encoder.Encode(pod));
        // A pod with another spec, or with a status, is encoded on its own.
        var other = TestObjects.Pod("other");
        Assert.Equal(Objects.ToJson(other), encoder.Encode(other));
        Assert.Equal(Objects.ToJson(plan.Create[1]), encoder.Encode(plan.Create[1]));
    }
}
