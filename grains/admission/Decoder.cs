using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Interfaces.Api;
using k8s;
using k8s.Models;

namespace Cluster.Grains.Admission;

/// <summary>Turns request JSON into a typed object of the expected kind, or a 400 naming what is wrong.</summary>
public static class Decoder
{
    public static (IKubernetesObject<V1ObjectMeta>? Obj, ApiResult? Error) Decode(string json, KindInfo kind)
    {
        JsonNode? node;
        try { node = Store.Objects.ParseJson(json); }
        catch (JsonException e) { return (null, ApiResult.BadRequest($"the body of the request was in an unknown format: {e.Message}")); }
        if (node is not JsonObject o) return (null, ApiResult.BadRequest("the body of the request must be a JSON object"));
        var apiVersion = o["apiVersion"]?.GetValueKind() == JsonValueKind.String ? (string?)o["apiVersion"] : null;
        var k = o["kind"]?.GetValueKind() == JsonValueKind.String ? (string?)o["kind"] : null;
        if (string.IsNullOrEmpty(k)) return (null, ApiResult.BadRequest("Object 'Kind' is missing in the request body"));
        if (string.IsNullOrEmpty(apiVersion)) return (null, ApiResult.BadRequest($"Object 'apiVersion' is missing in the request body"));
        if (k != kind.Kind || apiVersion != kind.ApiVersion && !(kind.IsCustom && CustomKinds.ByVersion(apiVersion, k) != null))
            return (null, ApiResult.BadRequest($"the API version in the data ({apiVersion}) and kind ({k}) do not match the {kind.ApiVersion} {kind.Kind} being written"));
        if (BadQuantity(o, "") is { } bad)
            return (null, ApiResult.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: {bad}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
        try
        {
            var obj = kind.Deserialize(json);
            obj.Metadata ??= new V1ObjectMeta();
            return (obj, null);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or NotSupportedException or OverflowException)
        {
            var path = (e as JsonException)?.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : null;
            var inner = e.InnerException ?? e;
            var why = inner is FormatException && inner.Message.Contains("fraction")
                ? "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
                : Clean(inner.Message);
            return (null, ApiResult.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: {(path != null ? path + ": " : "")}{why}"));
        }
    }

    /// <summary>The path of the first resource quantity that does not parse (the model's converter would throw without one).</summary>
    static string? BadQuantity(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var p = path.Length == 0 ? key : $"{path}.{key}";
                    if ((key is "limits" or "requests") && path.EndsWith("resources") && value is JsonObject q)
                    {
                        foreach (var (name, v) in q)
                        {
                            var text = v?.GetValueKind() switch { JsonValueKind.String => (string?)v, JsonValueKind.Number => v!.ToJsonString(), _ => null };
                            try { if (text == null) return $"{p}.{name}"; _ = new ResourceQuantity(text).ToDecimal(); }
                            catch (Exception) { return $"{p}.{name}"; }
                        }
                    }
                    else if (BadQuantity(value, p) is { } found) return found;
                }
                return null;
            case JsonArray arr:
                for (var i = 0; i < arr.Count; i++)
                    if (BadQuantity(arr[i], $"{path}[{i}]") is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    static string Clean(string m) => m.Replace("\r", " ").Replace("\n", " ");
}
