using Cluster.Grains.Events;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Controllers.ReplicaSets;

/// <summary>A ReplicaSet and its controller: keeps the number of pods it owns at spec.replicas.</summary>
public sealed class ReplicaSetGrain(
    [PersistentState("object", ObjectGrain<V1ReplicaSet>.StorageName)] IPersistentState<ObjectRecord> state,
    ILogger<ReplicaSetGrain> logger) : ObjectGrain<V1ReplicaSet>(state, logger), IReplicaSetGrain
{
    const string Component = "replicaset-controller";
    protected override bool IsController => true;
    // What the reconciler reads of each pod, kept decoded between runs (a ReplicaSet of 1,000 pods recounts them on
    // every change): the full pods, a third of a loaded silo's memory, are not.
    readonly Decoded<V1Pod> _pods = new(CountedPod.Read);

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var rs = Current!;
        var owned = await ControllerPods.Owned(GrainFactory, Key.Namespace, rs.Metadata.Uid, _pods);
        var plan = ReplicaSetReconciler.Plan(rs, owned, Objects.Now());
        var failed = await ControllerPods.Apply(GrainFactory, rs, Kinds.ReplicaSet, Key.Namespace, plan.Create, plan.Delete, Component);

        if (plan.Create.Count > 0 || plan.Delete.Count > 0) return TimeSpan.Zero; // recount what we just did
        await Mutate(x => { if (Objects.SameJson(x.Status, plan.Status)) return false; x.Status = plan.Status; return true; });
        if (!failed && AtRest(rs, plan)) _pods.Clear();
        return failed ? TimeSpan.FromSeconds(1) : plan.RequeueAfter;
    }

    /// <summary>Every replica there, ready and available, nothing waited for: the next pass (a pod that changes what is
    /// counted, the reminder) is not expected soon, so the decoded copies are not worth the JSON they hold.</summary>
    internal static bool AtRest(V1ReplicaSet rs, ReplicaSetPlan plan)
    {
        var want = rs.Spec?.Replicas ?? 1;
        var s = plan.Status;
        return plan.RequeueAfter == null && s.Replicas == want && (s.ReadyReplicas ?? 0) == want && (s.AvailableReplicas ?? 0) == want;
    }

    public Task<ApiResult> Scale(int replicas)
    {
        if (replicas < 0)
            return Task.FromResult(ApiResult.Invalid(Kind, Key.Name, [new("FieldValueInvalid", $"Invalid value: {replicas}: must be greater than or equal to 0", "spec.replicas")]));
        return Mutate(d => { if (d.Spec.Replicas == replicas) return false; d.Spec.Replicas = replicas; return true; }, specChange: true);
    }
}
