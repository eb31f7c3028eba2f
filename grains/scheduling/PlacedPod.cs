using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Cluster.Grains.Scheduling;

/// <summary>
/// Reads from a stored pod's JSON only what the scheduler counts against a node: its name, node, deletion and phase,
/// the requests of its containers and its controller. A new scheduler activation (after a silo restart) reads every
/// pod of the cluster; decoding each whole (containers, probes, volumes, status) was most of the scheduler's start,
/// 150,000 pods at a time, while the restarted silo had everything else to do too.
/// </summary>
public static class PlacedPod
{
    public sealed record Facts(string Name, string? NodeName, bool Deleting, string? Phase, long MilliCpu, long Memory, string? OwnerUid);

    static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = false };

    public static Facts Read(string json)
    {
        var d = JsonSerializer.Deserialize<Doc>(json, Options)!;
        var requests = (d.Spec?.Containers ?? []).Select(c => Quantities(c.Resources?.Requests ?? c.Resources?.Limits));
        var (cpu, memory) = PodInfo.Requested(requests);
        return new Facts(d.Metadata?.Name ?? "", d.Spec?.NodeName, d.Metadata?.DeletionTimestamp != null, d.Status?.Phase, cpu, memory,
            d.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true)?.Uid);
    }

    /// <summary>The same facts of a pod already decoded.</summary>
    public static Facts Of(V1Pod pod)
    {
        var (cpu, memory) = PodInfo.Requested((pod.Spec.Containers ?? []).Select(c => c.Resources?.Requests ?? c.Resources?.Limits));
        return new Facts(pod.Metadata.Name, pod.Spec.NodeName, pod.Metadata.DeletionTimestamp != null, pod.Status?.Phase, cpu, memory,
            pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true)?.Uid);
    }

    /// <summary>Quantities as the API stores them (strings; a number is taken as written).</summary>
    static Dictionary<string, ResourceQuantity>? Quantities(Dictionary<string, JsonElement>? raw) =>
        raw?.ToDictionary(kv => kv.Key, kv => new ResourceQuantity(kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString() : kv.Value.GetRawText()));

    sealed class Doc
    {
        [JsonPropertyName("metadata")] public Meta? Metadata { get; set; }
        [JsonPropertyName("spec")] public Spec? Spec { get; set; }
        [JsonPropertyName("status")] public Status? Status { get; set; }
    }

    sealed class Meta
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("deletionTimestamp")] public DateTime? DeletionTimestamp { get; set; }
        [JsonPropertyName("ownerReferences")] public List<Owner>? OwnerReferences { get; set; }
    }

    sealed class Owner
    {
        [JsonPropertyName("uid")] public string? Uid { get; set; }
        [JsonPropertyName("controller")] public bool? Controller { get; set; }
    }

    sealed class Spec
    {
        [JsonPropertyName("nodeName")] public string? NodeName { get; set; }
        [JsonPropertyName("containers")] public List<Container>? Containers { get; set; }
    }

    sealed class Container { [JsonPropertyName("resources")] public Resources? Resources { get; set; } }

    sealed class Resources
    {
        [JsonPropertyName("requests")] public Dictionary<string, JsonElement>? Requests { get; set; }
        [JsonPropertyName("limits")] public Dictionary<string, JsonElement>? Limits { get; set; }
    }

    sealed class Status { [JsonPropertyName("phase")] public string? Phase { get; set; } }
}
