using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Cluster.Interfaces.Api;

/// <summary>
/// An object of a kind a CustomResourceDefinition registered: typed metadata, and spec, status and any other
/// top-level field kept as JSON (the CRD's schema, not a .NET type, says what they hold).
/// </summary>
public sealed class CustomObject : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public JsonNode? Spec { get; set; }
    [JsonPropertyName("status")] public JsonNode? Status { get; set; }
    /// <summary>Top-level fields other than the above (a CRD's schema may declare any).</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}
