using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s;
using k8s.Models;

namespace Cluster.Grains.Events;

/// <summary>
/// Records Kubernetes Events about an object (what `describe` and `get events` show). Like client-go's recorder it
/// drops the excess: each source may record 25 events about one object in a burst, then one every five minutes
/// (a ReplicaSet making 1,000 pods records 25 SuccessfulCreate events, not 1,000 more writes); and each source records
/// at most 50 a second (kubelet's eventRecordQPS).
/// </summary>
public static class EventRecorder
{
    public const string Normal = "Normal", Warning = "Warning";
    const int Burst = 25;
    static readonly TimeSpan Refill = TimeSpan.FromMinutes(5);
    static readonly Dictionary<string, (double Tokens, DateTime At)> Buckets = new();
    static DateTime _pruned;

    /// <summary>client-go's EventSourceObjectSpamFilter: a token bucket per source and involved object.</summary>
    public static bool Allow(string source, string objectKey, DateTime now)
    {
        var key = source + "\n" + objectKey;
        lock (Buckets)
        {
            // Forget buckets that have refilled (the same as absent); at most once a minute, as it scans them all.
            if (Buckets.Count > 4096 && now - _pruned > TimeSpan.FromMinutes(1))
            {
                _pruned = now;
                foreach (var stale in Buckets.Where(kv => kv.Value.Tokens + (now - kv.Value.At).TotalSeconds / Refill.TotalSeconds >= Burst).Select(kv => kv.Key).ToList())
                    Buckets.Remove(stale);
            }
            return Take(Buckets, key, Burst, 1 / Refill.TotalSeconds, now);
        }
    }

    // Per source (component and host): kubelet's defaults, eventRecordQPS 50 and eventBurst 100. A kubelet, or the
    // scheduler placing thousands of pods a minute, records at most 50 events a second and drops the rest.
    const double SourceQps = 50, SourceBurst = 100;
    static readonly Dictionary<string, (double Tokens, DateTime At)> Sources = new();

    /// <summary>The per-source rate limit: a token bucket of 100 refilled at 50 a second.</summary>
    public static bool AllowSource(string source, DateTime now)
    {
        lock (Sources) return Take(Sources, source, SourceBurst, SourceQps, now);
    }

    /// <summary>One token from the key's bucket (full when new), refilled at perSecond up to burst; false when empty.</summary>
    static bool Take(Dictionary<string, (double Tokens, DateTime At)> buckets, string key, double burst, double perSecond, DateTime now)
    {
        var (tokens, at) = buckets.TryGetValue(key, out var b) ? b : (burst, now);
        tokens = Math.Min(burst, tokens + Math.Max(0, (now - at).TotalSeconds) * perSecond);
        if (tokens < 1) { buckets[key] = (tokens, now); return false; }
        buckets[key] = (tokens - 1, now);
        return true;
    }

    public static async Task Record(IGrainFactory grains, IKubernetesObject<V1ObjectMeta> about, KindInfo kind,
        string type, string reason, string message, string component, string? host = null)
    {
        var source = $"{component}/{host}";
        var at = DateTime.UtcNow;
        if (!AllowSource(source, at) || !Allow(source, $"{kind.Kind}/{about.Metadata.NamespaceProperty}/{about.Metadata.Name}/{about.Metadata.Uid}", at)) return;
        var ns = kind.Namespaced ? about.Metadata.NamespaceProperty ?? "default" : "default";
        var name = $"{about.Metadata.Name}.{Guid.NewGuid().ToString("N")[..16]}";
        var now = Objects.Now();
        var e = new Corev1Event
        {
            ApiVersion = "v1", Kind = "Event",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = kind.ApiVersion, Kind = kind.Kind, Name = about.Metadata.Name,
                NamespaceProperty = kind.Namespaced ? ns : null, Uid = about.Metadata.Uid,
                ResourceVersion = about.Metadata.ResourceVersion,
            },
            Type = type, Reason = reason, Message = message, Count = 1,
            FirstTimestamp = now, LastTimestamp = now,
            Source = new V1EventSource { Component = component, Host = host },
            ReportingComponent = component, ReportingInstance = host ?? component,
        };
        // The silo's sink writes it in a batch with others; without one (a client-side caller), through its grain.
        if (EventSink.For(grains) is { } sink) { sink.Enqueue(e); return; }
        try { await grains.GetGrain<IEventGrain>(new ObjectKey("Event", ns, name).GrainKey).Create(Objects.ToJson(e), WriteOptions.Default); }
        catch { /* events are best effort; never fail the caller's work for one */ }
    }
}
