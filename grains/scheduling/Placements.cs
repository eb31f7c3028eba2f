using Cluster.Interfaces.Api;

namespace Cluster.Grains.Scheduling;

/// <summary>
/// The pods the scheduler counts as placed, and what they add up to on each node, kept as pods come and go: a batch's
/// snapshot reads each node's totals instead of regrouping every placed pod (150,000 of them at scale) per batch.
/// </summary>
public sealed class Placements
{
    public sealed record Placed(string Node, long MilliCpu, long Memory, string? OwnerUid);

    /// <summary>What is placed on one node.</summary>
    public sealed class NodeUsage
    {
        public long MilliCpu, Memory;
        public int Count;
        public readonly Dictionary<string, int> ByOwner = new();
    }

    static readonly NodeUsage Empty = new();
    readonly Dictionary<ObjectKey, Placed> _pods = new();
    readonly Dictionary<string, NodeUsage> _nodes = new();

    public int Count => _pods.Count;
    public bool Contains(ObjectKey pod) => _pods.ContainsKey(pod);

    public void Set(ObjectKey pod, Placed placed)
    {
        Remove(pod);
        _pods[pod] = placed;
        if (!_nodes.TryGetValue(placed.Node, out var u)) _nodes[placed.Node] = u = new NodeUsage();
        u.MilliCpu += placed.MilliCpu;
        u.Memory += placed.Memory;
        u.Count++;
        if (placed.OwnerUid != null) u.ByOwner[placed.OwnerUid] = u.ByOwner.GetValueOrDefault(placed.OwnerUid) + 1;
    }

    public bool Remove(ObjectKey pod)
    {
        if (!_pods.Remove(pod, out var placed)) return false;
        var u = _nodes[placed.Node];
        u.MilliCpu -= placed.MilliCpu;
        u.Memory -= placed.Memory;
        u.Count--;
        if (placed.OwnerUid != null && u.ByOwner.TryGetValue(placed.OwnerUid, out var n))
        {
            if (n <= 1) u.ByOwner.Remove(placed.OwnerUid); else u.ByOwner[placed.OwnerUid] = n - 1;
        }
        if (u.Count == 0) _nodes.Remove(placed.Node);
        return true;
    }

    /// <summary>The totals of a node (callers must not change them).</summary>
    public NodeUsage On(string node) => _nodes.GetValueOrDefault(node) ?? Empty;
}
