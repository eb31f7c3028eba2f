using Cluster.Grains.Controllers.Endpoints;
using k8s.Models;

namespace Cluster.Tests.Unit.Controllers;

public class EndpointsReconcilerTests
{
    static V1Service Svc(string targetPort = "80") => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "svc-uid" },
        Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Name = "http", Port = 8000, TargetPort = targetPort }] },
    };

    static V1Pod Pod(string name, bool ready, bool terminating = false)
    {
        var p = TestObjects.Pod(name, node: "n1", ready: ready);
        p.Status.PodIP = "10.1.0." + name.Length;
        p.Spec.Containers[0].Ports = [new V1ContainerPort { Name = "web", ContainerPort = 80 }];
        if (terminating) p.Metadata.DeletionTimestamp = DateTime.UtcNow;
        return p;
    }

    [Fact]
    public void ReadyNotReadyAndTerminatingPodsLandWhereKubernetesPutsThem()
    {
        var plan = EndpointsReconciler.Plan(Svc(), [Pod("a", true), Pod("bb", false), Pod("ccc", true, terminating: true)]);
        var subset = Assert.Single(plan.Endpoints.Subsets);
        Assert.Equal("a", Assert.Single(subset.Addresses).TargetRef.Name);
        Assert.Equal("bb", Assert.Single(subset.NotReadyAddresses).TargetRef.Name);
        Assert.Equal(80, Assert.Single(subset.Ports).Port);
        Assert.Equal(3, plan.Slice.Endpoints.Count);
        Assert.True(plan.Slice.Endpoints.Single(e => e.TargetRef.Name == "ccc").Conditions.Terminating);
        Assert.Equal("web", plan.Slice.Metadata.Labels[EndpointsReconciler.ServiceNameLabel]);
        Assert.Equal("svc-uid", Assert.Single(plan.Endpoints.Metadata.OwnerReferences).Uid);
    }

    [Fact]
    public void NamedTargetPortsResolveFromTheContainer() =>
        Assert.Equal(80, Assert.Single(Assert.Single(EndpointsReconciler.Plan(Svc("web"), [Pod("a", true)]).Endpoints.Subsets).Ports).Port);

    [Fact]
    public void NoPodsNoSubsets() => Assert.Null(EndpointsReconciler.Plan(Svc(), []).Endpoints.Subsets);
}
