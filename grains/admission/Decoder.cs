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
        // Most bodies are sound (every pod a controller creates): one forward read says so without building a
        // document. Anything it doubts goes the long way, which names the problem.
        JsonObject? o = null;
        if (!Sound(json, out var apiVersion, out var k))
        {
            JsonNode? node;
            try { node = Store.Objects.ParseJson(json); }
            catch (JsonException e) { return (null, ApiResult.BadRequest($"the body of the request was in an unknown format: {e.Message}")); }
            o = node as JsonObject;
            if (o == null) return (null, ApiResult.BadRequest("the body of the request must be a JSON object"));
            apiVersion = o["apiVersion"]?.GetValueKind() == JsonValueKind.String ? (string?)o["apiVersion"] : null;
            k = o["kind"]?.GetValueKind() == JsonValueKind.String ? (string?)o["kind"] : null;
        }
        if (string.IsNullOrEmpty(k)) return (null, ApiResult.BadRequest("Object 'Kind' is missing in the request body"));
        if (string.IsNullOrEmpty(apiVersion)) return (null, ApiResult.BadRequest($"Object 'apiVersion' is missing in the request body"));
        if (k != kind.Kind || apiVersion != kind.ApiVersion && !(kind.IsCustom && CustomKinds.ByVersion(apiVersion, k) != null))
            return (null, ApiResult.BadRequest($"the API version in the data ({apiVersion}) and kind ({k}) do not match the {kind.ApiVersion} {kind.Kind} being written"));
        if (o != null && BadQuantity(o, "") is { } bad)
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

    /// <summary>
    /// True when the body is one JSON object with no field twice in any object and every quantity under a
    /// resources' limits or requests parses; also its top-level apiVersion and kind when they are strings. False on
    /// any doubt (the caller then takes the document path, whose errors name the problem).
    /// </summary>
    public static bool Sound(string json, out string? apiVersion, out string? kind)
    {
        apiVersion = kind = null;
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        // Per open container: its field names (null for arrays), the field it is the value of, whether it is a quantity map.
        var fields = new List<HashSet<string>?>();
        var names = new List<string?>();
        var quantities = new List<bool>();
        string? field = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            fields.Add([]); names.Add(null); quantities.Add(false);
            while (reader.Read())
            {
                var inQuantities = quantities[^1];
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (inQuantities) return false;
                        var isObject = reader.TokenType == JsonTokenType.StartObject;
                        // BadQuantity's rule: limits or requests, as an object, in an object whose path ends with "resources".
                        var quantityMap = isObject && field is "limits" or "requests" && fields[^1] != null && names[^1]?.EndsWith("resources") == true;
                        fields.Add(isObject ? [] : null); names.Add(field); quantities.Add(quantityMap);
                        field = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        fields.RemoveAt(fields.Count - 1); names.RemoveAt(names.Count - 1); quantities.RemoveAt(quantities.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        field = reader.GetString()!;
                        if (!fields[^1]!.Add(field)) return false;
                        break;
                    default:
                        if (inQuantities)
                        {
                            var text = reader.TokenType switch
                            {
                                JsonTokenType.String => reader.GetString(),
                                JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                                _ => null,
                            };
                            if (text == null) return false;
                            try { _ = new ResourceQuantity(text).ToDecimal(); } catch (Exception) { return false; }
                        }
                        else if (fields.Count == 1 && reader.TokenType == JsonTokenType.String)
                        {
                            if (field == "apiVersion") apiVersion = reader.GetString();
                            else if (field == "kind") kind = reader.GetString();
                        }
                        field = null;
                        break;
                }
                if (fields.Count == 0) return !reader.Read(); // one value only: nothing may follow the object
            }
            return false;
        }
        catch (JsonException) { return false; }
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
