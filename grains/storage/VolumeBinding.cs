using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Grains.Storage;

public sealed record ClaimPlan(V1PersistentVolume? Provision, string? BindTo, V1PersistentVolumeClaimStatus Status);

/// <summary>
/// The PersistentVolume controller's claim side, as a pure function: a claim binds to the smallest Available
/// volume of its class that is large enough and offers its access modes; failing that, a class whose provisioner is
/// ours gets a new volume made for it (a Docker named volume on the node that first mounts it).
/// </summary>
public static class VolumeBinding
{
    public const string Provisioner = "cluster.local/docker-volume";
    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";
    /// <summary>On a volume: the node whose engine holds its data (set when a pod first mounts it).</summary>
    public const string NodeAnnotation = "cluster.local/node";

    public static ClaimPlan Plan(V1PersistentVolumeClaim pvc, IReadOnlyList<V1PersistentVolume> volumes, IReadOnlyList<V1StorageClass> classes)
    {
        var className = pvc.Spec.StorageClassName ?? classes.FirstOrDefault(IsDefault)?.Metadata.Name;
        if (pvc.Spec.VolumeName is { Length: > 0 } bound)
        {
            var pv = volumes.FirstOrDefault(v => v.Metadata.Name == bound);
            if (pv == null) return new ClaimPlan(null, null, new V1PersistentVolumeClaimStatus { Phase = "Lost" });
            if (pv.Spec.ClaimRef == null || pv.Spec.ClaimRef.Uid == pvc.Metadata.Uid || pv.Spec.ClaimRef.Uid == null)
                return new ClaimPlan(null, pv.Spec.ClaimRef?.Uid == pvc.Metadata.Uid ? null : bound, BoundStatus(pv));
            return new ClaimPlan(null, null, new V1PersistentVolumeClaimStatus { Phase = "Pending" });
        }
        var request = pvc.Spec.Resources?.Requests?.TryGetValue("storage", out var q) == true ? q.ToDecimal() : 0m;
        var modes = pvc.Spec.AccessModes ?? [];
        var match = volumes
            .Where(v => v.Metadata.DeletionTimestamp == null && (v.Status?.Phase ?? "Available") == "Available")
            .Where(v => v.Spec.ClaimRef == null || (v.Spec.ClaimRef.Name == pvc.Metadata.Name && v.Spec.ClaimRef.NamespaceProperty == pvc.Metadata.NamespaceProperty))
            .Where(v => (v.Spec.StorageClassName ?? "") == (className ?? ""))
            .Where(v => Capacity(v) >= request && modes.All(m => v.Spec.AccessModes?.Contains(m) == true))
            .OrderBy(Capacity)
            .FirstOrDefault();
        if (match != null) return new ClaimPlan(null, match.Metadata.Name, new V1PersistentVolumeClaimStatus { Phase = "Pending" });
        var sc = classes.FirstOrDefault(c => c.Metadata.Name == className);
        if (sc?.Provisioner != Provisioner) return new ClaimPlan(null, null, new V1PersistentVolumeClaimStatus { Phase = "Pending" });
        var name = "pvc-" + pvc.Metadata.Uid;
        var provisioned = new V1PersistentVolume
        {
            ApiVersion = "v1", Kind = "PersistentVolume",
            Metadata = new V1ObjectMeta { Name = name, Annotations = new Dictionary<string, string> { ["pv.kubernetes.io/provisioned-by"] = Provisioner } },
            Spec = new V1PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = (pvc.Spec.Resources?.Requests != null && pvc.Spec.Resources.Requests.TryGetValue("storage", out var size) ? size : new ResourceQuantity("1Gi")) },
                AccessModes = modes.Count > 0 ? modes.ToList() : ["ReadWriteOnce"],
                PersistentVolumeReclaimPolicy = sc.ReclaimPolicy ?? "Delete",
                StorageClassName = className,
                VolumeMode = "Filesystem",
                Csi = new V1CSIPersistentVolumeSource { Driver = Provisioner, VolumeHandle = "cluster-" + name },
                ClaimRef = Ref(pvc),
            },
        };
        return new ClaimPlan(provisioned, name, new V1PersistentVolumeClaimStatus { Phase = "Pending" });
    }

    public static bool IsDefault(V1StorageClass c) => c.Metadata.Annotations?.TryGetValue(DefaultClassAnnotation, out var v) == true && v == "true";

    static decimal Capacity(V1PersistentVolume v) => v.Spec.Capacity?.TryGetValue("storage", out var q) == true ? q.ToDecimal() : 0m;

    public static V1ObjectReference Ref(V1PersistentVolumeClaim pvc) => new()
    {
        ApiVersion = "v1", Kind = "PersistentVolumeClaim", Name = pvc.Metadata.Name, NamespaceProperty = pvc.Metadata.NamespaceProperty,
        Uid = pvc.Metadata.Uid, ResourceVersion = pvc.Metadata.ResourceVersion,
    };

    public static V1PersistentVolumeClaimStatus BoundStatus(V1PersistentVolume pv) => new()
    {
        Phase = "Bound", AccessModes = pv.Spec.AccessModes, Capacity = pv.Spec.Capacity,
    };
}
