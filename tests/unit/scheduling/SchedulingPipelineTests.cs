using Cluster.Grains.Scheduling;
using Cluster.Grains.Scheduling.Scorers;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Tests.Unit.Scheduling;

public class SchedulingPipelineTests
{
    static NodeInfo Node(string name, long cpu = 2000, long mem = 4L << 30, int pods = 110, bool ready = true, bool unschedulable = false,
        V1Taint[]? taints = null, Dictionary<string, string>? labels = null, int podCount = 0, long usedMem = 0, Dictionary<string, int>? byOwner = null) =>
        new(name, ready, unschedulable, labels ?? new Dictionary<string, string>(), taints ?? [], cpu, mem, pods, 0, usedMem, podCount, byOwner ?? new Dictionary<string, int>());

    static PodInfo Pod(string memory = "0", string cpu = "0", int priority = 0, long seq = 1, string? owner = null, V1Toleration[]? tolerations = null, Dictionary<string, string>? nodeSelector = null)
    {
        var p = TestObjects.Pod("p" + seq, ownerUid: owner);
        p.Spec.Priority = priority;
        p.Spec.Tolerations = tolerations;
        p.Spec.NodeSelector = nodeSelector;
        p.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = new(memory), ["cpu"] = new(cpu) } };
        return PodInfo.From(new ObjectKey("Pod", "default", "p" + seq), p, seq);
    }

    [Fact]
    public void ExplainsWhyNoNodeFitsInKubernetesWords()
    {
        var pipeline = new SchedulingPipeline(new LeastAllocated());
        var nodes = new[]
        {
            Node("a", mem: 1L << 30), Node("b", mem: 1L << 30),
            Node("c", taints: [new V1Taint { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" }]),
        };
        var d = pipeline.Schedule(Pod(memory: "2Gi"), nodes);
        Assert.Null(d.Node);
        Assert.Equal("0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient memory.", d.FailureMessage);
    }

    [Fact]
    public void TolerationsNodeSelectorReadinessAndCordon()
    {
        var pipeline = new SchedulingPipeline(new LeastAllocated());
        var taint = new V1Taint { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" };
        Assert.Equal("c", pipeline.Schedule(Pod(tolerations: [new V1Toleration { Key = "dedicated", OperatorProperty = "Equal", Value = "gpu", Effect = "NoSchedule" }]),
            [Node("c", taints: [taint]), Node("d", ready: false)]).Node);
        Assert.Equal("x", pipeline.Schedule(Pod(nodeSelector: new() { ["disk"] = "ssd" }),
            [Node("w"), Node("x", labels: new() { ["disk"] = "ssd" })]).Node);
        Assert.Equal("0/2 nodes are available: 1 node(s) were not ready, 1 node(s) were unschedulable.",
            pipeline.Schedule(Pod(), [Node("a", ready: false), Node("b", unschedulable: true)]).FailureMessage);
        Assert.Equal("0/1 nodes are available: 1 Too many pods.", pipeline.Schedule(Pod(), [Node("a", pods: 2, podCount: 2)]).FailureMessage);
    }

    [Fact]
    public void RoundRobinCyclesThroughNodesInNameOrder()
    {
        var pipeline = new SchedulingPipeline(new RoundRobin());
        var nodes = new[] { Node("b"), Node("a"), Node("c") };
        var picks = Enumerable.Range(1, 6).Select(i => pipeline.Schedule(Pod(seq: i), nodes).Node).ToArray();
        Assert.Equal(["a", "b", "c", "a", "b", "c"], picks);
    }

    [Fact]
    public void LeastConnectionsPicksTheNodeWithFewestPods()
    {
        var pipeline = new SchedulingPipeline(new LeastAllocated());
        Assert.Equal("b", pipeline.Schedule(Pod(), [Node("a", podCount: 5), Node("b", podCount: 2), Node("c", podCount: 3)]).Node);
    }

    [Fact]
    public void FairShareSpreadsOneWorkloadEvenWhenNodesAreUneven()
    {
        var pipeline = new SchedulingPipeline(new FairShare());
        // Node a holds fewer pods overall but more of this workload: fair share still prefers b.
        var nodes = new[] { Node("a", podCount: 2, byOwner: new() { ["w"] = 2 }), Node("b", podCount: 10, byOwner: new() { ["w"] = 0 }) };
        Assert.Equal("b", pipeline.Schedule(Pod(owner: "w"), nodes).Node);
    }

    [Fact]
    public void FairShareReadsTheOwnersCountsBySlotWhenTheSchedulerGivesThem()
    {
        var pipeline = new SchedulingPipeline(new FairShare());
        // The nodes' dictionaries say a is better; the counts by slot (what the scheduler passes) say b: they win.
        var nodes = new[] { Node("a", podCount: 2, byOwner: new() { ["w"] = 0 }) with { Slot = 0 }, Node("b", podCount: 10, byOwner: new() { ["w"] = 5 }) with { Slot = 1 } };
        Assert.Equal("a", pipeline.Schedule(Pod(owner: "w"), nodes).Node);
        Assert.Equal("b", pipeline.Schedule(Pod(owner: "w") with { OwnerCounts = [3, 0] }, nodes).Node);
        // A slot past the end of the array counts zero.
        Assert.Equal("b", pipeline.Schedule(Pod(owner: "w") with { OwnerCounts = [3] }, nodes).Node);
    }

    [Fact]
    public void PriorityQueueTakesHigherPriorityPodsFirst()
    {
        var q = new PriorityQueue();
        var order = q.Order([Pod(priority: 0, seq: 1), Pod(priority: 100, seq: 2), Pod(priority: 100, seq: 3), Pod(priority: 5, seq: 4)]).Select(p => p.Sequence).ToArray();
        Assert.Equal([2L, 3L, 4L, 1L], order);
    }

    [Fact]
    public void UnknownStrategyIsAClearError() =>
        Assert.Contains("unknown scheduler strategy \"fastest\"", Assert.Throws<ArgumentException>(() => Strategies.Create("fastest")).Message);

    [Theory]
    [InlineData(3, 3)]
    [InlineData(100, 100)]
    [InlineData(1000, 420)]
    [InlineData(5000, 500)]
    [InlineData(20000, 1000)]
    public void FindsAsManyFeasibleNodesAsKubeSchedulerScores(int nodes, int expected) =>
        Assert.Equal(expected, SchedulingPipeline.NodesToFind(nodes));

    [Fact]
    public void LargeClustersAreSearchedFromARotatingStartUntilEnoughNodesFit()
    {
        var pipeline = new SchedulingPipeline(new LeastAllocated());
        // 1,000 nodes; the first 200 are full: the search from 0 passes them and stops after 420 feasible ones.
        var nodes = Enumerable.Range(0, 1000).Select(i => Node($"n{i:0000}", pods: 1, podCount: i < 200 ? 1 : 0)).ToList();
        var d = pipeline.Schedule(Pod(), nodes);
        Assert.Equal(620, d.Examined);
        Assert.Equal("n0200", d.Node);
        // The next pod starts where that search stopped: only nodes from there on are candidates.
        var next = pipeline.Schedule(Pod(), nodes, start: 500);
        Assert.Equal("n0500", next.Node);
        Assert.Equal(420, next.Examined);
        // The search wraps around the end: from 900, 100 fit before the end, 200 full ones follow, then 320 more.
        var wrapped = pipeline.Schedule(Pod(), nodes, start: 900);
        Assert.Equal(620, wrapped.Examined);
        // When nothing fits, every node was examined and the message counts them all.
        var full = Enumerable.Range(0, 1000).Select(i => Node($"n{i}", pods: 1, podCount: 1)).ToList();
        Assert.Equal("0/1000 nodes are available: 1000 Too many pods.", pipeline.Schedule(Pod(), full, start: 123).FailureMessage);
    }
}
