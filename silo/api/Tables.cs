using System.Text.Json.Nodes;
using Cluster.Interfaces.Api;
using Cluster.Printing;
using k8s;
using k8s.Models;

namespace Cluster.Silo.Api;

/// <summary>
/// meta.k8s.io/v1 Table responses, with the same columns and cells the CLI prints (one printing library for both):
/// the wide-only columns carry priority 1, and each row carries its object's metadata for -A and --show-labels.
/// </summary>
public static class Tables
{
    public static bool Wanted(string? accept) => accept != null && accept.Contains("as=Table");

    public static JsonObject Build(KindInfo kind, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, string resourceVersion, string? continueToken = null, bool columns = true)
    {
        var now = DateTime.UtcNow;
        if (kind.IsCustom) return Custom(kind, objects, resourceVersion, continueToken, columns, now);
        var list = objects.Cast<object>().ToList();
        var (narrow, _) = Columns.Table(kind.Kind, list, wide: false, allNamespaces: false, showLabels: false, now);
        var (headers, rows) = Columns.Table(kind.Kind, list, wide: true, allNamespaces: false, showLabels: false, now);
        var defs = new JsonArray();
        foreach (var h in headers)
            defs.Add(new JsonObject
            {
                ["name"] = Title(h), ["type"] = "string", ["format"] = h == "NAME" ? "name" : "",
                ["description"] = "", ["priority"] = narrow.Contains(h) ? 0 : 1,
            });
        return Assemble(objects, rows, defs, resourceVersion, continueToken, columns);
    }

    static JsonObject Custom(KindInfo kind, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, string resourceVersion, string? continueToken, bool columns, DateTime now)
    {
        var cols = (CustomKinds.Get(kind.Kind)?.Columns ?? []).Select(c => new CustomColumns.Column(c.Name, c.Type, c.JsonPath, c.Priority)).ToList();
        var nodes = objects.Select(o => JsonNode.Parse(KubernetesJson.Serialize(o))!).ToList();
        var (headers, priorities, rows) = CustomColumns.Table(cols, nodes, wide: true, now);
        var defs = new JsonArray();
        for (var i = 0; i < headers.Count; i++)
            defs.Add(new JsonObject
            {
                ["name"] = i == 0 ? "Name" : cols.Count == 0 ? "Age" : cols[i - 1].Name,
                ["type"] = i == 0 ? "string" : cols.Count == 0 ? "date" : cols[i - 1].Type,
                ["format"] = i == 0 ? "name" : "", ["description"] = "", ["priority"] = priorities[i],
            });
        return Assemble(objects, rows, defs, resourceVersion, continueToken, columns);
    }

    static JsonObject Assemble(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, IReadOnlyList<IReadOnlyList<string>> rows, JsonArray defs,
        string resourceVersion, string? continueToken, bool columns)
    {
        var jrows = new JsonArray();
        for (var i = 0; i < rows.Count; i++)
        {
            var meta = JsonNode.Parse(KubernetesJson.Serialize(objects[i].Metadata));
            jrows.Add(new JsonObject
            {
                ["cells"] = new JsonArray(rows[i].Select(c => (JsonNode?)c).ToArray()),
                ["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = meta },
            });
        }
        var table = new JsonObject
        {
            ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
        };
        if (continueToken != null) table["metadata"]!["continue"] = continueToken;
        if (columns) table["columnDefinitions"] = defs;
        table["rows"] = jrows;
        return table;
    }

    /// <summary>"UP-TO-DATE" -> "Up-to-date", "CLUSTER-IP" -> "Cluster-IP": the names a real server sends (kubectl upper-cases them).</summary>
    static string Title(string h) => h switch
    {
        "CLUSTER-IP" => "Cluster-IP", "EXTERNAL-IP" => "External-IP", "INTERNAL-IP" => "Internal-IP", "IP" => "IP",
        "PORT(S)" => "Port(s)", "OS-IMAGE" => "OS-Image",
        _ => h.Length == 0 ? h : h[0] + h[1..].ToLowerInvariant(),
    };
}
