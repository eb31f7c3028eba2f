using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cluster.Printing;

/// <summary>
/// Tables for custom kinds as the API server prints them: NAME and AGE by default, or NAME and the definition's
/// additionalPrinterColumns (jsonPath cells; "date" columns as an age; priority above 0 only with -o wide).
/// </summary>
public static partial class CustomColumns
{
    public sealed record Column(string Name, string Type, string JsonPath, int Priority);

    public static (IReadOnlyList<string> Headers, IReadOnlyList<int> Priorities, IReadOnlyList<IReadOnlyList<string>> Rows) Table(
        IReadOnlyList<Column> columns, IReadOnlyList<JsonNode> objects, bool wide, DateTime nowUtc)
    {
        var cols = columns.Count == 0 ? [new Column("Age", "date", ".metadata.creationTimestamp", 0)] : columns.Where(c => wide || c.Priority == 0).ToList();
        var headers = new List<string> { "NAME" };
        headers.AddRange(cols.Select(c => c.Name.ToUpperInvariant()));
        var priorities = new List<int> { 0 };
        priorities.AddRange(cols.Select(c => c.Priority));
        var rows = objects.Select(o =>
        {
            var row = new List<string> { (string?)o["metadata"]?["name"] ?? "" };
            row.AddRange(cols.Select(c => Cell(c, o, nowUtc)));
            return (IReadOnlyList<string>)row;
        }).ToList();
        return (headers, priorities, rows);
    }

    static string Cell(Column c, JsonNode obj, DateTime now)
    {
        var values = Evaluate(obj, c.JsonPath);
        if (values.Count == 0 || values.All(v => v == null)) return "<none>";
        if (c.Type == "date")
            return values[0] is JsonValue d && DateTime.TryParse((string?)d, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
                ? Age.Since(t, now) : "<invalid>";
        return string.Join(",", values.Select(Text));
    }

    static string Text(JsonNode? v) => v switch
    {
        null => "<none>",
        JsonValue j when j.GetValueKind() == JsonValueKind.String => j.GetValue<string>(),
        _ => v.ToJsonString(),
    };

    [GeneratedRegex(@"\.?([^.\[\]]+)|\[(\d+|\*)\]|\['([^']+)'\]")] private static partial Regex Segment();

    /// <summary>The values a simple JSONPath (".spec.replicas", ".status.conditions[0].type", "[*]") selects.</summary>
    public static List<JsonNode?> Evaluate(JsonNode root, string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}')) p = p[1..^1];
        var current = new List<JsonNode?> { root };
        foreach (Match m in Segment().Matches(p))
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                if (m.Groups[1].Success || m.Groups[3].Success)
                {
                    var key = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[3].Value;
                    if (node is JsonObject o && o.TryGetPropertyValue(key, out var child)) next.Add(child);
                }
                else if (node is JsonArray a)
                {
                    if (m.Groups[2].Value == "*") next.AddRange(a);
                    else if (int.Parse(m.Groups[2].Value) is var i && i < a.Count) next.Add(a[i]);
                }
            }
            current = next;
        }
        return current;
    }
}
