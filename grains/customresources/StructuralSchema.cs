using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cluster.Interfaces.Api;

namespace Cluster.Grains.CustomResources;

/// <summary>
/// A CustomResourceDefinition's openAPIV3Schema applied to an object as the API server does it: unknown fields are
/// pruned (unless x-kubernetes-preserve-unknown-fields), defaults filled in, then the value validated, with
/// Kubernetes' messages ("spec.replicas in body must be of type integer: \"two\"").
/// apiVersion, kind and metadata belong to the server and are neither pruned nor validated here.
/// </summary>
public static class StructuralSchema
{
    static readonly string[] ServerFields = ["apiVersion", "kind", "metadata"];

    /// <summary>Removes fields the schema does not declare; returns their paths (kubectl's strict validation reports them).</summary>
    public static List<string> Prune(JsonObject obj, JsonObject schema)
    {
        var pruned = new List<string>();
        PruneObject(obj, schema, "", pruned, root: true);
        return pruned;
    }

    /// <summary>Fills in declared defaults for absent fields (objects that are present, recursively).</summary>
    public static void Default(JsonObject obj, JsonObject schema) => DefaultNode(obj, schema, root: true);

    public static List<StatusCause> Validate(JsonObject obj, JsonObject schema)
    {
        var errors = new List<StatusCause>();
        if (schema["properties"] is JsonObject props)
            foreach (var (name, sub) in props)
                if (!ServerFields.Contains(name) && sub is JsonObject s && obj.TryGetPropertyValue(name, out var v))
                    Check(v, s, name, errors);
        if (schema["required"] is JsonArray req)
            foreach (var r in req.Select(x => (string?)x))
                if (r != null && !ServerFields.Contains(r) && !obj.ContainsKey(r)) errors.Add(new("FieldValueRequired", "Required value", r));
        return errors;
    }

    // ------------------------------------------------------------------ pruning

