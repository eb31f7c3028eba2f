using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Grains.Nodes;

/// <summary>
/// A pod bound to this node as its agent last read it: the JSON (the very string its index or its write handed over)
/// and the few facts a pass needs, read once per version. The decoded object is kept only while the pod has work to
/// do; a settled pod holds no copy of its own (150,000 decoded pods were a gigabyte).
/// </summary>
public sealed class KnownPod
{
    public ObjectKey Key { get; }
    public string Json { get; }
    public string? Trace { get; }
    public string Uid { get; }
    public string? NodeName { get; }
    public long ResourceVersion { get; }
    /// <summary>Its sync depends on its version and its containers alone: not on the clock (a deletion's grace
    /// period, an active deadline) nor on probes. Such a pod, once settled, is skipped while neither changes.</summary>
    public bool ClockFree { get; }
    public bool HasProbes { get; }
    /// <summary>ConfigMap or Secret volumes, whose files follow their objects while the pod runs.</summary>
    public bool HasConfigVolumes { get; }
    /// <summary>What the last settled sync saw (version and containers), or null when it has work to do.</summary>
    public (long Version, ulong Containers)? Settled { get; set; }

    V1Pod? _pod;
    public V1Pod Pod => _pod ??= Handoff<V1Pod>.Take(Json) ?? Objects.FromJson<V1Pod>(Json);
    /// <summary>Drops the decoded copy (it is decoded again from the JSON when next needed).</summary>
    public void Release() => _pod = null;

    /// <summary>The same pod after a write that changed only its status (the agent's own report): the facts stand,
    /// and the pod is not decoded again until it is needed.</summary>
    public KnownPod WithStatusWritten(string json, long resourceVersion = 0) => new(this, json, resourceVersion);

    KnownPod(KnownPod before, string json, long resourceVersion)
    {
        Key = before.Key; Json = json; Trace = before.Trace;
        Uid = before.Uid; NodeName = before.NodeName; HasProbes = before.HasProbes; ClockFree = before.ClockFree; HasConfigVolumes = before.HasConfigVolumes;
        ResourceVersion = resourceVersion > 0 ? resourceVersion
            : System.Text.Json.JsonSerializer.Deserialize<RvOnly>(json)?.Metadata?.ResourceVersion is { } rv && long.TryParse(rv, out var v) ? v : 0;
    }

    sealed record RvOnly([property: System.Text.Json.Serialization.JsonPropertyName("metadata")] RvOnly.Meta? Metadata)
    {
        public sealed record Meta([property: System.Text.Json.Serialization.JsonPropertyName("resourceVersion")] string? ResourceVersion);
    }

    public KnownPod(ObjectKey key, string json, string? trace)
    {
        Key = key; Json = json; Trace = trace;
        var p = Pod;
        Uid = p.Metadata.Uid;
        NodeName = p.Spec?.NodeName;
        ResourceVersion = Objects.Rv(p.Metadata);
        HasProbes = p.Spec?.Containers?.Any(c => c.ReadinessProbe != null || c.LivenessProbe != null || c.StartupProbe != null) == true;
        ClockFree = p.Metadata.DeletionTimestamp == null && p.Spec?.ActiveDeadlineSeconds == null && !HasProbes;
        HasConfigVolumes = p.Spec?.Volumes?.Any(v => v.ConfigMap != null || v.Secret != null) == true;
    }
}
