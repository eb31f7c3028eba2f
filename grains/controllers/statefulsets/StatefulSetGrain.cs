using Cluster.Grains.Events;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Controllers.StatefulSets;

/// <summary>A StatefulSet and its controller (see <see cref="StatefulSetReconciler"/>).</summary>
public sealed class StatefulSetGrain(
    [PersistentState("object", ObjectGrain<V1StatefulSet>.StorageName)] IPersistentState<ObjectRecord> state,
    ILogger<StatefulSetGrain> logger) : ObjectGrain<V1StatefulSet>(state, logger), IStatefulSetGrain
{
    const string Component = "statefulset-controller";
    protected override bool IsController => true;

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var set = Current!;
        var owned = await ControllerPods.Owned(GrainFactory, Key.Namespace, set.Metadata.Uid);
        var claims = set.Spec.VolumeClaimTemplates is { Count: > 0 }
            ? (await GrainFactory.Index(Kinds.PersistentVolumeClaim.Kind, Key.Namespace).List(new ListRequest())).Items
                .Select(j => Objects.FromJson<V1PersistentVolumeClaim>(j).Metadata.Name).ToHashSet()
            : [];
        var plan = StatefulSetReconciler.Plan(set, owned, claims);

        var failed = false;
        foreach (var c in plan.CreateClaims)
        {
            var r = await GrainFactory.For(new ObjectKey(Kinds.PersistentVolumeClaim.Kind, Key.Namespace, c.Metadata.Name)).Create(Objects.ToJson(c), WriteOptions.Default);
            if (r.Ok) await EventRecorder.Record(GrainFactory, set, Kinds.StatefulSet, EventRecorder.Normal, "SuccessfulCreate", $"create Claim {c.Metadata.Name} Pod {set.Metadata.Name} in StatefulSet {set.Metadata.Name} success", Component);
            else if (r.Code != 409) { failed = true; await EventRecorder.Record(GrainFactory, set, Kinds.StatefulSet, EventRecorder.Warning, "FailedCreate", $"create Claim {c.Metadata.Name} failed: {r.Message}", Component); }
        }
        if (!failed)
            foreach (var p in plan.Create)
            {
                var r = await GrainFactory.GetGrain<IPodGrain>(new ObjectKey("Pod", Key.Namespace, p.Metadata.Name).GrainKey).Create(Objects.ToJson(p), WriteOptions.Default);
                if (r.Ok) await EventRecorder.Record(GrainFactory, set, Kinds.StatefulSet, EventRecorder.Normal, "SuccessfulCreate", $"create Pod {p.Metadata.Name} in StatefulSet {set.Metadata.Name} successful", Component);
                else if (r.Code != 409) { failed = true; await EventRecorder.Record(GrainFactory, set, Kinds.StatefulSet, EventRecorder.Warning, "FailedCreate", $"create Pod {p.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {r.Message}", Component); }
            }
        foreach (var name in plan.Delete)
        {
            var r = await GrainFactory.GetGrain<IPodGrain>(new ObjectKey("Pod", Key.Namespace, name).GrainKey).Delete(DeleteOptions.Default);
            if (r.Ok) await EventRecorder.Record(GrainFactory, set, Kinds.StatefulSet, EventRecorder.Normal, "SuccessfulDelete", $"delete Pod {name} in StatefulSet {set.Metadata.Name} successful", Component);
        }
        await Mutate(x => { if (Objects.SameJson(x.Status, plan.Status)) return false; x.Status = plan.Status; return true; });
        if (failed) return TimeSpan.FromSeconds(1);
        // Pod changes nudge this grain; the short requeue covers a step waiting on a pod's readiness or removal.
        return plan.Create.Count > 0 || plan.Delete.Count > 0 || owned.Any(p => p.Metadata.DeletionTimestamp != null) ? TimeSpan.FromSeconds(1) : null;
    }

    public Task<ApiResult> Scale(int replicas)
    {
        if (replicas < 0)
            return Task.FromResult(ApiResult.Invalid(Kind, Key.Name, [new("FieldValueInvalid", $"Invalid value: {replicas}: must be greater than or equal to 0", "spec.replicas")]));
        return Mutate(s => { if (s.Spec.Replicas == replicas) return false; s.Spec.Replicas = replicas; return true; }, specChange: true);
    }
}
