namespace Cluster.Grains.Scheduling.Scorers;

/// <summary>The brief's round-robin: nodes in name order, each pod to the next feasible node after the last one used.</summary>
public sealed class RoundRobin : IScorer
{
    string? _last;
    public string Name => "round-robin";
    public NodeInfo Pick(PodInfo pod, IReadOnlyList<NodeInfo> feasible)
    {
        var ordered = feasible.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var next = _last == null ? ordered[0] : ordered.FirstOrDefault(n => string.CompareOrdinal(n.Name, _last) > 0) ?? ordered[0];
        _last = next.Name;
        return next;
    }
}

/// <summary>The brief's least-connections: the node with the fewest pods, then the least requested share of cpu and memory.</summary>
public sealed class LeastAllocated : IScorer
{
    public string Name => "least-connections";
    public NodeInfo Pick(PodInfo pod, IReadOnlyList<NodeInfo> feasible) => Best.Of(feasible, Compare);

    internal static int Compare(NodeInfo a, NodeInfo b)
    {
        var c = a.PodCount.CompareTo(b.PodCount);
        if (c == 0) c = Share(a).CompareTo(Share(b));
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }

    internal static double Share(NodeInfo n) =>
        (n.AllocatableMilliCpu > 0 ? (double)n.RequestedMilliCpu / n.AllocatableMilliCpu : 0) +
        (n.AllocatableMemory > 0 ? (double)n.RequestedMemory / n.AllocatableMemory : 0);
}

/// <summary>The brief's fair share: spread each workload evenly (fewest pods of the same owner), then least allocated.</summary>
public sealed class FairShare : IScorer
{
    public string Name => "fair-share";
    public NodeInfo Pick(PodInfo pod, IReadOnlyList<NodeInfo> feasible)
    {
        int Same(NodeInfo n) => pod.OwnerUid != null && n.PodsByOwner.TryGetValue(pod.OwnerUid, out var c) ? c : 0;
        return Best.Of(feasible, (a, b) => Same(a).CompareTo(Same(b)) is var c && c != 0 ? c : LeastAllocated.Compare(a, b));
    }
}

/// <summary>The least node under an ordering, in one pass (the scheduler picks among hundreds of nodes per pod).</summary>
static class Best
{
    public static NodeInfo Of(IReadOnlyList<NodeInfo> nodes, Comparison<NodeInfo> compare)
    {
        var best = nodes[0];
        for (var i = 1; i < nodes.Count; i++) if (compare(nodes[i], best) < 0) best = nodes[i];
        return best;
    }
}

/// <summary>The brief's priority queue: pods with higher spec.priority are scheduled first (FIFO among equals); placement as least allocated.</summary>
public sealed class PriorityQueue : IScorer
{
    readonly LeastAllocated _placement = new();
    public string Name => "priority";
    public NodeInfo Pick(PodInfo pod, IReadOnlyList<NodeInfo> feasible) => _placement.Pick(pod, feasible);
    public IEnumerable<PodInfo> Order(IEnumerable<PodInfo> pending) => pending.OrderByDescending(p => p.Priority).ThenBy(p => p.Sequence);
}

public static class Strategies
{
    public static readonly string[] Names = ["round-robin", "least-connections", "fair-share", "priority"];

    public static IScorer Create(string? name) => (name ?? "fair-share").ToLowerInvariant() switch
    {
        "round-robin" or "roundrobin" => new RoundRobin(),
        "least-connections" or "least-allocated" or "leastconnections" => new LeastAllocated(),
        "fair-share" or "fairshare" or "spread" => new FairShare(),
        "priority" or "priority-queue" => new PriorityQueue(),
        _ => throw new ArgumentException($"unknown scheduler strategy \"{name}\" (use one of: {string.Join(", ", Names)})"),
    };
}
