using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Silo.Api;

/// <summary>
/// OpenAPI v3 component schemas generated from KubernetesClient's models (the same types the server decodes), with
/// descriptions from the package's XML documentation, so that `kubectl explain` works. Top-level kinds carry
/// x-kubernetes-group-version-kind, which is how kubectl finds them.
/// </summary>
public static class OpenApiSchemas
{
    static readonly Lazy<Dictionary<string, string>> Docs = new(LoadDocs);
    static readonly ConcurrentDictionary<(string, string), JsonObject> Cache = new();

    static Dictionary<string, string> LoadDocs()
    {
        var result = new Dictionary<string, string>();
        var path = Path.Combine(AppContext.BaseDirectory, "KubernetesClient.xml");
        if (!File.Exists(path)) return result;
        foreach (var m in XDocument.Load(path).Descendants("member"))
        {
            var name = (string?)m.Attribute("name");
            var summary = m.Element("summary")?.Value;
            if (name != null && summary != null)
                result[name] = string.Join(" ", summary.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }
        return result;
    }

    /// <summary>"V1Container" -> "io.k8s.api.v1.Container": kubectl explain shows the last segment as the type.</summary>
    public static string SchemaName(Type t)
    {
        if (t.Namespace != "k8s.Models") return t.FullName!.Replace('+', '.');
        var m = System.Text.RegularExpressions.Regex.Match(t.Name, "^(V\\d+(?:alpha\\d+|beta\\d+)?|[A-Z][a-z]+v\\d+)([A-Z].*)$");
        return m.Success ? $"io.k8s.api.{m.Groups[1].Value.ToLowerInvariant()}.{m.Groups[2].Value}" : $"io.k8s.api.{t.Name}";
    }

    /// <summary>Schemas for every kind of a group-version and every type they reach.</summary>
    public static JsonObject For(string group, string version)
    {
        var schemas = Builtin(group, version);
        foreach (var c in CustomKinds.All.Where(c => c.Info.Group == group && c.ServedVersions.Contains(version)))
        {
            var schema = c.Schema != null ? (JsonObject)JsonNode.Parse(c.Schema)! : new JsonObject { ["type"] = "object" };
            var props = schema["properties"] as JsonObject ?? (JsonObject)(schema["properties"] = new JsonObject());
            props["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = "APIVersion defines the versioned schema of this representation of an object." };
            props["kind"] = new JsonObject { ["type"] = "string", ["description"] = "Kind is a string value representing the REST resource this object represents." };
            if (!schemas.ContainsKey(SchemaName(typeof(V1ObjectMeta)))) Add(typeof(V1ObjectMeta), schemas);
            props["metadata"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{SchemaName(typeof(V1ObjectMeta))}" }) };
            schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = group, ["kind"] = c.Info.Kind, ["version"] = version });
            schemas[CustomSchemaName(group, version, c.Info.Kind)] = schema;
        }
        return schemas;
    }

    /// <summary>"stable.example.com", "v1", "CronTab" -> "com.example.stable.v1.CronTab", as the API server names them.</summary>
    public static string CustomSchemaName(string group, string version, string kind) => $"{string.Join('.', group.Split('.').Reverse())}.{version}.{kind}";

    static JsonObject Builtin(string group, string version) => (JsonObject)Cache.GetOrAdd((group, version), key =>
    {
        var schemas = new JsonObject();
        foreach (var kind in Kinds.Builtin.Where(k => k.Group == key.Item1 && k.Version == key.Item2))
        {
            Add(kind.ModelType, schemas);
            ((JsonObject)schemas[SchemaName(kind.ModelType)]!)["x-kubernetes-group-version-kind"] =
                new JsonArray(new JsonObject { ["group"] = kind.Group, ["kind"] = kind.Kind, ["version"] = kind.Version });
        }
        return schemas;
    }).DeepClone();

    static void Add(Type t, JsonObject schemas)
    {
        var name = SchemaName(t);
        if (schemas.ContainsKey(name)) return;
        var props = new JsonObject();
        var schema = new JsonObject { ["type"] = "object", ["properties"] = props };
        schemas[name] = schema;
        if (Docs.Value.TryGetValue($"T:{t.FullName}", out var d)) schema["description"] = d;
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var json = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (json == null) continue;
            var ps = Property(p.PropertyType, schemas);
            if (Docs.Value.TryGetValue($"P:{t.FullName}.{p.Name}", out var pd)) ps["description"] = pd;
            props[json] = ps;
        }
    }

    static JsonObject Property(Type t, JsonObject schemas)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        if (u == typeof(string)) return new() { ["type"] = "string" };
        if (u == typeof(int)) return new() { ["type"] = "integer", ["format"] = "int32" };
        if (u == typeof(long)) return new() { ["type"] = "integer", ["format"] = "int64" };
        if (u == typeof(bool)) return new() { ["type"] = "boolean" };
        if (u == typeof(double) || u == typeof(float)) return new() { ["type"] = "number", ["format"] = "double" };
        if (u == typeof(DateTime) || u == typeof(DateTimeOffset)) return new() { ["type"] = "string", ["format"] = "date-time" };
        if (u == typeof(byte[])) return new() { ["type"] = "string", ["format"] = "byte" };
        if (u == typeof(IntOrString)) return new() { ["x-kubernetes-int-or-string"] = true, ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }) };
        if (u == typeof(ResourceQuantity)) return new() { ["type"] = "string", ["description"] = "Quantity is a fixed-point representation of a number (e.g. 500m, 64Mi)." };
        if (u == typeof(object)) return new() { ["type"] = "object" };
        var dict = u.GetInterfaces().Append(u).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dict != null) return new() { ["type"] = "object", ["additionalProperties"] = Property(dict.GetGenericArguments()[1], schemas) };
        var list = u.GetInterfaces().Append(u).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (list != null && u != typeof(string)) return new() { ["type"] = "array", ["items"] = Property(list.GetGenericArguments()[0], schemas) };
        if (u.IsClass && u.Namespace == "k8s.Models")
        {
            Add(u, schemas);
            return new() { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{SchemaName(u)}" }) };
        }
        return new() { ["type"] = "object" };
    }
}
