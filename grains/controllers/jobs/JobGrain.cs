using Cluster.Grains.Events;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Controllers.Jobs;

/// <summary>A Job and its controller: runs pods to completion (see <see cref="JobReconciler"/>), then, with
/// ttlSecondsAfterFinished, deletes itself and its pods that long after finishing.</summary>
public sealed class JobGrain(
    [PersistentState("object", ObjectGrain<V1Job>.StorageName)] IPersistentState<ObjectRecord> state,
    ILogger<JobGrain> logger) : ObjectGrain<V1Job>(state, logger), IJobGrain
{
    const string Component = "job-controller";
    protected override bool IsController => true;

    protected override Task<ApiResult?> OnCreating(V1Job job)
    {
        JobReconciler.Label(job);
        return Task.FromResult<ApiResult?>(null);
    }

    protected override void CarrySpec(V1Job next, V1Job current)
    {
        // The generated selector and pod labels stay (Kubernetes makes them immutable).
        next.Spec.Selector = current.Spec.Selector;
        next.Metadata.Uid ??= current.Metadata.Uid;
        JobReconciler.Label(next);
    }

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var job = Current!;
        var owned = await ControllerPods.Owned(GrainFactory, Key.Namespace, job.Metadata.Uid);
        var now = Objects.Now();
        var plan = JobReconciler.Plan(job, owned, now);
        var failed = await ControllerPods.Apply(GrainFactory, job, Kinds.Job, Key.Namespace, plan.Create, plan.Delete, Component);

        var wasFinished = JobReconciler.Has(job.Status ?? new V1JobStatus(), "Complete") || JobReconciler.Has(job.Status ?? new V1JobStatus(), "Failed");
        await Mutate(x => { if (Objects.SameJson(x.Status, plan.Status)) return false; x.Status = plan.Status; return true; });
        if (plan.Finished && !wasFinished)
        {
            var failedCondition = plan.Status.Conditions?.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");
            if (failedCondition != null)
                await EventRecorder.Record(GrainFactory, job, Kinds.Job, EventRecorder.Warning, failedCondition.Reason, failedCondition.Message, Component);
            else
                await EventRecorder.Record(GrainFactory, job, Kinds.Job, EventRecorder.Normal, "Completed", "Job completed", Component);
        }
        if (plan.Create.Count > 0 || plan.Delete.Count > 0) return TimeSpan.Zero; // recount what we just did
        if (failed) return TimeSpan.FromSeconds(1);
        if (plan.Finished && job.Spec.TtlSecondsAfterFinished is { } ttl)
        {
            var finishedAt = plan.Status.CompletionTime
                ?? plan.Status.Conditions?.FirstOrDefault(c => c.Type == "Failed")?.LastTransitionTime ?? now;
            var left = finishedAt.AddSeconds(ttl) - now;
            if (left > TimeSpan.Zero) return left;
            logger.LogInformation("job {Key} finished {Ttl}s ago: deleting it (ttlSecondsAfterFinished)", Key, ttl);
            await Delete(new DeleteOptions(PropagationPolicy: "Background"));
            return null;
        }
        return plan.RequeueAfter;
    }
}
