using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Grains.Controllers.ReplicaSets;

public sealed record ReplicaSetPlan(IReadOnlyList<V1Pod> Create, IReadOnlyList<string> Delete, V1ReplicaSetStatus Status, TimeSpan? RequeueAfter);

/// <summary>
/// Kubernetes' ReplicaSet controller as a pure function: count the active pods it owns, create from the template
/// or delete the least valuable ones (unscheduled, then pending, then not ready, then the youngest), and report
/// replicas, ready and available counts.
/// </summary>
public static class ReplicaSetReconciler
{
    /// <summary>Kubernetes' burstReplicas: at most this many pods created or deleted by one sync; the next sync, at
    /// once, does the rest.</summary>
    public const int BurstReplicas = 500;

    public static ReplicaSetPlan Plan(V1ReplicaSet rs, IReadOnlyList<V1Pod> owned, DateTime now, Random? random = null)
    {
        random ??= Random.Shared;
        var active = owned.Where(IsActive).ToList();
        var want = rs.Spec.Replicas ?? 1;
        var create = new List<V1Pod>();
        var delete = new List<string>();
        if (rs.Metadata.DeletionTimestamp == null)
        {
            if (active.Count < want)
            {
                var taken = new HashSet<string>(owned.Select(p => p.Metadata.Name));
                // One copy of the template for all the pods of this pass: they are only encoded, each to its own JSON (a copy
                // per pod was a pod's encode and decode more for each create).
                var template = Objects.Clone(rs.Spec.Template);
                for (var i = active.Count; i < want && create.Count < BurstReplicas; i++)
                {
                    create.Add(ControllerPods.New(rs, Kinds.ReplicaSet, template, ControllerPods.UniqueName(rs.Metadata.Name, taken, random)));
                }
            }
            else if (active.Count > want)
                delete.AddRange(active.OrderBy(Rank).ThenByDescending(p => p.Metadata.CreationTimestamp).Take(Math.Min(active.Count - want, BurstReplicas)).Select(p => p.Metadata.Name));
        }

        var minReady = rs.Spec.MinReadySeconds ?? 0;
        TimeSpan? requeue = null;
        var ready = active.Count(IsReady);
        var available = active.Count(p =>
        {
            if (!IsReady(p)) return false;
            if (minReady <= 0) return true;
            var since = ReadySince(p) ?? now;
            var left = since.AddSeconds(minReady) - now;
            if (left <= TimeSpan.Zero) return true;
            requeue = requeue is { } r && r < left ? r : left;
            return false;
        });
        var selector = Store.LabelSelector.FromModel(rs.Spec.Selector);
        var labeled = active.Count(p => selector.Matches(p.Metadata.Labels as IReadOnlyDictionary<string, string> ?? p.Metadata.Labels?.ToDictionary()));
        var status = new V1ReplicaSetStatus
        {
            Replicas = active.Count,
            FullyLabeledReplicas = labeled == 0 ? null : labeled,
            ReadyReplicas = ready == 0 ? null : ready,
            AvailableReplicas = available == 0 ? null : available,
            ObservedGeneration = rs.Metadata.Generation,
        };
        return new ReplicaSetPlan(create, delete, status, requeue);
    }

    public static bool IsActive(V1Pod p) =>
        p.Metadata.DeletionTimestamp == null && p.Status?.Phase is not ("Succeeded" or "Failed");

    public static bool IsReady(V1Pod p) =>
        p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    static DateTime? ReadySince(V1Pod p) => p.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastTransitionTime;

    /// <summary>Lower ranks are deleted first.</summary>
    static int Rank(V1Pod p)
    {
        if (string.IsNullOrEmpty(p.Spec?.NodeName)) return 0;
        if (p.Status?.Phase == "Pending") return 1;
        if (!IsReady(p)) return 2;
        return 3;
    }
}
