using Cluster.Grains.Controllers.DaemonSets;
using Cluster.Grains.Controllers.Deployments;
using k8s.Models;

namespace Cluster.Tests.Unit.Controllers;

public class DaemonSetReconcilerTests
{
    static V1DaemonSet Ds(string image = "agent:1", Dictionary<string, string>? nodeSelector = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = "default", Uid = "ds-uid", Generation = 1 },
        Spec = new V1DaemonSetSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "agent" } },
            UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = "1" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "agent" } },
                Spec = new V1PodSpec { NodeSelector = nodeSelector, Containers = [new V1Container { Name = "c", Image = image }] },
            },
        },
    };

    static V1Node Node(string name, Dictionary<string, string>? labels = null, V1Taint? taint = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Spec = new V1NodeSpec { Taints = taint == null ? null : [taint] },
    };

    static V1Pod Pod(string name, string node, string hash, bool ready = true) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { [DaemonSetReconciler.RevisionLabel] = hash } },
        Spec = new V1PodSpec { NodeName = node },
        Status = new V1PodStatus { Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    [Fact]
    public void OnePodBoundToEachMatchingNode()
    {
        var plan = DaemonSetReconciler.Plan(Ds(), [Node("a"), Node("b"), Node("c")], []);
        Assert.Equal(["a", "b", "c"], plan.Create.Select(p => p.Spec.NodeName).Order().ToList());
        Assert.All(plan.Create, p =>
        {
            Assert.Equal("ds-uid", Assert.Single(p.Metadata.OwnerReferences).Uid);
            Assert.Contains(p.Spec.Tolerations, t => t.Key == "node.kubernetes.io/unreachable" && t.Effect == "NoExecute");
        });
        Assert.Equal(3, plan.Status.DesiredNumberScheduled);
    }

    [Fact]
    public void NodeSelectorAndUntoleratedTaintsKeepPodsOff()
    {
        var ds = Ds(nodeSelector: new() { ["disk"] = "ssd" });
        var nodes = new[]
        {
            Node("a", new() { ["disk"] = "ssd" }),
            Node("b"),
            Node("c", new() { ["disk"] = "ssd" }, new V1Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" }),
            Node("d", new() { ["disk"] = "ssd" }, new V1Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" }),
        };
        var plan = DaemonSetReconciler.Plan(ds, nodes, []);
        Assert.Equal(["a", "d"], plan.Create.Select(p => p.Spec.NodeName).Order().ToList());
    }

    [Fact]
    public void PodsOnNodesThatLeftOrNoLongerMatchAreDeleted()
    {
        var hash = PodTemplateHash.Compute(Ds().Spec.Template);
        var plan = DaemonSetReconciler.Plan(Ds(), [Node("a")], [Pod("pa", "a", hash), Pod("pgone", "gone", hash)]);
        Assert.Equal(["pgone"], plan.Delete);
        Assert.Empty(plan.Create);
        Assert.Equal(1, plan.Status.NumberMisscheduled);
    }

    [Fact]
    public void RollingUpdateReplacesOneNodeAtATime()
    {
        var old = PodTemplateHash.Compute(Ds("agent:1").Spec.Template);
        var pods = new[] { Pod("pa", "a", old), Pod("pb", "b", old), Pod("pc", "c", old) };
        var plan = DaemonSetReconciler.Plan(Ds("agent:2"), [Node("a"), Node("b"), Node("c")], pods);
        Assert.Single(plan.Delete);
        Assert.Empty(plan.Create);

        // While a node has no ready pod, no other old pod goes.
        var plan2 = DaemonSetReconciler.Plan(Ds("agent:2"), [Node("a"), Node("b"), Node("c")], [pods[1], pods[2]]);
        Assert.Empty(plan2.Delete);
        Assert.Single(plan2.Create);
        Assert.Equal("a", plan2.Create[0].Spec.NodeName);
    }
}
