using Cluster.Grains.Events;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Controllers.Deployments;

/// <summary>A Deployment and its controller: reads the ReplicaSets it owns, applies <see cref="DeploymentReconciler"/>'s plan.</summary>
public sealed class DeploymentGrain(
    [PersistentState("object", ObjectGrain<V1Deployment>.StorageName)] IPersistentState<ObjectRecord> state,
    ILogger<DeploymentGrain> logger) : ObjectGrain<V1Deployment>(state, logger), IDeploymentGrain
{
    const string Component = "deployment-controller";
    protected override bool IsController => true;

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var d = Current!;
        if (d.Metadata.DeletionTimestamp != null) return null;
        var owned = (await GrainFactory.Index(Kinds.ReplicaSet.Kind, Key.Namespace).ByOwner(d.Metadata.Uid))
            .Select(Objects.FromJson<V1ReplicaSet>)
            .Where(rs => Objects.ControllerOf(rs.Metadata)?.Uid == d.Metadata.Uid)
            .ToList();
        var plan = DeploymentReconciler.Plan(d, owned, Objects.Now());

        var failed = false;
        foreach (var rs in plan.Create)
        {
            var r = await GrainFactory.GetGrain<IReplicaSetGrain>(RsKey(rs)).Create(Objects.ToJson(rs), WriteOptions.Default);
            if (!r.Ok && r.Reason != "AlreadyExists") { failed = true; Logger.LogWarning("creating {Rs} failed: {Message}", rs.Metadata.Name, r.Message); }
        }
        foreach (var rs in plan.Update)
        {
            rs.Metadata.ResourceVersion = null; // the controller owns these fields; a status write in between is no conflict
            var r = await GrainFactory.GetGrain<IReplicaSetGrain>(RsKey(rs)).Update(Objects.ToJson(rs), WriteOptions.Default);
            if (!r.Ok) { failed = true; Logger.LogDebug("updating {Rs}: {Message}", rs.Metadata.Name, r.Message); }
        }
        foreach (var name in plan.Delete)
            await GrainFactory.GetGrain<IReplicaSetGrain>(new ObjectKey("ReplicaSet", Key.Namespace, name).GrainKey).Delete(DeleteOptions.Default);
        foreach (var (type, reason, message) in plan.Events)
            await EventRecorder.Record(GrainFactory, d, Kinds.Deployment, type, reason, message, Component);

        await Mutate(x =>
        {
            var changed = false;
            if (plan.Revision != null && x.Metadata.Annotations.Val(DeploymentReconciler.RevisionAnnotation) != plan.Revision)
            {
                x.Metadata.Annotations ??= new Dictionary<string, string>();
                x.Metadata.Annotations[DeploymentReconciler.RevisionAnnotation] = plan.Revision;
                changed = true;
            }
            if (!Objects.SameJson(x.Status, plan.Status)) { x.Status = plan.Status; changed = true; }
            return changed;
        });
        return failed ? TimeSpan.FromSeconds(1) : plan.RequeueAfter;
    }

    string RsKey(V1ReplicaSet rs) => new ObjectKey("ReplicaSet", base.Key.Namespace, rs.Metadata.Name).GrainKey;

    public Task<ApiResult> Scale(int replicas)
    {
        if (replicas < 0)
            return Task.FromResult(ApiResult.Invalid(Kind, base.Key.Name, [new("FieldValueInvalid", $"Invalid value: {replicas}: must be greater than or equal to 0", "spec.replicas")]));
        return Mutate(d => { if (d.Spec.Replicas == replicas) return false; d.Spec.Replicas = replicas; return true; }, specChange: true);
    }

    public async Task<ApiResult> Rollback(long toRevision)
    {
        if (Current == null) return ApiResult.NotFound(Kind, base.Key.Name);
        var owned = (await GrainFactory.Index(Kinds.ReplicaSet.Kind, base.Key.Namespace).ByOwner(Current.Metadata.Uid))
            .Select(Objects.FromJson<V1ReplicaSet>).OrderByDescending(DeploymentReconciler.Revision).ToList();
        var current = long.TryParse(Current.Metadata.Annotations.Val(DeploymentReconciler.RevisionAnnotation), out var c) ? c : 0;
        var target = toRevision == 0
            ? owned.FirstOrDefault(r => DeploymentReconciler.Revision(r) < current)
            : owned.FirstOrDefault(r => DeploymentReconciler.Revision(r) == toRevision);
        if (target == null)
            return ApiResult.BadRequest(toRevision == 0 ? "no rollout history found for deployment \"" + base.Key.Name + "\"" : $"unable to find specified revision {toRevision} in history");
        var template = PodTemplateHash.WithoutHash(target.Spec.Template);
        if (PodTemplateHash.EqualIgnoringHash(template, Current.Spec.Template))
            return new ApiResult(200, "Unchanged", "skipped rollback (current template already matches revision " + DeploymentReconciler.Revision(target) + ")", CurrentJson);
        return await Mutate(d => { d.Spec.Template = template; return true; }, specChange: true);
    }

    public Task<ApiResult> SetPaused(bool paused) =>
        Mutate(d => { if ((d.Spec.Paused ?? false) == paused) return false; d.Spec.Paused = paused ? true : null; return true; }, specChange: true);

    public Task<ApiResult> Restart() => Mutate(d =>
    {
        d.Spec.Template.Metadata ??= new V1ObjectMeta();
        d.Spec.Template.Metadata.Annotations ??= new Dictionary<string, string>();
        d.Spec.Template.Metadata.Annotations["kubectl.kubernetes.io/restartedAt"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssK");
        return true;
    }, specChange: true);
}
