using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Store;

// Kinds with no controller of their own yet: stored, listed and watched.

/// <summary>
/// A Service and its controllers: cluster IP and node port allocation, the load balancer status, and the endpoints
/// controller (Endpoints and EndpointSlice from the pods its selector matches; pods notify it when they change).
/// </summary>
public sealed class ServiceGrain([PersistentState("object", ObjectGrain<V1Service>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<ServiceGrain> l)
    : ObjectGrain<V1Service>(s, l), IServiceGrain
{
    Networking.IClusterIpAllocatorGrain Allocator => GrainFactory.GetGrain<Networking.IClusterIpAllocatorGrain>("default");
    Networking.INodePortAllocatorGrain NodePorts => GrainFactory.GetGrain<Networking.INodePortAllocatorGrain>("default");

    protected override bool IsController => true;

    protected override async Task<Interfaces.Api.ApiResult?> OnCreating(V1Service o)
    {
        o.Status ??= new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus() };
        if (o.Spec.Type == "ExternalName" || o.Spec.ClusterIP == "None") return null;
        var r = await Allocator.Allocate(Key.GrainKey, string.IsNullOrEmpty(o.Spec.ClusterIP) ? null : o.Spec.ClusterIP);
        if (!r.Ok) return r;
        o.Spec.ClusterIP = r.Json;
        o.Spec.ClusterIPs = [r.Json];
        o.Spec.IpFamilies ??= ["IPv4"];
        o.Spec.IpFamilyPolicy ??= "SingleStack";
        return await AllocateNodePorts(o);
    }

    static string PortKey(V1ServicePort p) => p.Name ?? p.Port.ToString();

    async Task<Interfaces.Api.ApiResult?> AllocateNodePorts(V1Service o)
    {
        if (o.Spec.Type is not ("NodePort" or "LoadBalancer")) return null;
        foreach (var p in o.Spec.Ports ?? [])
        {
            var r = await NodePorts.Allocate(Key.GrainKey, PortKey(p), p.NodePort is > 0 ? p.NodePort : null);
            if (!r.Ok) return r;
            p.NodePort = int.Parse(r.Json!);
        }
        return null;
    }

    protected override async Task OnRemoved(V1Service gone)
    {
        await Allocator.Release(Key.GrainKey);
        await NodePorts.Release(Key.GrainKey, []);
    }

    protected override void CarrySpec(V1Service next, V1Service current)
    {
        if (string.IsNullOrEmpty(next.Spec.ClusterIP)) next.Spec.ClusterIP = current.Spec?.ClusterIP;
        if (next.Spec.ClusterIPs == null || next.Spec.ClusterIPs.Count == 0) next.Spec.ClusterIPs = current.Spec?.ClusterIPs;
        next.Spec.IpFamilies ??= current.Spec?.IpFamilies;
        next.Spec.IpFamilyPolicy ??= current.Spec?.IpFamilyPolicy;
        // Node ports already allocated stay with their port (an apply that omits them must not drop them).
        if (next.Spec.Type is "NodePort" or "LoadBalancer")
            foreach (var p in next.Spec.Ports ?? [])
                if (p.NodePort is null or 0)
                    p.NodePort = current.Spec?.Ports?.FirstOrDefault(c => PortKey(c) == PortKey(p))?.NodePort;
    }

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var svc = Current!;
        if (svc.Metadata.DeletionTimestamp != null) return null;
        // Node ports for a service that became NodePort/LoadBalancer; released when it stops being one.
        if (svc.Spec.Type is "NodePort" or "LoadBalancer" && (svc.Spec.Ports ?? []).Any(p => p.NodePort is null or 0))
        {
            var copy = Objects.Clone(svc);
            if (await AllocateNodePorts(copy) is { } err) { Logger.LogWarning("node port allocation for {Key} failed: {Message}", Key, err.Message); return TimeSpan.FromSeconds(5); }
            await Mutate(x => { x.Spec.Ports = copy.Spec.Ports; return true; });
            svc = Current!;
        }
        await NodePorts.Release(Key.GrainKey, svc.Spec.Type is "NodePort" or "LoadBalancer" ? (svc.Spec.Ports ?? []).Select(PortKey).ToList() : []);
        await SyncLoadBalancerStatus(svc);
        if (svc.Spec.Selector is { Count: > 0 } selector)
        {
            var pods = (await GrainFactory.Index("Pod", Key.Namespace).List(new ListRequest(string.Join(",", selector.Select(kv => $"{kv.Key}={kv.Value}"))))).Items
                .Select(Objects.FromJson<V1Pod>).ToList();
            var plan = Controllers.Endpoints.EndpointsReconciler.Plan(Current!, pods);
            await Write(Interfaces.Api.Kinds.Endpoints, plan.Endpoints.Metadata.Name, plan.Endpoints, x => ((V1Endpoints)x).Subsets);
            await Write(Interfaces.Api.Kinds.EndpointSlice, plan.Slice.Metadata.Name, plan.Slice, x => new { ((V1EndpointSlice)x).Endpoints, ((V1EndpointSlice)x).Ports });
        }
        return null;
    }

    async Task SyncLoadBalancerStatus(V1Service svc)
    {
        List<V1LoadBalancerIngress>? ingress = null;
        if (svc.Spec.Type == "LoadBalancer")
        {
            var nodes = (await GrainFactory.Index("Node", "").List(new ListRequest())).Items.Select(Objects.FromJson<V1Node>);
            ingress = nodes.SelectMany(n => n.Status?.Addresses ?? []).Where(a => a.Type == "InternalIP").Select(a => a.Address).Distinct()
                .Select(ip => new V1LoadBalancerIngress { Ip = ip, IpMode = "VIP" }).ToList();
        }
        var want = new V1LoadBalancerStatus { Ingress = ingress is { Count: > 0 } ? ingress : null };
        if (Objects.SameJson(svc.Status?.LoadBalancer, want)) return;
        await Mutate(x => { x.Status ??= new V1ServiceStatus(); x.Status.LoadBalancer = want; return true; });
    }

    async Task Write(Interfaces.Api.KindInfo kind, string name, object desired, Func<object, object?> content)
    {
        var g = GrainFactory.For(new Interfaces.Api.ObjectKey(kind.Kind, Key.Namespace, name));
        var current = await g.Get();
        if (!current.Ok) { await g.Create(Objects.ToJson(desired), WriteOptions.Default); return; }
        var existing = kind.Deserialize(current.Json!);
        if (Objects.SameJson(content(existing), content(desired)) && Objects.SameJson(existing.Metadata.Labels, ((k8s.IKubernetesObject<V1ObjectMeta>)desired).Metadata.Labels)) return;
        await g.Update(Objects.ToJson(desired), WriteOptions.Default);
    }
}

