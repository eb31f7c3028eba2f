using Cluster.Grains.Controllers.Deployments;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Grains.Controllers.StatefulSets;

public sealed record StatefulSetPlan(IReadOnlyList<V1PersistentVolumeClaim> CreateClaims, IReadOnlyList<V1Pod> Create, IReadOnlyList<string> Delete, V1StatefulSetStatus Status);

/// <summary>
/// Kubernetes' StatefulSet controller as a pure function of the set and the pods it owns: pods named set-0..set-N-1,
/// each with its own PersistentVolumeClaims from volumeClaimTemplates (made before the pod, kept after it). With
/// OrderedReady, pod i starts only when 0..i-1 are Running and Ready, and scaling down removes the highest ordinal
/// first, one at a time; Parallel does both at once. RollingUpdate replaces pods whose revision is old, highest
/// ordinal first, one at a time, down to the partition; OnDelete only when a pod is deleted.
/// </summary>
public static class StatefulSetReconciler
{
    public const string RevisionLabel = "controller-revision-hash";
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    public static string Revision(V1StatefulSet set) => $"{set.Metadata.Name}-{PodTemplateHash.Compute(set.Spec.Template)}";

    public static string ClaimName(V1PersistentVolumeClaim template, V1StatefulSet set, int ordinal) => $"{template.Metadata.Name}-{set.Metadata.Name}-{ordinal}";

    public static StatefulSetPlan Plan(V1StatefulSet set, IReadOnlyList<V1Pod> owned, IReadOnlySet<string> existingClaims)
    {
        var replicas = set.Spec.Replicas ?? 1;
        var parallel = set.Spec.PodManagementPolicy == "Parallel";
        var revision = Revision(set);
        var claims = new List<V1PersistentVolumeClaim>();
        var create = new List<V1Pod>();
        var delete = new List<string>();
        var byOrdinal = new Dictionary<int, V1Pod>();
        foreach (var p in owned)
            if (Ordinal(set, p.Metadata.Name) is { } i) byOrdinal[i] = p;
        bool Healthy(V1Pod p) => p.Metadata.DeletionTimestamp == null && p.Status?.Phase == "Running" && IsReady(p);
        var deleting = set.Metadata.DeletionTimestamp != null;

        if (!deleting)
        {
            // Up: in ordinal order; OrderedReady waits for each to be Running and Ready before the next.
            for (var i = 0; i < replicas; i++)
            {
                if (!byOrdinal.TryGetValue(i, out var pod))
                {
                    foreach (var t in set.Spec.VolumeClaimTemplates ?? [])
                        if (!existingClaims.Contains(ClaimName(t, set, i))) claims.Add(NewClaim(set, t, i));
                    create.Add(NewPod(set, i, revision));
                    if (!parallel) break;
                    continue;
                }
                if (pod.Status?.Phase == "Failed" && pod.Metadata.DeletionTimestamp == null) { delete.Add(pod.Metadata.Name); if (!parallel) break; continue; }
                if (!parallel && !Healthy(pod)) break;
            }
            // Down: the highest ordinals first; OrderedReady one at a time, and only when no pod is on its way.
            var excess = byOrdinal.Keys.Where(i => i >= replicas).OrderByDescending(i => i).ToList();
            if (excess.Count > 0 && create.Count == 0)
            {
                if (parallel) delete.AddRange(excess.Select(i => byOrdinal[i]).Where(p => p.Metadata.DeletionTimestamp == null).Select(p => p.Metadata.Name));
                else if (byOrdinal.Values.All(p => p.Metadata.DeletionTimestamp == null) && byOrdinal.Where(kv => kv.Key < replicas).All(kv => Healthy(kv.Value)))
                    delete.Add(byOrdinal[excess[0]].Metadata.Name);
            }
            // Rolling update: all wanted pods healthy, then the highest out-of-date ordinal at or above the partition.
            var strategy = set.Spec.UpdateStrategy?.Type ?? "RollingUpdate";
            if (strategy == "RollingUpdate" && create.Count == 0 && delete.Count == 0 && excess.Count == 0
                && Enumerable.Range(0, replicas).All(i => byOrdinal.TryGetValue(i, out var p) && Healthy(p)))
            {
                var partition = set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0;
                var stale = Enumerable.Range(0, replicas).Where(i => i >= partition && RevisionOf(byOrdinal[i]) != revision).OrderByDescending(i => i).FirstOrDefault(-1);
                if (stale >= 0) delete.Add(byOrdinal[stale].Metadata.Name);
            }
        }
        else delete.AddRange(byOrdinal.Values.Where(p => p.Metadata.DeletionTimestamp == null).Select(p => p.Metadata.Name));

        var live = byOrdinal.Values.Where(p => p.Metadata.DeletionTimestamp == null).ToList();
        var ready = live.Count(p => p.Status?.Phase == "Running" && IsReady(p));
        var updated = live.Count(p => RevisionOf(p) == revision);
        var currentRevision = updated == live.Count ? revision : set.Status?.CurrentRevision ?? revision;
        var status = new V1StatefulSetStatus
        {
            Replicas = live.Count,
            ReadyReplicas = ready == 0 ? null : ready,
            AvailableReplicas = ready,
            CurrentReplicas = live.Count(p => RevisionOf(p) == currentRevision) is var c && c > 0 ? c : null,
            UpdatedReplicas = updated == 0 ? null : updated,
            CurrentRevision = currentRevision,
            UpdateRevision = revision,
            CollisionCount = 0,
            ObservedGeneration = set.Metadata.Generation,
        };
        return new StatefulSetPlan(claims, create, delete.Distinct().ToList(), status);
    }

