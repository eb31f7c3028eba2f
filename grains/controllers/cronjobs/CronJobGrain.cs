using Cluster.Grains.Events;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Controllers.CronJobs;

/// <summary>
/// A CronJob and its controller (see <see cref="CronJobReconciler"/>). A timer wakes it at the next scheduled time;
/// its durable reminder (every minute) reactivates it after a silo restart, and the reconcile then starts a run
/// missed meanwhile if it is still within startingDeadlineSeconds, as Kubernetes does.
/// </summary>
public sealed class CronJobGrain(
    [PersistentState("object", ObjectGrain<V1CronJob>.StorageName)] IPersistentState<ObjectRecord> state,
    ILogger<CronJobGrain> logger) : ObjectGrain<V1CronJob>(state, logger), ICronJobGrain
{
    const string Component = "cronjob-controller";
    protected override bool IsController => true;

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var cj = Current!;
        var owned = (await GrainFactory.Index(Kinds.Job.Kind, Key.Namespace).ByOwner(cj.Metadata.Uid))
            .Select(Objects.FromJson<V1Job>)
            .Where(j => Objects.ControllerOf(j.Metadata)?.Uid == cj.Metadata.Uid)
            .ToList();
        var plan = CronJobReconciler.Plan(cj, owned, Objects.Now());

        foreach (var name in plan.Delete)
        {
            var r = await GrainFactory.GetGrain<IJobGrain>(new ObjectKey("Job", Key.Namespace, name).GrainKey).Delete(new DeleteOptions(PropagationPolicy: "Background"));
            if (r.Ok) await EventRecorder.Record(GrainFactory, cj, Kinds.CronJob, EventRecorder.Normal, "SuccessfulDelete", $"Deleted job {name}", Component);
        }
        var retry = false;
        if (plan.Create is { } job)
        {
            var r = await GrainFactory.GetGrain<IJobGrain>(new ObjectKey("Job", Key.Namespace, job.Metadata.Name).GrainKey).Create(Objects.ToJson(job), WriteOptions.Default);
            if (r.Ok) await EventRecorder.Record(GrainFactory, cj, Kinds.CronJob, EventRecorder.Normal, "SuccessfulCreate", $"Created job {job.Metadata.Name}", Component);
            else if (r.Code != 409)
            {
                retry = true;
                plan.Status.LastScheduleTime = cj.Status?.LastScheduleTime; // not run: try the same time again
                logger.LogWarning("creating job {Job} for {Key} failed: {Message}", job.Metadata.Name, Key, r.Message);
                await EventRecorder.Record(GrainFactory, cj, Kinds.CronJob, EventRecorder.Warning, "FailedCreate", $"Error creating job: {r.Message}", Component);
            }
        }
        if (plan.Skipped is { } why)
            await EventRecorder.Record(GrainFactory, cj, Kinds.CronJob, EventRecorder.Normal, "JobAlreadyActive", why, Component);
        await Mutate(x => { if (Objects.SameJson(x.Status, plan.Status)) return false; x.Status = plan.Status; return true; });
        return retry ? TimeSpan.FromSeconds(1) : plan.RequeueAfter;
    }
}
