using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Grains.Controllers.Deployments;

/// <summary>What the Deployment controller decided: ReplicaSet writes, the Deployment's new status and revision, events.</summary>
public sealed record DeploymentPlan(
    IReadOnlyList<V1ReplicaSet> Create, IReadOnlyList<V1ReplicaSet> Update, IReadOnlyList<string> Delete,
    V1DeploymentStatus Status, string? Revision, IReadOnlyList<(string Type, string Reason, string Message)> Events,
    TimeSpan? RequeueAfter);

/// <summary>
/// Kubernetes' Deployment controller as a pure function of (deployment, the ReplicaSets it owns, now):
/// find or create the ReplicaSet for the current template (named with the pod-template hash), then roll
/// (RollingUpdate within maxSurge/maxUnavailable, or Recreate), keep revisionHistoryLimit, and compute status.
/// Like the real controller it takes one kind of step per pass (scale up, or scale down); each ReplicaSet change
/// triggers the next pass.
/// </summary>
public static class DeploymentReconciler
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

    public static DeploymentPlan Plan(V1Deployment d, IReadOnlyList<V1ReplicaSet> owned, DateTime now)
    {
        var create = new List<V1ReplicaSet>();
        var update = new Dictionary<string, V1ReplicaSet>();
        var delete = new List<string>();
        var events = new List<(string, string, string)>();
        var spec = d.Spec;
        var replicas = spec.Replicas ?? 1;
        var all = owned.Select(Objects.Clone).OrderBy(CreatedAt).ThenBy(r => r.Metadata.Name).ToList();
        var newRs = all.FirstOrDefault(r => PodTemplateHash.EqualIgnoringHash(r.Spec.Template, spec.Template));
        var old = all.Where(r => r != newRs).ToList();
        var maxOldRevision = old.Select(Revision).DefaultIfEmpty(0).Max();
        var paused = spec.Paused == true;
        var (maxSurge, maxUnavailable) = Limits(d, replicas);
        var isRecreate = spec.Strategy?.Type == "Recreate";
        var createdNew = false;

        void Scale(V1ReplicaSet rs, int to, string why)
        {
            var from = rs.Spec.Replicas ?? 0;
            if (from == to) return;
            rs.Spec.Replicas = to;
            SetReplicaAnnotations(rs, replicas, maxSurge, isRecreate);
            if (create.Contains(rs)) return;
            update[rs.Metadata.Name] = rs;
            events.Add(("Normal", "ScalingReplicaSet", $"Scaled {(to > from ? "up" : "down")} replica set {rs.Metadata.Name} from {from} to {to}"));
        }

        // The ReplicaSet for the current template gets the newest revision (a rollback re-uses an old one).
        if (newRs != null && !paused && Revision(newRs) <= maxOldRevision)
        {
            newRs.Metadata.Annotations ??= new Dictionary<string, string>();
            newRs.Metadata.Annotations[RevisionAnnotation] = (maxOldRevision + 1).ToString();
            update[newRs.Metadata.Name] = newRs;
        }

        if (paused)
        {
            // Paused: no rollout; only keep the current ReplicaSet at the desired size when it is the only active one.
            if (newRs != null && old.All(r => (r.Spec.Replicas ?? 0) == 0)) Scale(newRs, replicas, "scale");
        }
        else if (isRecreate)
        {
            var activeOld = old.Where(r => (r.Spec.Replicas ?? 0) > 0).ToList();
            if (activeOld.Count > 0) foreach (var r in activeOld) Scale(r, 0, "recreate");
            else if (old.All(r => (r.Status?.Replicas ?? 0) == 0))
            {
                if (newRs == null) { newRs = NewReplicaSet(d, maxOldRevision + 1, replicas, replicas, maxSurge, true); create.Add(newRs); createdNew = true; }
                else Scale(newRs, replicas, "recreate");
            }
        }
        else
        {
            if (newRs == null)
            {
                var start = NewReplicaSetReplicas(replicas, maxSurge, all.Sum(r => r.Spec.Replicas ?? 0), 0);
                newRs = NewReplicaSet(d, maxOldRevision + 1, start, replicas, maxSurge, false);
                create.Add(newRs);
                createdNew = true;
                if (start > 0) events.Add(("Normal", "ScalingReplicaSet", $"Scaled up replica set {newRs.Metadata.Name} from 0 to {start}"));
            }
            else
            {
                var current = newRs.Spec.Replicas ?? 0;
                var target = NewReplicaSetReplicas(replicas, maxSurge, all.Sum(r => r.Spec.Replicas ?? 0), current);
                if (target != current) Scale(newRs, target, "rolling");
                else ScaleDownOld(old, newRs, replicas, maxUnavailable, Scale);
            }
        }

        // Keep revisionHistoryLimit old ReplicaSets that are fully scaled down (oldest go first).
        var limit = spec.RevisionHistoryLimit ?? 10;
        var idle = old.Where(r => (r.Spec.Replicas ?? 0) == 0 && (r.Status?.Replicas ?? 0) == 0 && !update.ContainsKey(r.Metadata.Name))
            .OrderBy(Revision).ToList();
        if (idle.Count > limit) delete.AddRange(idle.Take(idle.Count - limit).Select(r => r.Metadata.Name));

        var status = Status(d, all.Where(r => !delete.Contains(r.Metadata.Name)).ToList(), newRs, createdNew, replicas, maxUnavailable, now, update.Count > 0 || create.Count > 0, out var requeue);
        var revision = newRs == null ? null : Revision(newRs).ToString();
        return new DeploymentPlan(create, update.Values.ToList(), delete, status, revision, events, requeue);
    }

    static void ScaleDownOld(List<V1ReplicaSet> old, V1ReplicaSet newRs, int replicas, int maxUnavailable, Action<V1ReplicaSet, int, string> scale)
    {
        var all = old.Append(newRs).ToList();
        var oldCount = old.Sum(r => r.Spec.Replicas ?? 0);
        if (oldCount == 0) return;
        var allPods = all.Sum(r => r.Spec.Replicas ?? 0);
        var minAvailable = replicas - maxUnavailable;
        var newUnavailable = (newRs.Spec.Replicas ?? 0) - (newRs.Status?.AvailableReplicas ?? 0);
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) return;

        // First the unhealthy old replicas: they add nothing to availability.
        var cleaned = 0;
        foreach (var rs in old)
        {
            if (cleaned >= maxScaledDown) break;
            var want = rs.Spec.Replicas ?? 0;
            var unhealthy = want - (rs.Status?.AvailableReplicas ?? 0);
            if (want == 0 || unhealthy <= 0) continue;
            var by = Math.Min(maxScaledDown - cleaned, unhealthy);
            scale(rs, want - by, "cleanup");
            cleaned += by;
        }
        // Then available ones, as far as minAvailable allows.
        var available = all.Sum(r => Math.Min(r.Status?.AvailableReplicas ?? 0, r.Spec.Replicas ?? 0));
        if (available <= minAvailable) return;
        var total = Math.Min(available - minAvailable, maxScaledDown - cleaned);
        foreach (var rs in old)
        {
            if (total <= 0) break;
            var want = rs.Spec.Replicas ?? 0;
            if (want == 0) continue;
            var by = Math.Min(want, total);
            scale(rs, want - by, "rolling");
            total -= by;
        }
    }

    /// <summary>How many replicas the new ReplicaSet may have now (Kubernetes' NewRSNewReplicas).</summary>
    static int NewReplicaSetReplicas(int replicas, int maxSurge, int currentTotal, int newCurrent)
    {
        if (newCurrent >= replicas) return replicas;
        var maxTotal = replicas + maxSurge;
        if (currentTotal >= maxTotal) return newCurrent;
        var up = Math.Min(maxTotal - currentTotal, replicas - newCurrent);
        return newCurrent + up;
    }

    public static (int MaxSurge, int MaxUnavailable) Limits(V1Deployment d, int replicas)
    {
        if (d.Spec.Strategy?.Type == "Recreate") return (0, replicas);
        var ru = d.Spec.Strategy?.RollingUpdate;
        var surge = Resolve(ru?.MaxSurge?.Value ?? "25%", replicas, roundUp: true);
        var unavailable = Resolve(ru?.MaxUnavailable?.Value ?? "25%", replicas, roundUp: false);
        if (surge == 0 && unavailable == 0) unavailable = 1;
        return (surge, unavailable);
    }

    /// <summary>An int-or-percent against a total ("25%" of 10 is 2 rounding down, 3 up).</summary>
    internal static int Resolve(string v, int total, bool roundUp)
    {
        if (v.EndsWith('%') && int.TryParse(v[..^1], out var pct))
        {
            var x = pct * total / 100.0;
            return roundUp ? (int)Math.Ceiling(x) : (int)Math.Floor(x);
        }
        return int.TryParse(v, out var n) ? n : 0;
    }

    static V1ReplicaSet NewReplicaSet(V1Deployment d, long revision, int replicas, int desired, int maxSurge, bool recreate)
    {
        var hash = PodTemplateHash.Compute(d.Spec.Template, d.Status?.CollisionCount);
        var template = Objects.Clone(d.Spec.Template);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels ??= new Dictionary<string, string>();
        template.Metadata.Labels[PodTemplateHash.Label] = hash;
        var selector = Objects.Clone(d.Spec.Selector);
        selector.MatchLabels ??= new Dictionary<string, string>();
        selector.MatchLabels[PodTemplateHash.Label] = hash;
        var rs = new V1ReplicaSet
        {
            ApiVersion = "apps/v1", Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = $"{d.Metadata.Name}-{hash}", NamespaceProperty = d.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>(template.Metadata.Labels),
                Annotations = new Dictionary<string, string> { [RevisionAnnotation] = revision.ToString() },
                OwnerReferences = [Objects.OwnerReference(d, Kinds.Deployment)],
            },
            Spec = new V1ReplicaSetSpec { Replicas = replicas, MinReadySeconds = d.Spec.MinReadySeconds, Selector = selector, Template = template },
        };
        SetReplicaAnnotations(rs, desired, maxSurge, recreate);
        return rs;
    }

    static void SetReplicaAnnotations(V1ReplicaSet rs, int desired, int maxSurge, bool recreate)
    {
        rs.Metadata.Annotations ??= new Dictionary<string, string>();
        rs.Metadata.Annotations[DesiredReplicasAnnotation] = desired.ToString();
        rs.Metadata.Annotations[MaxReplicasAnnotation] = (desired + (recreate ? 0 : maxSurge)).ToString();
    }

    public static long Revision(V1ReplicaSet rs) =>
        rs.Metadata.Annotations != null && rs.Metadata.Annotations.TryGetValue(RevisionAnnotation, out var v) && long.TryParse(v, out var n) ? n : 0;

    static DateTime CreatedAt(V1ReplicaSet rs) => rs.Metadata.CreationTimestamp ?? DateTime.MaxValue;

    static V1DeploymentStatus Status(V1Deployment d, List<V1ReplicaSet> all, V1ReplicaSet? newRs, bool createdNew,
        int replicas, int maxUnavailable, DateTime now, bool progressed, out TimeSpan? requeue)
    {
        requeue = null;
        var prev = d.Status;
        var s = new V1DeploymentStatus
        {
            ObservedGeneration = d.Metadata.Generation,
            Replicas = all.Sum(r => r.Status?.Replicas ?? 0),
            UpdatedReplicas = newRs?.Status?.Replicas ?? 0,
            ReadyReplicas = all.Sum(r => r.Status?.ReadyReplicas ?? 0),
            AvailableReplicas = all.Sum(r => r.Status?.AvailableReplicas ?? 0),
            CollisionCount = prev?.CollisionCount,
        };
        s.UnavailableReplicas = Math.Max(0, replicas - (s.AvailableReplicas ?? 0));
        // Kubernetes omits zero counts.
        if (s.Replicas == 0) s.Replicas = null;
        if (s.UpdatedReplicas == 0) s.UpdatedReplicas = null;
        if (s.ReadyReplicas == 0) s.ReadyReplicas = null;
        if (s.AvailableReplicas == 0) s.AvailableReplicas = null;
        if (s.UnavailableReplicas == 0) s.UnavailableReplicas = null;

        var conditions = new List<V1DeploymentCondition>();
        var available = (s.AvailableReplicas ?? 0) >= replicas - maxUnavailable;
        conditions.Add(Condition(prev, "Available", available ? "True" : "False",
            available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now, false));

        var rsName = newRs?.Metadata.Name ?? "";
        var complete = newRs != null && (s.UpdatedReplicas ?? 0) == replicas && (s.Replicas ?? 0) == replicas
                       && (s.AvailableReplicas ?? 0) == replicas && (newRs.Spec.Replicas ?? 0) == replicas;
        var countsChanged = prev == null || prev.Replicas != s.Replicas || prev.UpdatedReplicas != s.UpdatedReplicas
                            || prev.AvailableReplicas != s.AvailableReplicas || prev.ReadyReplicas != s.ReadyReplicas;
        if (d.Spec.Paused == true)
            conditions.Add(Condition(prev, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now, false));
        else if (complete)
            conditions.Add(Condition(prev, "Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{rsName}\" has successfully progressed.", now, false));
        else if (createdNew)
            conditions.Add(Condition(prev, "Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{rsName}\"", now, true));
        else if (progressed || countsChanged)
            conditions.Add(Condition(prev, "Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{rsName}\" is progressing.", now, true));
        else
        {
            var p = prev?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
            var deadline = d.Spec.ProgressDeadlineSeconds ?? 600;
            var since = p?.LastUpdateTime ?? now;
            if (p != null && p.Reason == "ProgressDeadlineExceeded") conditions.Add(p);
            else if (now - since >= TimeSpan.FromSeconds(deadline))
                conditions.Add(Condition(prev, "Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{rsName}\" has timed out progressing.", now, true));
            else
            {
                conditions.Add(p ?? Condition(prev, "Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{rsName}\" is progressing.", now, true));
                requeue = since + TimeSpan.FromSeconds(deadline) - now + TimeSpan.FromSeconds(1);
            }
        }
        s.Conditions = conditions;
        return s;
    }

    /// <summary>A condition that keeps its transition time unless its status changes (and its update time unless it progressed).</summary>
    static V1DeploymentCondition Condition(V1DeploymentStatus? prev, string type, string status, string reason, string message, DateTime now, bool touch)
    {
        var p = prev?.Conditions?.FirstOrDefault(c => c.Type == type);
        var transition = p != null && p.Status == status ? p.LastTransitionTime : now;
        var update = p != null && p.Status == status && p.Reason == reason && !touch ? p.LastUpdateTime : now;
        return new V1DeploymentCondition { Type = type, Status = status, Reason = reason, Message = message, LastTransitionTime = transition, LastUpdateTime = update };
    }
}