    static bool Preserves(JsonObject s) => s["x-kubernetes-preserve-unknown-fields"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    static void PruneObject(JsonObject obj, JsonObject schema, string path, List<string> pruned, bool root = false)
    {
        var props = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        foreach (var name in obj.Select(kv => kv.Key).ToList())
        {
            if (root && ServerFields.Contains(name)) continue;
            var p = path.Length == 0 ? name : $"{path}.{name}";
            if (props?[name] is JsonObject sub) { PruneNode(obj[name], sub, p, pruned); continue; }
            if (additional is JsonObject addSchema) { PruneNode(obj[name], addSchema, p, pruned); continue; }
            if (additional is JsonValue av && av.TryGetValue<bool>(out var allow) && allow) continue;
            if (Preserves(schema)) continue;
            obj.Remove(name);
            pruned.Add(p);
        }
    }

    static void PruneNode(JsonNode? node, JsonObject schema, string path, List<string> pruned)
    {
        switch (node)
        {
            case JsonObject o:
                PruneObject(o, schema, path, pruned);
                break;
            case JsonArray a when schema["items"] is JsonObject items:
                for (var i = 0; i < a.Count; i++) PruneNode(a[i], items, $"{path}[{i}]", pruned);
                break;
        }
    }

    // ------------------------------------------------------------------ defaulting

    static void DefaultNode(JsonNode? node, JsonObject schema, bool root = false)
    {
        switch (node)
        {
            case JsonObject o:
                if (schema["properties"] is JsonObject props)
                    foreach (var (name, sub) in props)
                    {
                        if (root && ServerFields.Contains(name) || sub is not JsonObject s) continue;
                        if (!o.ContainsKey(name) && s["default"] is { } d) o[name] = d.DeepClone();
                        if (o[name] is { } child) DefaultNode(child, s);
                    }
                else if (schema["additionalProperties"] is JsonObject add)
                    foreach (var (_, v) in o.ToList()) DefaultNode(v, add);
                break;
            case JsonArray a when schema["items"] is JsonObject items:
                foreach (var v in a) DefaultNode(v, items);
                break;
        }
    }

    // ------------------------------------------------------------------ validation

    static void Check(JsonNode? v, JsonObject s, string path, List<StatusCause> errors)
    {
        var type = (string?)(s["type"] as JsonValue);
        var intOrString = s["x-kubernetes-int-or-string"] is JsonValue ios && ios.TryGetValue<bool>(out var b) && b;
        if (v == null)
        {
            if (s["nullable"] is JsonValue n && n.TryGetValue<bool>(out var nb) && nb) return;
            if (type != null) errors.Add(TypeError(path, "null", type));
            return;
        }
        var kind = v.GetValueKind();
        if (intOrString)
        {
            if (!(kind == JsonValueKind.String || IsInteger(v)))
                errors.Add(new("FieldValueInvalid", $"Invalid value: {Show(v)}: {path} in body must be of type integer,string: {Type(v)}", path));
        }
        else if (type != null && !OfType(v, type)) { errors.Add(TypeError(path, Show(v), type, Type(v))); return; }

        if (s["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, v)))
            errors.Add(new("FieldValueNotSupported", $"Unsupported value: {Show(v)}: supported values: {string.Join(", ", allowed.Select(a => a?.ToJsonString()))}", path));

        switch (kind)
        {
            case JsonValueKind.Number:
                var d = v.GetValue<double>();
                if (Num(s, "maximum") is { } max && (Flag(s, "exclusiveMaximum") ? d >= max : d > max))
                    errors.Add(Invalid(path, v, $"{path} in body should be less than {(Flag(s, "exclusiveMaximum") ? "" : "or equal to ")}{Fmt(max)}"));
                if (Num(s, "minimum") is { } min && (Flag(s, "exclusiveMinimum") ? d <= min : d < min))
                    errors.Add(Invalid(path, v, $"{path} in body should be greater than {(Flag(s, "exclusiveMinimum") ? "" : "or equal to ")}{Fmt(min)}"));
                if (Num(s, "multipleOf") is { } mul && mul != 0 && Math.Abs(d / mul - Math.Round(d / mul)) > 1e-9)
                    errors.Add(Invalid(path, v, $"{path} in body should be a multiple of {Fmt(mul)}"));
                break;
            case JsonValueKind.String:
                var str = v.GetValue<string>();
                var runes = str.EnumerateRunes().Count();
                if (Num(s, "maxLength") is { } maxLen && runes > maxLen)
                    errors.Add(new("FieldValueTooLong", $"Too long: may not be more than {Fmt(maxLen)} bytes", path));
                if (Num(s, "minLength") is { } minLen && runes < minLen)
                    errors.Add(Invalid(path, v, $"{path} in body should be at least {Fmt(minLen)} chars long"));
                if ((string?)(s["pattern"] as JsonValue) is { } pattern && !Matches(pattern, str))
                    errors.Add(Invalid(path, v, $"{path} in body should match '{pattern}'"));
                break;
            case JsonValueKind.Array:
                var arr = v.AsArray();
                if (Num(s, "maxItems") is { } maxItems && arr.Count > maxItems)
                    errors.Add(new("FieldValueTooMany", $"Too many: {arr.Count}: must have at most {Fmt(maxItems)} items", path));
                if (Num(s, "minItems") is { } minItems && arr.Count < minItems)
                    errors.Add(Invalid(path, v, $"{path} in body should have at least {Fmt(minItems)} items"));
                if (s["items"] is JsonObject items)
                    for (var i = 0; i < arr.Count; i++) Check(arr[i], items, $"{path}[{i}]", errors);
                break;
            case JsonValueKind.Object:
                var obj = v.AsObject();
                var props = s["properties"] as JsonObject;
                foreach (var (name, child) in obj)
                {
                    var p = $"{path}.{name}";
                    if (props?[name] is JsonObject cs) Check(child, cs, p, errors);
                    else if (s["additionalProperties"] is JsonObject add) Check(child, add, p, errors);
                }
                if (s["required"] is JsonArray req)
                    foreach (var r in req.Select(x => (string?)x))
                        if (r != null && !obj.ContainsKey(r)) errors.Add(new("FieldValueRequired", "Required value", $"{path}.{r}"));
                if (Num(s, "maxProperties") is { } maxP && obj.Count > maxP)
                    errors.Add(new("FieldValueTooMany", $"Too many: {obj.Count}: must have at most {Fmt(maxP)} items", path));
                if (Num(s, "minProperties") is { } minP && obj.Count < minP)
                    errors.Add(Invalid(path, v, $"{path} in body should have at least {Fmt(minP)} properties"));
                break;
        }
    }

    static StatusCause TypeError(string path, string shown, string type, string? actual = null) =>
        new("FieldValueInvalid", $"Invalid value: {shown}: {path} in body must be of type {type}: {actual ?? shown}", path);
    static StatusCause Invalid(string path, JsonNode v, string detail) => new("FieldValueInvalid", $"Invalid value: {Show(v)}: {detail}", path);

    static bool IsInteger(JsonNode v) => v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() is var d && Math.Floor(d) == d && !double.IsInfinity(d);

    static bool OfType(JsonNode v, string type) => type switch
    {
        "object" => v is JsonObject,
        "array" => v is JsonArray,
        "string" => v.GetValueKind() == JsonValueKind.String,
        "boolean" => v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "integer" => IsInteger(v),
        "number" => v.GetValueKind() == JsonValueKind.Number,
        _ => true,
    };

    /// <summary>The JSON type Kubernetes names in its messages.</summary>
    static string Type(JsonNode v) => v.GetValueKind() switch
    {
        JsonValueKind.Object => "\"object\"", JsonValueKind.Array => "\"array\"", JsonValueKind.String => "\"string\"",
        JsonValueKind.True or JsonValueKind.False => "\"boolean\"", JsonValueKind.Number => IsInteger(v) ? "\"integer\"" : "\"number\"",
        _ => "\"null\"",
    };

    static string Show(JsonNode? v) => v switch
    {
        null => "\"null\"",
        JsonValue j when j.GetValueKind() == JsonValueKind.String => $"\"{j.GetValue<string>()}\"",
        JsonObject or JsonArray => $"\"{v.ToJsonString()}\"",
        _ => v.ToJsonString(),
    };

    static double? Num(JsonObject s, string name) => s[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
    static bool Flag(JsonObject s, string name) => s[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
    static string Fmt(double d) => d.ToString(CultureInfo.InvariantCulture);

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex?> Patterns = new();
    static bool Matches(string pattern, string value)
    {
        var re = Patterns.GetOrAdd(pattern, p =>
        {
            try { return new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)); }
            catch (ArgumentException) { return null; }
        });
        try { return re == null || re.IsMatch(value); }
        catch (RegexMatchTimeoutException) { return false; }
    }
}
