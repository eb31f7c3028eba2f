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
    public NodeInfo Pick(PodInfo pod, IReadOnlyList<NodeInfo> feasible) => Best.Of(feasible, n => (n.PodCount, Share(n)));

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
        var owner = pod.OwnerUid;
        var counts = pod.OwnerCounts;
        return Best.Of(feasible, n => (owner == null ? 0
                : counts != null && n.Slot >= 0 ? (n.Slot < counts.Length ? counts[n.Slot] : 0)
                : n.PodsByOwner.TryGetValue(owner, out var same) ? same : 0,
            n.PodCount, LeastAllocated.Share(n)));
    }
}

/// <summary>
/// The node with the least key, ties to the first name in ordinal order, in one pass. Each node's key is computed
/// once: the scheduler picks among hundreds of nodes per pod, and a comparison that recomputed both sides' keys (an
/// owner lookup each) was a twentieth of a loaded silo's CPU.
/// </summary>
static class Best
{
    public static NodeInfo Of<TKey>(IReadOnlyList<NodeInfo> nodes, Func<NodeInfo, TKey> key) where TKey : IComparable<TKey>
    {
        var best = nodes[0];
        var bestKey = key(best);
        for (var i = 1; i < nodes.Count; i++)
        {
            var n = nodes[i];
            var k = key(n);
            var c = k.CompareTo(bestKey);
            if (c < 0 || c == 0 && string.CompareOrdinal(n.Name, best.Name) < 0) { best = n; bestKey = k; }
        }
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
