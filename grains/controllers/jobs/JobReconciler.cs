using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Grains.Controllers.Jobs;

public sealed record JobPlan(IReadOnlyList<V1Pod> Create, IReadOnlyList<string> Delete, V1JobStatus Status, bool Finished, TimeSpan? RequeueAfter);

/// <summary>
/// Kubernetes' Job controller (non-indexed completion mode) as a pure function of the Job and the pods it owns:
/// keep min(parallelism, remaining completions) pods running; pods that exit 0 count as succeeded, failed pods (and,
/// with restartPolicy OnFailure, container restarts) count against backoffLimit, with Kubernetes' back-off of
/// 10 s doubling before a replacement; complete at spec.completions successes; fail at the back-off limit or the
/// active deadline, stopping what still runs. Status and conditions as Kubernetes reports them.
/// </summary>
public static class JobReconciler
{
    public const string JobNameLabel = "batch.kubernetes.io/job-name";
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";
    static readonly TimeSpan BackoffBase = TimeSpan.FromSeconds(10);
    static readonly TimeSpan BackoffMax = TimeSpan.FromMinutes(6);

    public static JobPlan Plan(V1Job job, IReadOnlyList<V1Pod> owned, DateTime now, Random? random = null)
    {
        random ??= Random.Shared;
        var spec = job.Spec;
        var old = job.Status ?? new V1JobStatus();
        var status = new V1JobStatus
        {
            StartTime = old.StartTime, CompletionTime = old.CompletionTime,
            Conditions = old.Conditions?.Select(c => Objects.Clone(c)).ToList(),
        };
        var active = owned.Where(p => p.Metadata.DeletionTimestamp == null && p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();
        var succeeded = owned.Count(p => p.Status?.Phase == "Succeeded");
        var failedPods = owned.Where(p => p.Status?.Phase == "Failed").ToList();
        var restarts = spec.Template.Spec.RestartPolicy == "OnFailure"
            ? owned.Sum(p => p.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0) : 0;
        var failed = failedPods.Count + restarts;
        var ready = active.Count(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
        status.Active = active.Count == 0 ? null : active.Count;
        status.Succeeded = succeeded == 0 ? null : succeeded;
        status.Failed = failed == 0 ? null : failed;
        status.Ready = ready;
        status.Terminating = 0;

        var create = new List<V1Pod>();
        var delete = new List<string>();
        TimeSpan? requeue = null;
        var finished = Has(status, "Complete") || Has(status, "Failed");
        if (finished || job.Metadata.DeletionTimestamp != null)
        {
            // A finished Job runs nothing more.
            delete.AddRange(active.Select(p => p.Metadata.Name));
            status.Active = null;
            return new JobPlan(create, delete, status, finished, null);
        }
        if (spec.Suspend == true)
        {
            delete.AddRange(active.Select(p => p.Metadata.Name));
            status.Active = null;
            SetCondition(status, "Suspended", "True", "JobSuspended", "Job suspended", now);
            return new JobPlan(create, delete, status, false, null);
        }
        if (Has(status, "Suspended")) SetCondition(status, "Suspended", "False", "JobResumed", "Job resumed", now);
        status.StartTime ??= now;

        var backoffLimit = spec.BackoffLimit ?? 6;
        var completions = spec.Completions;
        var parallelism = spec.Parallelism ?? 1;
        string? failReason = null, failMessage = null;
        if (failed > backoffLimit) (failReason, failMessage) = ("BackoffLimitExceeded", "Job has reached the specified backoff limit");
        else if (spec.ActiveDeadlineSeconds is { } deadline)
        {
            var left = status.StartTime.Value.AddSeconds(deadline) - now;
            if (left <= TimeSpan.Zero) (failReason, failMessage) = ("DeadlineExceeded", "Job was active longer than specified deadline");
            else requeue = left;
        }
        if (failReason != null)
        {
            delete.AddRange(active.Select(p => p.Metadata.Name));
            status.Active = null;
            SetCondition(status, "FailureTarget", "True", failReason, failMessage!, now);
            SetCondition(status, "Failed", "True", failReason, failMessage!, now);
            return new JobPlan(create, delete, status, true, null);
        }

        // Complete: the requested successes (or, without completions, any success once nothing runs).
        var complete = completions is { } n ? succeeded >= n : succeeded > 0 && active.Count == 0;
        if (complete)
        {
            delete.AddRange(active.Select(p => p.Metadata.Name));
            status.Active = null;
            status.CompletionTime ??= now;
            SetCondition(status, "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", now);
            SetCondition(status, "Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods", now);
            return new JobPlan(create, delete, status, true, null);
        }

        var want = completions is { } c ? Math.Min(parallelism, c - succeeded) : succeeded > 0 ? 0 : parallelism;
        if (active.Count < want)
        {
            // After failures, replacements wait: 10 s, doubling, from the last failure (Kubernetes' pod back-off).
            var wait = TimeSpan.Zero;
            if (failedPods.Count > 0)
            {
                var last = failedPods.Max(FinishedAt) ?? now;
                var delay = TimeSpan.FromTicks(Math.Min(BackoffMax.Ticks, BackoffBase.Ticks << Math.Min(failedPods.Count - 1, 10)));
                wait = last + delay - now;
            }
            if (wait > TimeSpan.Zero) requeue = Min(requeue, wait);
            else
            {
                var taken = new HashSet<string>(owned.Select(p => p.Metadata.Name));
                // One copy of the template for all the pods of this pass: they are only encoded, each to its own JSON (a copy
                // per pod was a pod's encode and decode more for each create).
                var template = Objects.Clone(job.Spec.Template);
                for (var i = active.Count; i < want; i++)
                {
                    create.Add(ControllerPods.New(job, Kinds.Job, template, ControllerPods.UniqueName(job.Metadata.Name, taken, random)));
                }
            }
        }
        else if (active.Count > want)
            delete.AddRange(active.OrderBy(p => p.Metadata.CreationTimestamp).Skip(want).Select(p => p.Metadata.Name));
        return new JobPlan(create, delete, status, false, requeue);
    }

    static TimeSpan? Min(TimeSpan? a, TimeSpan b) => a is { } x && x < b ? x : b;

    static DateTime? FinishedAt(V1Pod p) =>
        p.Status?.ContainerStatuses?.Select(c => c.State?.Terminated?.FinishedAt).Where(t => t != null).Max()
        ?? p.Status?.Conditions?.Select(c => c.LastTransitionTime).Where(t => t != null).Max();

    public static bool Has(V1JobStatus s, string type) => s.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;

    static void SetCondition(V1JobStatus s, string type, string value, string reason, string message, DateTime now)
    {
        s.Conditions ??= [];
        var c = s.Conditions.FirstOrDefault(x => x.Type == type);
        if (c == null) { s.Conditions.Add(new V1JobCondition { Type = type, Status = value, Reason = reason, Message = message, LastProbeTime = now, LastTransitionTime = now }); return; }
        if (c.Status != value) c.LastTransitionTime = now;
        c.Status = value; c.Reason = reason; c.Message = message; c.LastProbeTime = now;
    }

    /// <summary>The selector and labels Kubernetes gives a Job's pods when the user gives none (manualSelector unset).</summary>
    public static void Label(V1Job job)
    {
        var uid = job.Metadata.Uid;
        job.Spec.Selector ??= new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ControllerUidLabel] = uid } };
        job.Spec.Template.Metadata ??= new V1ObjectMeta();
        var labels = job.Spec.Template.Metadata.Labels ??= new Dictionary<string, string>();
        labels[ControllerUidLabel] = uid;
        labels["controller-uid"] = uid;
        labels[JobNameLabel] = job.Metadata.Name;
        labels["job-name"] = job.Metadata.Name;
    }
}
