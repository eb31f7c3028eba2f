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
    /// any doubt (the caller then takes the document path, whose errors name the problem): escaped field names, and
    /// objects of more than <see cref="FieldsCompared"/> fields (a large map), are doubts.
    /// </summary>
    // Field names are compared as the body's own bytes, not as strings in a set per object: every pod a controller
    // creates comes through here, and the strings and sets were 3% of what the scheduling benchmark allocated.
    public static bool Sound(string json, out string? apiVersion, out string? kind)
    {
        using var utf8 = new Store.PooledUtf8(json);
        return Sound(utf8.Bytes, out apiVersion, out kind);
    }

    /// <summary>The most fields of one object whose names are compared with each other; more is a doubt.</summary>
    public const int FieldsCompared = 64;

    /// <summary>An open object or array: whether an object, whether the field it is the value of ends with "resources",
    /// whether it is a quantity map, and where its field names start in the list of names.</summary>
    record struct Open(bool IsObject, bool Resources, bool Quantities, int FirstName);

    sealed class Scratch { public readonly List<Open> Opens = []; public readonly List<(int Start, int Length)> Names = []; }
    [ThreadStatic] static Scratch? _scratch;

    static bool Sound(ReadOnlySpan<byte> body, out string? apiVersion, out string? kind)
    {
        apiVersion = kind = null;
        var reader = new Utf8JsonReader(body);
        var scratch = _scratch ??= new Scratch();
        var (opens, names) = (scratch.Opens, scratch.Names);
        opens.Clear(); names.Clear();
        // The pending field (the one whose value comes next): limits or requests, ends with "resources", apiVersion, kind.
        bool limitsOrRequests = false, resources = false, isApiVersion = false, isKind = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            opens.Add(new Open(true, false, false, 0));
            while (reader.Read())
            {
                var open = opens[^1];
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (open.Quantities) return false;
                        var isObject = reader.TokenType == JsonTokenType.StartObject;
                        // BadQuantity's rule: limits or requests, as an object, in an object whose path ends with "resources".
                        opens.Add(new Open(isObject, resources, isObject && limitsOrRequests && open.IsObject && open.Resources, names.Count));
                        limitsOrRequests = resources = isApiVersion = isKind = false;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        names.RemoveRange(open.FirstName, names.Count - open.FirstName);
                        opens.RemoveAt(opens.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        if (reader.ValueIsEscaped || reader.HasValueSequence) return false;
                        var name = reader.ValueSpan;
                        var at = (int)reader.TokenStartIndex + 1; // past the opening quote
                        if (names.Count - open.FirstName >= FieldsCompared) return false;
                        for (var i = open.FirstName; i < names.Count; i++)
                            if (body.Slice(names[i].Start, names[i].Length).SequenceEqual(name)) return false;
                        names.Add((at, name.Length));
                        limitsOrRequests = name.SequenceEqual("limits"u8) || name.SequenceEqual("requests"u8);
                        resources = name.EndsWith("resources"u8);
                        isApiVersion = opens.Count == 1 && name.SequenceEqual("apiVersion"u8);
                        isKind = opens.Count == 1 && name.SequenceEqual("kind"u8);
                        break;
                    default:
                        if (open.Quantities)
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
                        else if (reader.TokenType == JsonTokenType.String)
                        {
                            if (isApiVersion) apiVersion = reader.GetString();
                            else if (isKind) kind = reader.GetString();
                        }
                        limitsOrRequests = resources = isApiVersion = isKind = false;
                        break;
                }
                if (opens.Count == 0) return !reader.Read(); // one value only: nothing may follow the object
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
