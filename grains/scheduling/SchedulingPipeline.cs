using Cluster.Grains.Scheduling.Filters;

namespace Cluster.Grains.Scheduling;

/// <summary>The outcome for one pod: a node, or Kubernetes' "0/N nodes are available: ..." message.</summary>
public sealed record Decision(string? Node, string? FailureMessage);

/// <summary>
/// Filter -> score -> (the caller binds). Pure: a pod and a snapshot of nodes in, a decision out. The caller
/// updates the snapshot with each placement so that one batch sees its own decisions.
/// </summary>
public sealed class SchedulingPipeline(IScorer scorer, IReadOnlyList<IFilter>? filters = null)
{
    public IReadOnlyList<IFilter> Filters { get; } = filters ?? [new NodeReady(), new NodeUnschedulable(), new NodeSelector(), new VolumeNode(), new TaintToleration(), new NodeResourcesFit()];
    public IScorer Scorer { get; } = scorer;

    public Decision Schedule(PodInfo pod, IReadOnlyList<NodeInfo> nodes)
    {
        if (nodes.Count == 0) return new Decision(null, "0/0 nodes are available: no nodes available to schedule pods.");
        var feasible = new List<NodeInfo>();
        var reasons = new Dictionary<string, int>();
        foreach (var n in nodes)
        {
            string? why = null;
            foreach (var f in Filters) if ((why = f.Check(pod, n)) != null) break;
            if (why == null) feasible.Add(n);
            else reasons[why] = reasons.GetValueOrDefault(why) + 1;
        }
        if (feasible.Count > 0) return new Decision(Scorer.Pick(pod, feasible).Name, null);
        var parts = reasons.Select(kv => $"{kv.Value} {kv.Key}").Order(StringComparer.Ordinal);
        return new Decision(null, $"0/{nodes.Count} nodes are available: {string.Join(", ", parts)}.");
    }
}
