using Cluster.Grains.Controllers.Deployments;
using Cluster.Grains.Scheduling.Filters;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Grains.Controllers.DaemonSets;

public sealed record DaemonSetPlan(IReadOnlyList<V1Pod> Create, IReadOnlyList<string> Delete, V1DaemonSetStatus Status);

/// <summary>
/// Kubernetes' DaemonSet controller as a pure function of the DaemonSet, the nodes and the pods it owns: one pod on
/// every node that matches the nodeSelector and whose taints the pods tolerate (with the tolerations Kubernetes adds
/// to daemon pods), none elsewhere; a new node gets its pod, a node that goes takes its pod with it. Pods are placed
/// directly on their node. RollingUpdate replaces out-of-date pods at most maxUnavailable nodes at a time; OnDelete
/// only when a pod is deleted.
/// </summary>
public static class DaemonSetReconciler
{
    public const string RevisionLabel = "controller-revision-hash";

    /// <summary>What Kubernetes' DaemonSet controller adds, so daemons stay through node trouble and cordons.</summary>
    public static readonly IReadOnlyList<V1Toleration> DaemonTolerations =
    [
        new() { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute" },
        new() { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute" },
        new() { Key = "node.kubernetes.io/disk-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
        new() { Key = "node.kubernetes.io/memory-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
        new() { Key = "node.kubernetes.io/pid-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
        new() { Key = "node.kubernetes.io/unschedulable", OperatorProperty = "Exists", Effect = "NoSchedule" },
    ];

    public static DaemonSetPlan Plan(V1DaemonSet ds, IReadOnlyList<V1Node> nodes, IReadOnlyList<V1Pod> owned, Random? random = null)
    {
        random ??= Random.Shared;
        var hash = PodTemplateHash.Compute(ds.Spec.Template);
        var create = new List<V1Pod>();
        var delete = new List<string>();
        var live = owned.Where(p => p.Metadata.DeletionTimestamp == null).ToList();
        // Failed daemon pods are replaced (Kubernetes deletes them and starts anew).
        delete.AddRange(live.Where(p => p.Status?.Phase == "Failed").Select(p => p.Metadata.Name));
        var active = live.Where(p => p.Status?.Phase is not ("Failed" or "Succeeded")).ToList();
        var byNode = active.GroupBy(p => p.Spec.NodeName ?? "").ToDictionary(g => g.Key, g => g.OrderBy(p => p.Metadata.CreationTimestamp).ToList());
        var eligible = nodes.Where(n => n.Metadata.DeletionTimestamp == null && Eligible(ds, n)).Select(n => n.Metadata.Name).ToHashSet();
        var deleting = ds.Metadata.DeletionTimestamp != null;

        // Pods on nodes that are gone or no longer match.
        var misscheduled = 0;
        foreach (var (node, pods) in byNode)
            if (!eligible.Contains(node) || deleting) { misscheduled++; delete.AddRange(pods.Select(p => p.Metadata.Name)); }

        int ready = 0, updated = 0, scheduled = 0;
        var unavailable = 0;
        var outdated = new List<V1Pod>();
        var taken = new HashSet<string>(owned.Select(p => p.Metadata.Name));
        foreach (var node in eligible.Order())
        {
            var pods = byNode.GetValueOrDefault(node) ?? [];
            if (deleting) continue;
            if (pods.Count == 0)
            {
                unavailable++;
                create.Add(NewPod(ds, ControllerPods.UniqueName(ds.Metadata.Name, taken, random), node, hash));
                continue;
            }
            scheduled++;
            // One per node: extras go, the current revision (then the oldest) stays.
            var keep = pods.FirstOrDefault(p => Revision(p) == hash) ?? pods[0];
            delete.AddRange(pods.Where(p => p != keep).Select(p => p.Metadata.Name));
            var isReady = keep.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
            if (isReady) ready++; else unavailable++;
            if (Revision(keep) == hash) updated++;
            else outdated.Add(keep);
        }

        if (!deleting && (ds.Spec.UpdateStrategy?.Type ?? "RollingUpdate") == "RollingUpdate" && outdated.Count > 0)
        {
            var maxUnavailable = MaxUnavailable(ds, eligible.Count);
            // Not-ready outdated pods go first: replacing them costs no availability.
            var budget = Math.Max(0, maxUnavailable - unavailable);
            var notReady = outdated.Where(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true).ToList();
            delete.AddRange(notReady.Select(p => p.Metadata.Name));
            delete.AddRange(outdated.Except(notReady).Take(budget).Select(p => p.Metadata.Name));
        }

        var status = new V1DaemonSetStatus
        {
            DesiredNumberScheduled = eligible.Count,
            CurrentNumberScheduled = scheduled,
            NumberMisscheduled = misscheduled,
            NumberReady = ready,
            NumberAvailable = ready == 0 ? null : ready,
            NumberUnavailable = eligible.Count - ready == 0 ? null : eligible.Count - ready,
            UpdatedNumberScheduled = updated == 0 ? null : updated,
            ObservedGeneration = ds.Metadata.Generation,
        };
        return new DaemonSetPlan(create, delete.Distinct().ToList(), status);
    }

    static string? Revision(V1Pod p) => p.Metadata.Labels != null && p.Metadata.Labels.TryGetValue(RevisionLabel, out var h) ? h : null;

    static int MaxUnavailable(V1DaemonSet ds, int nodes)
    {
        // Percentages of the eligible nodes round up, as Kubernetes does for DaemonSets.
        return Math.Max(1, DeploymentReconciler.Resolve(ds.Spec.UpdateStrategy?.RollingUpdate?.MaxUnavailable?.Value ?? "1", nodes, roundUp: true));
    }

    /// <summary>Would a daemon pod run on this node: nodeSelector, and every NoSchedule/NoExecute taint tolerated.</summary>
    public static bool Eligible(V1DaemonSet ds, V1Node node)
    {
        var spec = ds.Spec.Template.Spec;
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        if (spec.NodeSelector?.Any(kv => !labels.TryGetValue(kv.Key, out var v) || v != kv.Value) == true) return false;
        var tolerations = (spec.Tolerations ?? []).Concat(DaemonTolerations).ToList();
        return node.Spec?.Taints?.All(t => t.Effect is not ("NoSchedule" or "NoExecute") || TaintToleration.Tolerated(tolerations, t)) != false;
    }

    static V1Pod NewPod(V1DaemonSet ds, string name, string node, string hash)
    {
        var t = Objects.Clone(ds.Spec.Template);
        var labels = t.Metadata?.Labels != null ? new Dictionary<string, string>(t.Metadata.Labels) : new Dictionary<string, string>();
        labels[RevisionLabel] = hash;
        t.Spec.Tolerations = (t.Spec.Tolerations ?? []).Concat(DaemonTolerations.Where(d => t.Spec.Tolerations?.Any(x => x.Key == d.Key && x.Effect == d.Effect) != true)).ToList();
        t.Spec.NodeName = node;
        return ControllerPods.New(ds, Kinds.DaemonSet, t, name, labels);
    }
}