public sealed class ConfigMapGrain([PersistentState("object", ObjectGrain<V1ConfigMap>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<ConfigMapGrain> l)
    : ObjectGrain<V1ConfigMap>(s, l), IConfigMapGrain
{
    protected override object? GetSpec(V1ConfigMap o) => new { o.Data, o.BinaryData };
    protected override bool HasStatus => false;
}

public sealed class SecretGrain([PersistentState("object", ObjectGrain<V1Secret>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<SecretGrain> l)
    : ObjectGrain<V1Secret>(s, l), ISecretGrain
{
    protected override bool EncryptAtRest => true;
    protected override object? GetSpec(V1Secret o) => new { o.Data, o.Type };
    protected override bool HasStatus => false;
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
        foreach (var (k, v) in o.StringData) o.Data[k] = System.Text.Encoding.UTF8.GetBytes(v ?? ""); // null decodes to "" (Go's zero value)
        o.StringData = null;
    }
}

/// <summary>Events are written once and rarely read again: their grains leave memory after two idle minutes (the index
/// still lists them), instead of the default collection age, so a burst of pod starts does not hold thousands.</summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class EventGrain([PersistentState("object", ObjectGrain<Corev1Event>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<EventGrain> l)
    : ObjectGrain<Corev1Event>(s, l), IEventGrain
{
    protected override object? GetSpec(Corev1Event o) => null;
    protected override bool HasStatus => false;
}

public sealed class EndpointsGrain([PersistentState("object", ObjectGrain<V1Endpoints>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<EndpointsGrain> l)
    : ObjectGrain<V1Endpoints>(s, l), IEndpointsGrain
{
    protected override object? GetSpec(V1Endpoints o) => o.Subsets;
    protected override bool HasStatus => false;
}

public sealed class EndpointSliceGrain([PersistentState("object", ObjectGrain<V1EndpointSlice>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<EndpointSliceGrain> l)
    : ObjectGrain<V1EndpointSlice>(s, l), IEndpointSliceGrain
{
    protected override object? GetSpec(V1EndpointSlice o) => new { o.Endpoints, o.Ports, o.AddressType };
    protected override bool HasStatus => false;
}

/// <summary>An Ingress: stored and served; every silo's ingress proxy routes by it. Its status names the nodes' addresses.</summary>
public sealed class IngressGrain([PersistentState("object", ObjectGrain<V1Ingress>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<IngressGrain> l)
    : ObjectGrain<V1Ingress>(s, l), IIngressGrain
{
    protected override bool IsController => true;
    protected override bool UsesReminder => false;

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var nodes = (await GrainFactory.Index("Node", "").List(new ListRequest())).Items.Select(Objects.FromJson<V1Node>);
        var ips = nodes.SelectMany(n => n.Status?.Addresses ?? []).Where(a => a.Type == "InternalIP").Select(a => a.Address).Distinct().ToList();
        var want = new V1IngressLoadBalancerStatus { Ingress = ips.Count == 0 ? null : ips.Select(ip => new V1IngressLoadBalancerIngress { Ip = ip }).ToList() };
        if (!Objects.SameJson(Current!.Status?.LoadBalancer, want))
            await Mutate(i => { i.Status ??= new V1IngressStatus(); i.Status.LoadBalancer = want; return true; });
        return null;
    }
}

/// <summary>A PodDisruptionBudget; its controller keeps status (healthy, desired, allowed disruptions) current.</summary>
public sealed class PodDisruptionBudgetGrain([PersistentState("object", ObjectGrain<V1PodDisruptionBudget>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<PodDisruptionBudgetGrain> l)
    : ObjectGrain<V1PodDisruptionBudget>(s, l), IPodDisruptionBudgetGrain
{
    protected override bool IsController => true;

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var pods = (await GrainFactory.Index("Pod", Key.Namespace).List(new ListRequest())).Items.Select(Objects.FromJson<V1Pod>).ToList();
        var status = Controllers.Disruption.DisruptionBudget.Status(Current!, pods, Objects.Now());
        await Mutate(p => { if (Objects.SameJson(p.Status, status)) return false; p.Status = status; return true; });
        return TimeSpan.FromSeconds(2); // pods change often; a cheap periodic recount keeps status current
    }
}

public sealed class NamespaceGrain([PersistentState("object", ObjectGrain<V1Namespace>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<NamespaceGrain> l)
    : ObjectGrain<V1Namespace>(s, l), INamespaceGrain
{
    static readonly string[] Protected = ["default", "kube-system", "kube-public"];
    bool? _hasLimitRanges, _hasQuotas;

    public async Task<NamespaceAdmission> Admission()
    {
        if (Current == null) return new NamespaceAdmission(Interfaces.Api.ApiResult.NotFound(Kind, Key.Name), null, false, false);
        if (_hasLimitRanges == null || _hasQuotas == null) await PoliciesChanged();
        var level = Current.Metadata.Labels is { } labels && labels.TryGetValue(Cluster.Grains.Admission.PodSecurity.EnforceLabel, out var l) ? l : null;
        return new NamespaceAdmission(Interfaces.Api.ApiResult.Success(CurrentJson!), level, _hasLimitRanges ?? true, _hasQuotas ?? true);
    }

    public async Task PoliciesChanged()
    {
        // Counted from the indexes (level-based, so a restart or a lost notice costs nothing but a recount).
        var ranges = (await GrainFactory.Index("LimitRange", Key.Name).List(new ListRequest())).Items.Count > 0;
        var quotas = (await GrainFactory.Index("ResourceQuota", Key.Name).List(new ListRequest())).Items.Count > 0;
        _hasLimitRanges = ranges;
        _hasQuotas = quotas;
    }

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

    /// <summary>Every namespace gets its "default" ServiceAccount, as Kubernetes' service account controller makes it.</summary>
    protected override async Task AfterCommit(V1Namespace? old, V1Namespace current)
    {
        if (old != null || current.Metadata.DeletionTimestamp != null) return;
        var sa = new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = new V1ObjectMeta { Name = "default", NamespaceProperty = Key.Name } };
        var r = await GrainFactory.For(new Interfaces.Api.ObjectKey("ServiceAccount", Key.Name, "default")).Create(Objects.ToJson(sa), WriteOptions.Default);
        if (!r.Ok && r.Reason != "AlreadyExists") Logger.LogWarning("creating the default ServiceAccount of {Ns} failed: {Message}", Key.Name, r.Message);
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
