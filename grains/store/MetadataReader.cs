using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Cluster.Grains.Store;

/// <summary>
/// An object's identity and owners (and an Event's last time) read from its JSON without decoding the object. The
/// garbage collector's sweep looks at every namespaced object each minute (150,000 pods and twice as many Events):
/// decoding each whole was seconds of CPU a minute.
/// </summary>
public static class MetadataReader
{
    public sealed record Meta(string Name, string Uid, V1OwnerReference? Controller, DateTime? CreationTimestamp, DateTime? LastTimestamp);

    /// <summary>The object's metadata; null when the JSON does not read so (the caller decodes it whole).</summary>
    public static Meta? Read(string json)
    {
        Doc d;
        try { d = JsonSerializer.Deserialize<Doc>(json)!; }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException) { return null; }
        var m = d.Metadata ?? new DocMeta();
        var c = m.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        return new Meta(m.Name ?? "", m.Uid ?? "",
            c == null ? null : new V1OwnerReference { ApiVersion = c.ApiVersion, Kind = c.Kind, Name = c.Name, Uid = c.Uid, Controller = true },
            m.CreationTimestamp, d.LastTimestamp);
    }

    sealed class Doc
    {
        [JsonPropertyName("metadata")] public DocMeta? Metadata { get; set; }
        [JsonPropertyName("lastTimestamp")] public DateTime? LastTimestamp { get; set; }
    }

    sealed class DocMeta
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("uid")] public string? Uid { get; set; }
        [JsonPropertyName("creationTimestamp")] public DateTime? CreationTimestamp { get; set; }
        [JsonPropertyName("ownerReferences")] public List<Owner>? OwnerReferences { get; set; }
    }

    sealed class Owner
    {
        [JsonPropertyName("apiVersion")] public string? ApiVersion { get; set; }
        [JsonPropertyName("kind")] public string? Kind { get; set; }
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("uid")] public string? Uid { get; set; }
        [JsonPropertyName("controller")] public bool? Controller { get; set; }
    }
}
