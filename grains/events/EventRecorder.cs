using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s;
using k8s.Models;

namespace Cluster.Grains.Events;

/// <summary>Records Kubernetes Events about an object (what `describe` and `get events` show).</summary>
public static class EventRecorder
{
    public const string Normal = "Normal", Warning = "Warning";

    public static async Task Record(IGrainFactory grains, IKubernetesObject<V1ObjectMeta> about, KindInfo kind,
        string type, string reason, string message, string component, string? host = null)
    {
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
        try { await grains.GetGrain<IEventGrain>(new ObjectKey("Event", ns, name).GrainKey).Create(Objects.ToJson(e), WriteOptions.Default); }
        catch { /* events are best effort; never fail the caller's work for one */ }
    }
}
