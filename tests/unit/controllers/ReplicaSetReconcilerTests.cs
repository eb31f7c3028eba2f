using Cluster.Grains.Controllers.ReplicaSets;
using k8s.Models;

namespace Cluster.Tests.Unit.Controllers;

public class ReplicaSetReconcilerTests
{
    static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    static V1ReplicaSet Rs(int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-abc", NamespaceProperty = "default", Uid = "rs-uid", Generation = 2 },
        Spec = new V1ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }] },
            },
        },
    };

    [Fact]
    public void ThePartOfAPodThatIsCountedReadsAsTheWholePod()
    {
        var pods = new[]
        {
            Unit.TestObjects.Pod("a", node: "n1", ownerUid: "rs-uid"), Unit.TestObjects.Pod("b", ready: false, ownerUid: "rs-uid"),
            Unit.TestObjects.Pod("c", node: "n2", phase: "Pending", ready: false, ownerUid: "rs-uid"), Unit.TestObjects.Pod("d", node: "n1", ownerUid: "rs-uid"),
        };
        pods[0].Metadata.Labels = new Dictionary<string, string> { ["app"] = "web" };
        pods[3].Metadata.Labels = new Dictionary<string, string> { ["app"] = "web" };
        pods[3].Metadata.DeletionTimestamp = Now;
        pods[1].Status.Conditions.Add(new V1PodCondition { Type = "PodScheduled", Status = "True" });
        var rs = Rs(2);
        rs.Spec.MinReadySeconds = 10;
        var counted = pods.Select(p => CountedPod.Read(Grains.Store.Objects.ToJson(p))).ToList();
        var whole = ReplicaSetReconciler.Plan(rs, pods, Now, new Random(1));
        var part = ReplicaSetReconciler.Plan(rs, counted, Now, new Random(1));
        Assert.Equal(Grains.Store.Objects.ToJson(whole.Status), Grains.Store.Objects.ToJson(part.Status));
        Assert.Equal(whole.Delete, part.Delete);
        Assert.Equal(whole.RequeueAfter, part.RequeueAfter);
        Assert.Equal(pods.Select(p => (p.Metadata.Name, p.Metadata.Uid, p.Spec.NodeName, p.Metadata.CreationTimestamp, p.Metadata.OwnerReferences[0].Uid)),
            counted.Select(p => (p.Metadata.Name, p.Metadata.Uid, p.Spec.NodeName, p.Metadata.CreationTimestamp, p.Metadata.OwnerReferences[0].Uid)));
    }

    [Fact]
    public void OneSyncCreatesAtMostBurstReplicasAndDeletesAtMostAsMany()
    {
        var plan = ReplicaSetReconciler.Plan(Rs(1200), [], Now, new Random(1));
        Assert.Equal(ReplicaSetReconciler.BurstReplicas, plan.Create.Count);
        Assert.Equal(500, plan.Create.Select(p => p.Metadata.Name).Distinct().Count());

        var running = Enumerable.Range(0, 700).Select(i => Unit.TestObjects.Pod($"p{i}", node: "n1", ownerUid: "rs-uid")).ToList();
        var down = ReplicaSetReconciler.Plan(Rs(100), running, Now, new Random(1));
        Assert.Equal(ReplicaSetReconciler.BurstReplicas, down.Delete.Count);
        Assert.Empty(down.Create);
    }

    [Theory]
    [InlineData(0, new int[0])]
    [InlineData(1, new[] { 1 })]
    [InlineData(3, new[] { 1, 2 })]
    [InlineData(10, new[] { 1, 2, 4, 3 })]
    [InlineData(500, new[] { 1, 2, 4, 8, 16, 32, 64, 128, 245 })]
    public void CreatesGoOutInSlowStartBatches(int count, int[] batches)
    {
        Assert.Equal(batches, Grains.Controllers.ControllerPods.SlowStartBatches(count));
    }

    [Fact]
    public void CreatesMissingPodsOwnedByTheReplicaSet()
    {
        var plan = ReplicaSetReconciler.Plan(Rs(3), [], Now, new Random(1));
        Assert.Equal(3, plan.Create.Count);
        Assert.Equal(3, plan.Create.Select(p => p.Metadata.Name).Distinct().Count());
        Assert.All(plan.Create, p =>
        {
            Assert.StartsWith("web-abc-", p.Metadata.Name);
            Assert.Equal(13, p.Metadata.Name.Length);
            Assert.Equal("rs-uid", Assert.Single(p.Metadata.OwnerReferences).Uid);
            Assert.Equal("web", p.Metadata.Labels["app"]);
        });
    }

    [Fact]
    public void DeletesUnscheduledAndNotReadyPodsFirst()
    {
        var pods = new[]
        {
            TestObjects.Pod("ready-1", node: "n1", ownerUid: "rs-uid"),
            TestObjects.Pod("unscheduled", node: "", phase: "Pending", ready: false, ownerUid: "rs-uid"),
            TestObjects.Pod("notready", node: "n1", ready: false, ownerUid: "rs-uid"),
            TestObjects.Pod("ready-2", node: "n1", ownerUid: "rs-uid"),
        };
        var plan = ReplicaSetReconciler.Plan(Rs(2), pods, Now);
        Assert.Equal(["unscheduled", "notready"], plan.Delete.Order().Reverse().ToArray());
    }

    [Fact]
    public void TerminatingPodsDoNotCountAndStatusCountsReady()
    {
        var gone = TestObjects.Pod("gone", node: "n1", ownerUid: "rs-uid");
        gone.Metadata.DeletionTimestamp = Now;
        var pods = new[] { gone, TestObjects.Pod("a", node: "n1", ownerUid: "rs-uid"), TestObjects.Pod("b", node: "n1", ready: false, ownerUid: "rs-uid") };
        var plan = ReplicaSetReconciler.Plan(Rs(3), pods, Now, new Random(2));
        Assert.Single(plan.Create);
        Assert.Equal(2, plan.Status.Replicas);
        Assert.Equal(1, plan.Status.ReadyReplicas);
        Assert.Equal(1, plan.Status.AvailableReplicas);
        Assert.Equal(2, plan.Status.ObservedGeneration);
    }

    [Fact]
    public void MinReadySecondsDelaysAvailabilityAndRequeues()
    {
        var rs = Rs(1);
        rs.Spec.MinReadySeconds = 30;
        var pod = TestObjects.Pod("a", node: "n1", ownerUid: "rs-uid");
        pod.Status.Conditions[0].LastTransitionTime = Now.AddSeconds(-10);
        var plan = ReplicaSetReconciler.Plan(rs, [pod], Now);
        Assert.Null(plan.Status.AvailableReplicas);
        Assert.Equal(TimeSpan.FromSeconds(20), plan.RequeueAfter);
    }

    [Fact]
    public void AReplicaSetIsAtRestOnlyWithEveryReplicaReadyAndAvailableAndNothingWaitedFor()
    {
        static V1Pod Ready(string name) => TestObjects.Pod(name, node: "n1", ownerUid: "rs-uid");
        Assert.True(ReplicaSetGrain.AtRest(Rs(2), ReplicaSetReconciler.Plan(Rs(2), [Ready("a"), Ready("b")], Now)));
        // One missing, one not ready, one ready but not yet available (minReadySeconds: a requeue is waited for).
        Assert.False(ReplicaSetGrain.AtRest(Rs(3), ReplicaSetReconciler.Plan(Rs(3), [Ready("a"), Ready("b")], Now)));
        Assert.False(ReplicaSetGrain.AtRest(Rs(2), ReplicaSetReconciler.Plan(Rs(2), [Ready("a"), TestObjects.Pod("b", node: "n1", ready: false, ownerUid: "rs-uid")], Now)));
        var slow = Rs(1);
        slow.Spec.MinReadySeconds = 30;
        var young = Ready("a");
        young.Status.Conditions[0].LastTransitionTime = Now.AddSeconds(-10);
        Assert.False(ReplicaSetGrain.AtRest(slow, ReplicaSetReconciler.Plan(slow, [young], Now)));
        // Scaled to zero with nothing left: at rest too.
        Assert.True(ReplicaSetGrain.AtRest(Rs(0), ReplicaSetReconciler.Plan(Rs(0), [], Now)));
    }
}
