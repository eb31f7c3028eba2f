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
    public sealed class NodeUsage(Placements? of, int slot)
    {
        public long MilliCpu, Memory;
        public int Count;

        /// <summary>Pods per owner on this node, derived from the owners' counts by slot (the scheduler reads those;
        /// this view is for inspection).</summary>
        public IReadOnlyDictionary<string, int> ByOwner => of == null
            ? new Dictionary<string, int>()
            : of._byOwner.Where(o => slot < o.Value.Counts.Length && o.Value.Counts[slot] > 0).ToDictionary(o => o.Key, o => o.Value.Counts[slot]);
    }

    static readonly NodeUsage Empty = new(null, -1);
    static readonly int[] NoCounts = [];
    readonly Dictionary<ObjectKey, Placed> _pods = new();
    readonly Dictionary<string, NodeUsage> _nodes = new();
    // Each node name's slot (given at first sight, never reused), and each owner's pods per slot: the fair-share score
    // reads one array per pod instead of looking the owner up in every candidate node's dictionary (780 lookups a
    // pod at 3,000 nodes, each a string hash and a cache miss: 4% of a loaded silo).
    readonly Dictionary<string, int> _slots = new();
    readonly Dictionary<string, (int[] Counts, int Total)> _byOwner = new();

    /// <summary>The node's slot: the index of its count in <see cref="CountsOf"/>'s arrays.</summary>
    public int SlotOf(string node)
    {
        if (!_slots.TryGetValue(node, out var slot)) _slots[node] = slot = _slots.Count;
        return slot;
    }

    /// <summary>The owner's pods per node slot, live (callers must not change it); empty when it has none placed.
    /// A slot past the end counts zero.</summary>
    public int[] CountsOf(string? owner) => owner != null && _byOwner.TryGetValue(owner, out var o) ? o.Counts : NoCounts;

    void Tally(string owner, string node, int delta)
    {
        var slot = SlotOf(node);
        var (counts, total) = _byOwner.TryGetValue(owner, out var o) ? o : (NoCounts, 0);
        if (slot >= counts.Length) Array.Resize(ref counts, Math.Max(slot + 1, Math.Max(16, counts.Length * 2)));
        counts[slot] += delta;
        total += delta;
        if (total <= 0) _byOwner.Remove(owner); else _byOwner[owner] = (counts, total);
    }

    public int Count => _pods.Count;
    public bool Contains(ObjectKey pod) => _pods.ContainsKey(pod);

    public void Set(ObjectKey pod, Placed placed)
    {
        Remove(pod);
        _pods[pod] = placed;
        if (!_nodes.TryGetValue(placed.Node, out var u)) _nodes[placed.Node] = u = new NodeUsage(this, SlotOf(placed.Node));
        u.MilliCpu += placed.MilliCpu;
        u.Memory += placed.Memory;
        u.Count++;
        if (placed.OwnerUid != null) Tally(placed.OwnerUid, placed.Node, +1);
    }

    public bool Remove(ObjectKey pod)
    {
        if (!_pods.Remove(pod, out var placed)) return false;
        var u = _nodes[placed.Node];
        u.MilliCpu -= placed.MilliCpu;
        u.Memory -= placed.Memory;
        u.Count--;
        if (placed.OwnerUid != null) Tally(placed.OwnerUid, placed.Node, -1);
        if (u.Count == 0) _nodes.Remove(placed.Node);
        return true;
    }

    /// <summary>The totals of a node (callers must not change them).</summary>
    public NodeUsage On(string node) => _nodes.GetValueOrDefault(node) ?? Empty;
}
