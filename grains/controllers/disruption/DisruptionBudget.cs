using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Grains.Controllers.Disruption;

/// <summary>PodDisruptionBudget arithmetic (pure): how many of the matching pods may be disrupted right now.</summary>
public static class DisruptionBudget
{
    public static V1PodDisruptionBudgetStatus Status(V1PodDisruptionBudget pdb, IReadOnlyList<V1Pod> pods, DateTime now)
    {
        var selector = LabelSelector.FromModel(pdb.Spec?.Selector);
        var matching = pods.Where(p => p.Metadata.DeletionTimestamp == null && p.Status?.Phase is not ("Succeeded" or "Failed")
                                       && selector.Matches((IReadOnlyDictionary<string, string>?)p.Metadata.Labels?.ToDictionary())).ToList();
        var expected = matching.Count;
        var healthy = matching.Count(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
        int desired;
        if (pdb.Spec?.MinAvailable is { } min) desired = Resolve(min, expected, roundUp: true);
        else if (pdb.Spec?.MaxUnavailable is { } max) desired = Math.Max(0, expected - Resolve(max, expected, roundUp: true));
        else desired = expected;
        var prev = pdb.Status;
        var allowed = Math.Max(0, healthy - desired);
        var cond = new V1Condition
        {
            Type = "DisruptionAllowed", Status = allowed > 0 ? "True" : "False",
            Reason = allowed > 0 ? "SufficientPods" : "InsufficientPods", Message = "",
            ObservedGeneration = pdb.Metadata.Generation,
            LastTransitionTime = prev?.Conditions?.FirstOrDefault(c => c.Type == "DisruptionAllowed") is { } p0 && p0.Status == (allowed > 0 ? "True" : "False") ? p0.LastTransitionTime : now,
        };
        return new V1PodDisruptionBudgetStatus
        {
            CurrentHealthy = healthy, DesiredHealthy = desired, ExpectedPods = expected, DisruptionsAllowed = allowed,
            ObservedGeneration = pdb.Metadata.Generation, Conditions = [cond],
        };
    }

    static int Resolve(IntOrString v, int total, bool roundUp)
    {
        var s = v.Value ?? "0";
        if (s.EndsWith('%') && int.TryParse(s[..^1], out var pct)) return roundUp ? (int)Math.Ceiling(pct * total / 100.0) : pct * total / 100;
        return int.TryParse(s, out var n) ? n : 0;
    }
}
