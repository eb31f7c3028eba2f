using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Admission.Quota;

/// <summary>
/// A ResourceQuota. Creations in its namespace are admitted through it one at a time (a grain serializes them), so
/// concurrent creates cannot together pass the hard limits: each admitted object is reserved until the next
/// recount sees it. Its controller recounts status.used from the namespace's objects every few seconds.
/// </summary>
public sealed class ResourceQuotaGrain([PersistentState("object", ObjectGrain<V1ResourceQuota>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<ResourceQuotaGrain> l)
    : ObjectGrain<V1ResourceQuota>(s, l), IResourceQuotaGrain
{
    protected override bool IsController => true;
    static readonly string[] Counted = ["Pod", "Service", "ConfigMap", "Secret", "PersistentVolumeClaim", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"];
    Dictionary<string, decimal> _used = [];

    protected override Task AfterCommit(V1ResourceQuota? old, V1ResourceQuota current) => old == null ? QuotaAdmission.Tell(GrainFactory, Key.Namespace) : Task.CompletedTask;
    protected override Task OnRemoved(V1ResourceQuota gone) => QuotaAdmission.Tell(GrainFactory, Key.Namespace);
    HashSet<string> _seen = [];
    readonly Dictionary<string, (Dictionary<string, decimal> Usage, DateTime At)> _reserved = [];

    public async Task<string?> Admit(string kind, string name, string json)
    {
        if (Current == null) return null;
        if (_used.Count == 0) await Recount();
        var info = Kinds.ByKind(kind)!;
        var requested = Usage.Of(info, info.Deserialize(json));
        var used = new Dictionary<string, decimal>(_used);
        foreach (var (_, r) in _reserved) foreach (var (k, v) in r.Usage) used[k] = used.GetValueOrDefault(k) + v;
        if (Usage.Exceeded(Current, used, requested) is { } error) return error;
        _reserved[$"{kind}/{name}"] = (requested, DateTime.UtcNow);
        return null;
    }

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        await Recount();
        var hard = Current!.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
        var status = new V1ResourceQuotaStatus
        {
            Hard = hard.Count == 0 ? null : hard.ToDictionary(kv => kv.Key, kv => kv.Value),
            Used = hard.Count == 0 ? null : hard.ToDictionary(kv => kv.Key, kv => Usage.Quantity(kv.Key, _used.GetValueOrDefault(kv.Key))),
        };
        await Mutate(x => { if (Objects.SameJson(x.Status, status)) return false; x.Status = status; return true; });
        return TimeSpan.FromSeconds(3);
    }

    async Task Recount()
    {
        var hard = Current?.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
        var used = new Dictionary<string, decimal>();
        var seen = new HashSet<string>();
        foreach (var kind in Counted.Select(Kinds.ByKind).OfType<KindInfo>())
        {
            // Only the kinds this quota tracks are read.
            var tracks = hard.Keys.Any(k => k == $"count/{kind.Resource}" || Usage.Of(kind, Kind0(kind)).ContainsKey(k));
            if (!tracks) continue;
            foreach (var json in (await GrainFactory.Index(kind.Kind, Key.Namespace).List(new ListRequest())).Items)
            {
                var o = kind.Deserialize(json);
                seen.Add($"{kind.Kind}/{o.Metadata.Name}");
                foreach (var (k, v) in Usage.Of(kind, o)) used[k] = used.GetValueOrDefault(k) + v;
            }
        }
        _used = used;
        _seen = seen;
        foreach (var key in _reserved.Keys.ToList())
            if (_seen.Contains(key) || DateTime.UtcNow - _reserved[key].At > TimeSpan.FromSeconds(30)) _reserved.Remove(key);
    }

    /// <summary>A representative object of a kind, to learn which quota keys it can use.</summary>
    static object Kind0(KindInfo kind) => kind.Kind switch
    {
        "Pod" => new V1Pod { Spec = new V1PodSpec { Containers = [new V1Container { Resources = Full() }] } },
        "Service" => new V1Service { Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort()] } },
        "PersistentVolumeClaim" => new V1PersistentVolumeClaim { Spec = new V1PersistentVolumeClaimSpec { Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1") } } } },
        _ => Activator.CreateInstance(kind.ModelType)!,
    };

    static V1ResourceRequirements Full() => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1"), ["memory"] = new("1") },
        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1"), ["memory"] = new("1") },
    };


}

/// <summary>A LimitRange: applied by admission to the pods of its namespace (see <see cref="Limits"/>).</summary>
public sealed class LimitRangeGrain([PersistentState("object", ObjectGrain<V1LimitRange>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<LimitRangeGrain> l)
    : ObjectGrain<V1LimitRange>(s, l), ILimitRangeGrain
{
    protected override bool HasStatus => false;
    protected override Task AfterCommit(V1LimitRange? old, V1LimitRange current) => old == null ? QuotaAdmission.Tell(GrainFactory, Key.Namespace) : Task.CompletedTask;
    protected override Task OnRemoved(V1LimitRange gone) => QuotaAdmission.Tell(GrainFactory, Key.Namespace);
}

/// <summary>Admission against the LimitRanges and ResourceQuotas of the namespace, for every namespaced create.</summary>
public static class QuotaAdmission
{
    /// <summary>Tells the namespace that its LimitRanges or ResourceQuotas changed, before the write is acknowledged,
    /// so a create that follows is admitted against them.</summary>
    public static Task Tell(IGrainFactory grains, string ns) =>
        grains.GetGrain<INamespaceGrain>(new ObjectKey("Namespace", "", ns).GrainKey).PoliciesChanged();

    public static async Task<ApiResult?> AdmitAsync(IGrainFactory grains, KindInfo kind, string ns, string name, k8s.IKubernetesObject<V1ObjectMeta> obj,
        NamespaceAdmission policies)
    {
        if (kind.Kind is "Event" or "ResourceQuota" or "LimitRange" or "Endpoints" or "EndpointSlice") return null;
        ApiResult Forbidden(string why) => new(403, "Forbidden", $"{kind.Resource} \"{name}\" is forbidden: {why}", null);
        if (obj is V1Pod pod && policies.HasLimitRanges)
        {
            var ranges = (await grains.Index("LimitRange", ns).List(new ListRequest())).Items.Select(Objects.FromJson<V1LimitRange>).ToList();
            if (ranges.Count > 0 && Limits.Apply(ranges, pod) is { } limitError) return Forbidden(limitError);
        }
        if (!policies.HasQuotas) return null;
        var quotas = (await grains.Index("ResourceQuota", ns).List(new ListRequest())).Items.Select(Objects.FromJson<V1ResourceQuota>).ToList();
        foreach (var q in quotas)
        {
            if (obj is V1Pod p && Usage.Missing(q, p) is { } missing) return Forbidden(missing);
            var error = await grains.GetGrain<IResourceQuotaGrain>(new ObjectKey("ResourceQuota", ns, q.Metadata.Name).GrainKey).Admit(kind.Kind, name, Objects.ToJson(obj));
            if (error != null) return Forbidden(error);
        }
        return null;
    }
}
