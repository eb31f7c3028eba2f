using System.Text.Json;
using System.Text.Json.Serialization;
using Cluster.Interfaces.Store;

namespace Cluster.Grains.Store;

/// <summary>
/// What the index keeps of a stored object, read from its JSON without decoding the object: name, namespace, labels,
/// owners, resourceVersion and the selectable fields. An index rebuilt after a restart reads every stored object of
/// its kind and namespace (150,000 pods); decoding each whole was most of the time before the API could list them.
/// </summary>
static class IndexedFieldsReader
{
    public static IndexChange Read(Type model, string json)
    {
        var d = JsonSerializer.Deserialize<Doc>(json)!;
        var m = d.Metadata ?? new Meta();
        string name = m.Name ?? "", ns = m.Namespace ?? "";
        var fields = model switch
        {
            _ when model == typeof(k8s.Models.V1Pod) => SmallMap.Of("metadata.name", name, "metadata.namespace", ns, "spec.nodeName", d.Spec?.NodeName ?? "", "status.phase", d.Status?.Phase ?? ""),
            _ when model == typeof(k8s.Models.V1Node) => SmallMap.Of("metadata.name", name, "metadata.namespace", ns, "spec.unschedulable", d.Spec?.Unschedulable == true ? "true" : "false"),
            _ when model == typeof(k8s.Models.Corev1Event) => SmallMap.Of("metadata.name", name, "metadata.namespace", ns,
                "involvedObject.name", d.InvolvedObject?.Name ?? "", "involvedObject.kind", d.InvolvedObject?.Kind ?? "",
                "involvedObject.namespace", d.InvolvedObject?.Namespace ?? "", "involvedObject.uid", d.InvolvedObject?.Uid ?? "",
                "involvedObject.apiVersion", d.InvolvedObject?.ApiVersion ?? "", "involvedObject.resourceVersion", d.InvolvedObject?.ResourceVersion ?? "",
                "involvedObject.fieldPath", d.InvolvedObject?.FieldPath ?? "", "source", d.Source?.Component ?? "", "type", d.Type ?? "", "reason", d.Reason ?? ""),
            _ => SmallMap.Of("metadata.name", name, "metadata.namespace", ns),
        };
        return new IndexChange(WatchTypes.Added, name, long.TryParse(m.ResourceVersion, out var rv) ? rv : 0, json, SmallMap.From(m.Labels), fields,
            m.OwnerReferences is { Count: > 0 } owners ? owners.Select(o => o.Uid ?? "").ToArray() : []);
    }

    sealed class Doc
    {
        [JsonPropertyName("metadata")] public Meta? Metadata { get; set; }
        [JsonPropertyName("spec")] public Spec? Spec { get; set; }
        [JsonPropertyName("status")] public Status? Status { get; set; }
        [JsonPropertyName("involvedObject")] public Involved? InvolvedObject { get; set; }
        [JsonPropertyName("source")] public Source? Source { get; set; }
        [JsonPropertyName("type")] public string? Type { get; set; }
        [JsonPropertyName("reason")] public string? Reason { get; set; }
    }

    sealed class Meta
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("namespace")] public string? Namespace { get; set; }
        [JsonPropertyName("resourceVersion")] public string? ResourceVersion { get; set; }
        [JsonPropertyName("labels")] public Dictionary<string, string>? Labels { get; set; }
        [JsonPropertyName("ownerReferences")] public List<Owner>? OwnerReferences { get; set; }
    }

    sealed class Owner { [JsonPropertyName("uid")] public string? Uid { get; set; } }

    sealed class Spec
    {
        [JsonPropertyName("nodeName")] public string? NodeName { get; set; }
        // Only Nodes have it as a boolean; any other kind's "unschedulable" would not be one (none has it).
        [JsonPropertyName("unschedulable")] public bool? Unschedulable { get; set; }
    }

    sealed class Status { [JsonPropertyName("phase")] public string? Phase { get; set; } }

    sealed class Involved
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("kind")] public string? Kind { get; set; }
        [JsonPropertyName("namespace")] public string? Namespace { get; set; }
        [JsonPropertyName("uid")] public string? Uid { get; set; }
        [JsonPropertyName("apiVersion")] public string? ApiVersion { get; set; }
        [JsonPropertyName("resourceVersion")] public string? ResourceVersion { get; set; }
        [JsonPropertyName("fieldPath")] public string? FieldPath { get; set; }
    }

    sealed class Source { [JsonPropertyName("component")] public string? Component { get; set; } }
}
