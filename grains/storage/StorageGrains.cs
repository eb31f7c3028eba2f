using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Storage;

/// <summary>A StorageClass. The cluster's default, "local", provisions Docker named volumes (made at bootstrap).</summary>
public sealed class StorageClassGrain([PersistentState("object", ObjectGrain<V1StorageClass>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<StorageClassGrain> l)
    : ObjectGrain<V1StorageClass>(s, l), IStorageClassGrain
{
    protected override object? GetSpec(V1StorageClass o) => new { o.Provisioner, o.Parameters, o.ReclaimPolicy, o.VolumeBindingMode };
    protected override bool HasStatus => false;
}

/// <summary>A PersistentVolumeClaim and its binder (see <see cref="VolumeBinding"/>): binds it, provisioning a
/// volume when its class is ours, and keeps its status.</summary>
public sealed class PersistentVolumeClaimGrain([PersistentState("object", ObjectGrain<V1PersistentVolumeClaim>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<PersistentVolumeClaimGrain> l)
    : ObjectGrain<V1PersistentVolumeClaim>(s, l), IPersistentVolumeClaimGrain
{
    protected override bool IsController => true;

    /// <summary>Kubernetes' DefaultStorageClass admission: a claim without a class gets the default one.</summary>
    protected override async Task<ApiResult?> OnCreating(V1PersistentVolumeClaim pvc)
    {
        if (pvc.Spec.StorageClassName == null)
        {
            var classes = (await GrainFactory.Index(Kinds.StorageClass.Kind, "").List(new ListRequest())).Items.Select(Objects.FromJson<V1StorageClass>);
            pvc.Spec.StorageClassName = classes.FirstOrDefault(VolumeBinding.IsDefault)?.Metadata.Name;
        }
        pvc.Status = new V1PersistentVolumeClaimStatus { Phase = "Pending" };
        return null;
    }

    protected override void CarrySpec(V1PersistentVolumeClaim next, V1PersistentVolumeClaim current)
    {
        // A bound claim stays bound to its volume.
        if (!string.IsNullOrEmpty(current.Spec?.VolumeName)) next.Spec.VolumeName = current.Spec.VolumeName;
    }

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var pvc = Current!;
        if (pvc.Metadata.DeletionTimestamp != null) return null;
        var volumes = (await GrainFactory.Index(Kinds.PersistentVolume.Kind, "").List(new ListRequest())).Items.Select(Objects.FromJson<V1PersistentVolume>).ToList();
        var classes = (await GrainFactory.Index(Kinds.StorageClass.Kind, "").List(new ListRequest())).Items.Select(Objects.FromJson<V1StorageClass>).ToList();
        var plan = VolumeBinding.Plan(pvc, volumes, classes);
        var status = plan.Status;
        if (plan.Provision is { } pv)
        {
            var r = await GrainFactory.For(new ObjectKey(Kinds.PersistentVolume.Kind, "", pv.Metadata.Name)).Create(Objects.ToJson(pv), WriteOptions.Default);
            if (r.Ok) await Events.EventRecorder.Record(GrainFactory, pvc, Kinds.PersistentVolumeClaim, Events.EventRecorder.Normal, "ProvisioningSucceeded",
                $"Successfully provisioned volume {pv.Metadata.Name}", "persistentvolume-controller");
        }
        if (plan.BindTo is { } name)
        {
            var r = await GrainFactory.GetGrain<IPersistentVolumeGrain>(new ObjectKey(Kinds.PersistentVolume.Kind, "", name).GrainKey)
                .Claim(Objects.ToJson(VolumeBinding.Ref(pvc)));
            if (!r.Ok) return TimeSpan.FromSeconds(1);
            status = VolumeBinding.BoundStatus(Objects.FromJson<V1PersistentVolume>(r.Json!));
            await Mutate(x => { x.Spec.VolumeName = name; x.Status = status; return true; }, specChange: true);
            return null;
        }
        await Mutate(x => { if (Objects.SameJson(x.Status, status)) return false; x.Status = status; return true; });
        return status.Phase == "Bound" ? null : TimeSpan.FromSeconds(5);
    }

    protected override async Task OnRemoved(V1PersistentVolumeClaim gone)
    {
        // Its volume is released now (and, with reclaimPolicy Delete, deleted with its data).
        if (gone.Spec?.VolumeName is { Length: > 0 } pv)
            await GrainFactory.For(new ObjectKey(Kinds.PersistentVolume.Kind, "", pv)).Reconcile();
    }
}

/// <summary>A PersistentVolume: Available, Bound to its claim, or Released when the claim goes; released volumes
/// with reclaimPolicy Delete are deleted, data included, Retain ones are kept.</summary>
public sealed class PersistentVolumeGrain([PersistentState("object", ObjectGrain<V1PersistentVolume>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<PersistentVolumeGrain> l)
    : ObjectGrain<V1PersistentVolume>(s, l), IPersistentVolumeGrain
{
    protected override bool IsController => true;

    public Task<ApiResult> Claim(string claimRefJson)
    {
        if (Current == null) return Task.FromResult(ApiResult.NotFound(Kind, Key.Name));
        var claim = Objects.FromJson<V1ObjectReference>(claimRefJson);
        var held = Current.Spec.ClaimRef;
        if (held?.Uid != null && held.Uid != claim.Uid)
            return Task.FromResult(ApiResult.Conflict(Kind, Key.Name, $"volume is bound to claim {held.NamespaceProperty}/{held.Name}"));
        return Mutate(v =>
        {
            if (Objects.SameJson(v.Spec.ClaimRef, claim) && v.Status?.Phase == "Bound") return false;
            v.Spec.ClaimRef = claim;
            v.Status = new V1PersistentVolumeStatus { Phase = "Bound" };
            return true;
        }, specChange: true);
    }

    public Task<ApiResult> Attach(string node) => Mutate(v =>
    {
        v.Metadata.Annotations ??= new Dictionary<string, string>();
        if (v.Metadata.Annotations.ContainsKey(VolumeBinding.NodeAnnotation)) return false;
        v.Metadata.Annotations[VolumeBinding.NodeAnnotation] = node;
        return true;
    });

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var pv = Current!;
        var phase = "Available";
        if (pv.Spec.ClaimRef is { } claim)
        {
            var r = await GrainFactory.For(new ObjectKey(Kinds.PersistentVolumeClaim.Kind, claim.NamespaceProperty ?? "default", claim.Name)).Get();
            var alive = r.Ok && (claim.Uid == null || Objects.FromJson<V1PersistentVolumeClaim>(r.Json!).Metadata.Uid == claim.Uid);
            phase = alive ? "Bound" : "Released";
            if (!alive && pv.Spec.PersistentVolumeReclaimPolicy == "Delete")
            {
                // The data goes with the volume: every node's engine drops the named volume, if it has it.
                if (pv.Spec.Csi?.Driver == VolumeBinding.Provisioner)
                    foreach (var json in (await GrainFactory.Index("Node", "").List(new ListRequest())).Items)
                    {
                        var node = Objects.FromJson<V1Node>(json).Metadata.Name;
                        try { await GrainFactory.GetGrain<INodeGrain>(new ObjectKey("Node", "", node).GrainKey).RemoveVolume(pv.Spec.Csi.VolumeHandle).WaitAsync(TimeSpan.FromSeconds(10)); }
                        catch (Exception e) { Logger.LogWarning("removing volume {Volume} on {Node} failed: {Message}", pv.Spec.Csi.VolumeHandle, node, e.Message); return TimeSpan.FromSeconds(10); }
                    }
                await Delete(new DeleteOptions());
                return null;
            }
        }
        await Mutate(v => { if (v.Status?.Phase == phase) return false; v.Status = new V1PersistentVolumeStatus { Phase = phase }; return true; });
        return null;
    }
}
