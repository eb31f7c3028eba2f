using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Cluster.Grains.Nodes;

/// <summary>
/// A pod read from its JSON for the hooks of a status report (<see cref="PodGrain"/>'s endpoints, owner, node and index
/// fields): its whole metadata, its node, and of its status what those hooks compare: phase, addresses, conditions'
/// type, status and transition time, and containers' restart counts. The rest is skipped unread; a hook that reads
/// more of a status report's pods must read it here too.
/// </summary>
static class PodWithoutSpec
{
    /// <summary>The pod so read, or null when its JSON does not read so (the caller decodes it whole).</summary>
    public static V1Pod? Read(string json)
    {
        Doc? d;
        try { d = KubernetesJson.Deserialize<Doc>(json); }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException) { return null; }
        if (d?.Metadata == null) return null;
        return new V1Pod { ApiVersion = d.ApiVersion, Kind = d.Kind, Metadata = d.Metadata, Spec = new V1PodSpec { NodeName = d.Spec?.NodeName }, Status = d.Status?.ToModel() };
    }

    /// <summary>A reported status so read, or null when it does not read as a pod status.</summary>
    public static V1PodStatus? ReadStatus(string json)
    {
        try { return KubernetesJson.Deserialize<Status>(json)?.ToModel(); }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException) { return null; }
    }

    sealed class Doc
    {
        [JsonPropertyName("apiVersion")] public string? ApiVersion { get; set; }
        [JsonPropertyName("kind")] public string? Kind { get; set; }
        [JsonPropertyName("metadata")] public V1ObjectMeta? Metadata { get; set; }
        [JsonPropertyName("spec")] public Spec? Spec { get; set; }
        [JsonPropertyName("status")] public Status? Status { get; set; }
    }

    sealed class Spec
    {
        [JsonPropertyName("nodeName")] public string? NodeName { get; set; }
    }

    sealed class Status
    {
        [JsonPropertyName("phase")] public string? Phase { get; set; }
        [JsonPropertyName("podIP")] public string? PodIP { get; set; }
        [JsonPropertyName("hostIP")] public string? HostIP { get; set; }
        [JsonPropertyName("conditions")] public List<Condition>? Conditions { get; set; }
        [JsonPropertyName("containerStatuses")] public List<ContainerStatus>? ContainerStatuses { get; set; }

        public V1PodStatus ToModel() => new()
        {
            Phase = Phase, PodIP = PodIP, HostIP = HostIP,
            Conditions = Conditions?.Select(c => new V1PodCondition { Type = c.Type, Status = c.Status, LastTransitionTime = c.LastTransitionTime }).ToList(),
            ContainerStatuses = ContainerStatuses?.Select(c => new V1ContainerStatus { RestartCount = c.RestartCount }).ToList(),
        };
    }

    sealed class Condition
    {
        [JsonPropertyName("type")] public string? Type { get; set; }
        [JsonPropertyName("status")] public string? Status { get; set; }
        [JsonPropertyName("lastTransitionTime")] public DateTime? LastTransitionTime { get; set; }
    }

    sealed class ContainerStatus
    {
        [JsonPropertyName("restartCount")] public int RestartCount { get; set; }
    }
}
