using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Store;

// Kinds with no controller of their own yet: stored, listed and watched.

public sealed class ServiceGrain([PersistentState("object", ObjectGrain<V1Service>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<ServiceGrain> l)
    : ObjectGrain<V1Service>(s, l), IServiceGrain
{
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
    protected override Task<Interfaces.Api.ApiResult?> OnCreating(V1Namespace o)
    {
        o.Spec ??= new V1NamespaceSpec();
        o.Spec.Finalizers ??= ["kubernetes"];
        o.Status = new V1NamespaceStatus { Phase = "Active" };
        o.Metadata.Labels ??= new Dictionary<string, string>();
        o.Metadata.Labels["kubernetes.io/metadata.name"] = o.Metadata.Name;
        return Task.FromResult<Interfaces.Api.ApiResult?>(null);
    }
}
