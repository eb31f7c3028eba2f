using Cluster.Grains.Controllers.Jobs;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Grains.Controllers.CronJobs;

public sealed record CronJobPlan(V1Job? Create, IReadOnlyList<string> Delete, V1CronJobStatus Status, TimeSpan? RequeueAfter, string? Skipped);

/// <summary>
/// Kubernetes' CronJob controller as a pure function of the CronJob, the Jobs it owns and the time: find the most
/// recent scheduled time not yet run (since lastScheduleTime, or creation; no older than startingDeadlineSeconds),
/// start its Job unless suspended or forbidden by the concurrency policy (Replace stops the running ones), keep
/// the history limits of finished Jobs, and come back at the next scheduled time. A Job's name carries its
/// scheduled time (minutes since the epoch), so starting the same run twice is impossible.
/// </summary>
public static class CronJobReconciler
{
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    public static CronJobPlan Plan(V1CronJob cj, IReadOnlyList<V1Job> owned, DateTime now)
    {
        var spec = cj.Spec;
        var old = cj.Status ?? new V1CronJobStatus();
        bool Finished(V1Job j) => j.Status != null && (JobReconciler.Has(j.Status, "Complete") || JobReconciler.Has(j.Status, "Failed"));
        var active = owned.Where(j => !Finished(j) && j.Metadata.DeletionTimestamp == null).ToList();
        var succeeded = owned.Where(j => j.Status != null && JobReconciler.Has(j.Status, "Complete")).ToList();
        var failed = owned.Where(j => j.Status != null && JobReconciler.Has(j.Status, "Failed")).ToList();
        var status = new V1CronJobStatus { LastScheduleTime = old.LastScheduleTime, LastSuccessfulTime = old.LastSuccessfulTime };
        var lastSuccess = succeeded.Select(j => j.Status.CompletionTime).Where(t => t != null).DefaultIfEmpty(null).Max();
        if (lastSuccess != null && (status.LastSuccessfulTime == null || lastSuccess > status.LastSuccessfulTime)) status.LastSuccessfulTime = lastSuccess;

        // History: the newest finished Jobs within each limit stay.
        var delete = new List<string>();
        delete.AddRange(succeeded.OrderByDescending(StartedAt).Skip(spec.SuccessfulJobsHistoryLimit ?? 3).Select(j => j.Metadata.Name));
        delete.AddRange(failed.OrderByDescending(StartedAt).Skip(spec.FailedJobsHistoryLimit ?? 1).Select(j => j.Metadata.Name));

        V1Job? create = null;
        string? skipped = null;
        TimeSpan? requeue = null;
        var zone = CronSchedule.Zone(spec.TimeZone);
        if (cj.Metadata.DeletionTimestamp == null && spec.Suspend != true && zone != null)
        {
            var cron = CronSchedule.Parse(spec.Schedule);
            var earliest = status.LastScheduleTime ?? cj.Metadata.CreationTimestamp ?? now;
            if (spec.StartingDeadlineSeconds is { } deadline && now.AddSeconds(-deadline) > earliest) earliest = now.AddSeconds(-deadline);
            DateTime? due = null;
            foreach (var t in cron.GetOccurrences(DateTime.SpecifyKind(earliest, DateTimeKind.Utc), DateTime.SpecifyKind(now, DateTimeKind.Utc), zone, fromInclusive: false, toInclusive: true))
                due = t;
            if (due is { } scheduled)
            {
                var name = $"{cj.Metadata.Name}-{new DateTimeOffset(scheduled).ToUnixTimeSeconds() / 60}";
                var running = active.Where(j => j.Metadata.Name != name).ToList();
                if (owned.Any(j => j.Metadata.Name == name)) status.LastScheduleTime = scheduled;
                else if (spec.ConcurrencyPolicy == "Forbid" && running.Count > 0)
                    skipped = "Not starting job because prior execution is running and concurrency policy is Forbid";
                else
                {
                    if (spec.ConcurrencyPolicy == "Replace") { delete.AddRange(running.Select(j => j.Metadata.Name)); active = active.Except(running).ToList(); }
                    create = NewJob(cj, name, scheduled);
                    status.LastScheduleTime = scheduled;
                }
            }
            var next = cron.GetNextOccurrence(DateTime.SpecifyKind(now, DateTimeKind.Utc), zone);
            if (next is { } n) requeue = n - now + TimeSpan.FromMilliseconds(100);
        }
        status.Active = active.Where(j => !delete.Contains(j.Metadata.Name)).Select(Ref).ToList() is { Count: > 0 } refs ? refs : null;
        return new CronJobPlan(create, delete.Distinct().ToList(), status, requeue, skipped);
    }

    static DateTime StartedAt(V1Job j) => j.Status?.StartTime ?? j.Metadata.CreationTimestamp ?? DateTime.MinValue;

    static V1ObjectReference Ref(V1Job j) => new()
    {
        ApiVersion = "batch/v1", Kind = "Job", Name = j.Metadata.Name, NamespaceProperty = j.Metadata.NamespaceProperty,
        Uid = j.Metadata.Uid, ResourceVersion = j.Metadata.ResourceVersion,
    };

    static V1Job NewJob(V1CronJob cj, string name, DateTime scheduled)
    {
        var t = Objects.Clone(cj.Spec.JobTemplate);
        var annotations = t.Metadata?.Annotations != null ? new Dictionary<string, string>(t.Metadata.Annotations) : new Dictionary<string, string>();
        annotations[ScheduledTimestampAnnotation] = scheduled.ToString("yyyy-MM-ddTHH:mm:ssZ");
        return new V1Job
        {
            ApiVersion = "batch/v1", Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = cj.Metadata.NamespaceProperty,
                Labels = t.Metadata?.Labels, Annotations = annotations,
                OwnerReferences = [Objects.OwnerReference(cj, Kinds.CronJob)],
            },
            Spec = t.Spec,
        };
    }
}