    static bool IsReady(V1Pod p) => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    static string? RevisionOf(V1Pod p) => p.Metadata.Labels != null && p.Metadata.Labels.TryGetValue(RevisionLabel, out var r) ? r : null;

    public static int? Ordinal(V1StatefulSet set, string podName)
    {
        var prefix = set.Metadata.Name + "-";
        return podName.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(podName[prefix.Length..], System.Globalization.NumberStyles.None, null, out var i) ? i : null;
    }

    static V1PersistentVolumeClaim NewClaim(V1StatefulSet set, V1PersistentVolumeClaim template, int ordinal)
    {
        var labels = set.Spec.Selector?.MatchLabels != null ? new Dictionary<string, string>(set.Spec.Selector.MatchLabels) : new Dictionary<string, string>();
        return new V1PersistentVolumeClaim
        {
            ApiVersion = "v1", Kind = "PersistentVolumeClaim",
            Metadata = new V1ObjectMeta { Name = ClaimName(template, set, ordinal), NamespaceProperty = set.Metadata.NamespaceProperty, Labels = labels },
            Spec = Objects.Clone(template.Spec),
        };
    }

    static V1Pod NewPod(V1StatefulSet set, int ordinal, string revision)
    {
        var t = Objects.Clone(set.Spec.Template);
        var name = $"{set.Metadata.Name}-{ordinal}";
        var labels = t.Metadata?.Labels != null ? new Dictionary<string, string>(t.Metadata.Labels) : new Dictionary<string, string>();
        labels[RevisionLabel] = revision;
        labels[PodNameLabel] = name;
        labels[PodIndexLabel] = ordinal.ToString();
        t.Spec.Hostname = name;
        t.Spec.Subdomain = set.Spec.ServiceName;
        var volumes = (t.Spec.Volumes ?? []).ToList();
        foreach (var claim in set.Spec.VolumeClaimTemplates ?? [])
        {
            volumes.RemoveAll(v => v.Name == claim.Metadata.Name);
            volumes.Add(new V1Volume { Name = claim.Metadata.Name, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(claim, set, ordinal) } });
        }
        t.Spec.Volumes = volumes.Count > 0 ? volumes : null;
        return ControllerPods.New(set, Kinds.StatefulSet, t, name, labels, generateName: false);
    }
}
