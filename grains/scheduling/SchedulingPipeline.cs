using Cluster.Grains.Scheduling.Filters;

namespace Cluster.Grains.Scheduling;

/// <summary>The outcome for one pod: a node, or Kubernetes' "0/N nodes are available: ..." message.</summary>
public sealed record Decision(string? Node, string? FailureMessage, int Examined = 0);

/// <summary>
/// Filter -> score -> (the caller binds). Pure: a pod and a snapshot of nodes in, a decision out. The caller
/// updates the snapshot with each placement so that one batch sees its own decisions.
/// </summary>
public sealed class SchedulingPipeline(IScorer scorer, IReadOnlyList<IFilter>? filters = null)
{
    // An array, walked with an index: this loop runs for hundreds of nodes per pod, thousands of pods a second.
    readonly IFilter[] _filters = filters?.ToArray() ?? [new NodeReady(), new NodeUnschedulable(), new NodeSelector(), new VolumeNode(), new TaintToleration(), new NodeResourcesFit()];
    public IReadOnlyList<IFilter> Filters => _filters;
    public IScorer Scorer { get; } = scorer;

    [ThreadStatic] static List<NodeInfo>? t_feasible;

    /// <summary>kube-scheduler's minFeasibleNodesToFind: below this many nodes every node is examined.</summary>
    public const int MinFeasibleNodes = 100;

    /// <summary>
    /// How many feasible nodes to find before scoring: kube-scheduler's adaptive percentageOfNodesToScore
    /// (50% less one point per 125 nodes, at least 5%, at least 100 nodes). At 5,000 nodes that is 500.
    /// </summary>
    public static int NodesToFind(int nodes)
    {
        if (nodes <= MinFeasibleNodes) return nodes;
        var percent = Math.Max(5, 50 - nodes / 125);
        return Math.Max(MinFeasibleNodes, nodes * percent / 100);
    }

    /// <summary>
    /// Filters nodes from <paramref name="start"/> on (wrapping) until enough are feasible, then scores those. The
    /// caller starts the next pod where this one stopped (Examined), as kube-scheduler does, so every node gets its turn.
    /// </summary>
    public Decision Schedule(PodInfo pod, IReadOnlyList<NodeInfo> nodes, int start = 0)
    {
        if (nodes.Count == 0) return new Decision(null, "0/0 nodes are available: no nodes available to schedule pods.");
        var want = NodesToFind(nodes.Count);
        // One list per thread, reused: grown afresh for each pod it was 6% of all a loaded silo allocated
        // (hundreds of entries a pod). Pick is synchronous and keeps nothing, so the list is free again on return.
        var feasible = t_feasible ??= new List<NodeInfo>(MinFeasibleNodes);
        feasible.Clear();
        Dictionary<string, int>? reasons = null;
        var examined = 0;
        for (; examined < nodes.Count && feasible.Count < want; examined++)
        {
            var n = nodes[(start + examined) % nodes.Count];
            string? why = null;
            for (var f = 0; f < _filters.Length && why == null; f++) why = _filters[f].Check(pod, n);
            if (why == null) feasible.Add(n);
            else { reasons ??= []; reasons[why] = reasons.GetValueOrDefault(why) + 1; }
        }
        if (feasible.Count > 0)
        {
            var picked = Scorer.Pick(pod, feasible).Name;
            feasible.Clear();
            return new Decision(picked, null, examined);
        }
        var parts = (reasons ?? []).Select(kv => $"{kv.Value} {kv.Key}").Order(StringComparer.Ordinal);
        return new Decision(null, $"0/{nodes.Count} nodes are available: {string.Join(", ", parts)}.");
    }
}
