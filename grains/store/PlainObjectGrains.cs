using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Store;

// Kinds with no controller of their own yet: stored, listed and watched.

public sealed class ServiceGrain([PersistentState("object", ObjectGrain<V1Service>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<ServiceGrain> l)
    : ObjectGrain<V1Service>(s, l), IServiceGrain
{
    Networking.IClusterIpAllocatorGrain Allocator => GrainFactory.GetGrain<Networking.IClusterIpAllocatorGrain>("default");

    protected override async Task<Interfaces.Api.ApiResult?> OnCreating(V1Service o)
    {
        if (o.Spec.Type == "ExternalName" || o.Spec.ClusterIP == "None") return null;
        var r = await Allocator.Allocate(Key.GrainKey, string.IsNullOrEmpty(o.Spec.ClusterIP) ? null : o.Spec.ClusterIP);
        if (!r.Ok) return r;
        o.Spec.ClusterIP = r.Json;
        o.Spec.ClusterIPs = [r.Json];
        o.Spec.IpFamilies ??= ["IPv4"];
        o.Spec.IpFamilyPolicy ??= "SingleStack";
        o.Status ??= new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus() };
        return null;
    }

    protected override Task OnRemoved(V1Service gone) => Allocator.Release(Key.GrainKey);

    protected override void CarrySpec(V1Service next, V1Service current)
    {
        if (string.IsNullOrEmpty(next.Spec.ClusterIP)) next.Spec.ClusterIP = current.Spec?.ClusterIP;
        if (next.Spec.ClusterIPs == null || next.Spec.ClusterIPs.Count == 0) next.Spec.ClusterIPs = current.Spec?.ClusterIPs;
    }
}

public sealed class ConfigMapGrain([PersistentState("object", ObjectGrain<V1ConfigMap>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<ConfigMapGrain> l)
    : ObjectGrain<V1ConfigMap>(s, l), IConfigMapGrain
{
    protected override object? GetSpec(V1ConfigMap o) => new { o.Data, o.BinaryData };
    protected override object? GetStatus(V1ConfigMap o) => null;
    protected override void SetStatus(V1ConfigMap o, object? status) { }
}

public sealed class SecretGrain([PersistentState("object", ObjectGrain<V1Secret>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<SecretGrain> l)
    : ObjectGrain<V1Secret>(s, l), ISecretGrain
{
    protected override object? GetSpec(V1Secret o) => new { o.Data, o.Type };
    protected override object? GetStatus(V1Secret o) => null;
    protected override void SetStatus(V1Secret o, object? status) { }
    protected override Task<Interfaces.Api.ApiResult?> OnCreating(V1Secret o)
    {
        Normalize(o);
        return Task.FromResult<Interfaces.Api.ApiResult?>(null);
    }
    protected override void CarrySpec(V1Secret next, V1Secret current) => Normalize(next);

    /// <summary>stringData is write-only: merged into data as Kubernetes does.</summary>
    static void Normalize(V1Secret o)
    {
        o.Type ??= "Opaque";
        if (o.StringData == null) return;
        o.Data ??= new Dictionary<string, byte[]>();
        foreach (var (k, v) in o.StringData) o.Data[k] = System.Text.Encoding.UTF8.GetBytes(v);
        o.StringData = null;
    }
}

public sealed class EventGrain([PersistentState("object", ObjectGrain<Corev1Event>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<EventGrain> l)
    : ObjectGrain<Corev1Event>(s, l), IEventGrain
{
    protected override object? GetSpec(Corev1Event o) => null;
    protected override object? GetStatus(Corev1Event o) => null;
    protected override void SetStatus(Corev1Event o, object? status) { }
}

public sealed class NamespaceGrain([PersistentState("object", ObjectGrain<V1Namespace>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<NamespaceGrain> l)
    : ObjectGrain<V1Namespace>(s, l), INamespaceGrain
{
    static readonly string[] Protected = ["default", "kube-system", "kube-public"];

    // The namespace controller: once deletion starts, delete everything inside, then the namespace itself.
    protected override bool IsController => true;
    protected override bool UsesReminder => false;
    protected override bool DeletionIsDeferred => true;

    protected override Task<Interfaces.Api.ApiResult?> OnCreating(V1Namespace o)
    {
        o.Spec ??= new V1NamespaceSpec();
        o.Spec.Finalizers ??= ["kubernetes"];
        o.Status = new V1NamespaceStatus { Phase = "Active" };
        o.Metadata.Labels ??= new Dictionary<string, string>();
        o.Metadata.Labels["kubernetes.io/metadata.name"] = o.Metadata.Name;
        return Task.FromResult<Interfaces.Api.ApiResult?>(null);
    }

    public override async Task<Interfaces.Api.ApiResult> Delete(DeleteOptions options)
    {
        if (Current != null && Protected.Contains(Key.Name))
            return new Interfaces.Api.ApiResult(403, "Forbidden", $"namespaces \"{Key.Name}\" is forbidden: this namespace may not be deleted", null);
        return await base.Delete(options);
    }

    protected override async Task OnTerminating()
    {
        await Mutate(n => { n.Status ??= new V1NamespaceStatus(); if (n.Status.Phase == "Terminating") return false; n.Status.Phase = "Terminating"; return true; });
        ScheduleReconcile();
    }

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        if (Current?.Metadata.DeletionTimestamp == null) return null;
        var left = 0;
        foreach (var kind in Interfaces.Api.Kinds.All.Where(k => k.Namespaced))
        {
            var items = (await GrainFactory.Index(kind.Kind, Key.Name).List(new ListRequest())).Items;
            left += items.Count;
            await Task.WhenAll(items.Select(j => GrainFactory.For(new Interfaces.Api.ObjectKey(kind.Kind, Key.Name, kind.Deserialize(j).Metadata.Name))
                .Delete(new DeleteOptions(PropagationPolicy: "Background"))));
        }
        if (left > 0) return TimeSpan.FromMilliseconds(500);
        await Remove(false);
        return null;
    }
}
