using System.Text.Json.Nodes;
using Cluster.Interfaces.Api;
using Cluster.Silo.Api.Patching;

namespace Cluster.Silo.Api;

/// <summary>
/// Field ownership as server-side apply keeps it in metadata.managedFields: which manager set which field, by
/// apply or by update. An apply that would change a field another manager owns is a conflict unless forced; an
/// update simply takes ownership of what it changed. Fields are leaves named as FieldsV1 names them.
/// </summary>
public static class ManagedFields
{
    public sealed record Entry(string Manager, string Operation, string ApiVersion, HashSet<string> Paths);
    public sealed record Conflict(string Manager, string ApiVersion, string Display);

    public static List<Entry> Read(JsonObject obj)
    {
        var result = new List<Entry>();
        if (obj["metadata"]?["managedFields"] is not JsonArray arr) return result;
        foreach (var e in arr.OfType<JsonObject>())
        {
            var paths = new HashSet<string>();
            if (e["fieldsV1"] is JsonObject f) Flatten(f, [], paths);
            result.Add(new Entry((string?)e["manager"] ?? "", (string?)e["operation"] ?? "Update", (string?)e["apiVersion"] ?? "", paths));
        }
        return result;
    }

    static void Flatten(JsonObject node, List<string> prefix, HashSet<string> into)
    {
        foreach (var (k, v) in node)
        {
            if (k == ".") continue;
            var path = new List<string>(prefix) { k };
            if (v is JsonObject child && child.Count > 0 && !(child.Count == 1 && child.ContainsKey("."))) Flatten(child, path, into);
            else into.Add(string.Join('\u0001', path));
        }
    }

    static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var p in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var seg in p.Split('\u0001'))
            {
                if (node[seg] is not JsonObject next) { next = new JsonObject(); node[seg] = next; }
                node = next;
            }
        }
        return root;
    }

    public static void Write(JsonObject obj, IEnumerable<Entry> entries)
    {
        var meta = (JsonObject)(obj["metadata"] ??= new JsonObject());
        var arr = new JsonArray();
        foreach (var e in entries.Where(e => e.Paths.Count > 0))
            arr.Add(new JsonObject
            {
                ["manager"] = e.Manager, ["operation"] = e.Operation, ["apiVersion"] = e.ApiVersion,
                ["time"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), ["fieldsType"] = "FieldsV1", ["fieldsV1"] = ToFieldsV1(e.Paths),
            });
        if (arr.Count > 0) meta["managedFields"] = arr; else meta.Remove("managedFields");
    }

    static Dictionary<string, (string Display, JsonNode? Value)> Leaves(JsonObject obj, string kind) =>
        StrategicMergePatch.Leaves(obj, kind).GroupBy(l => l.Path).ToDictionary(g => g.Key, g => (g.First().Display, g.First().Value));

    /// <summary>Apply by <paramref name="manager"/>: the conflicts (when not forced), and the object's new managedFields.</summary>
    public static IReadOnlyList<Conflict> Apply(JsonObject live, JsonObject merged, JsonObject config, KindInfo kind, string manager, bool force)
    {
        var entries = Read(live);
        var applied = Leaves(config, kind.Kind);
        var current = Leaves(live, kind.Kind);
        var conflicts = new List<Conflict>();
        foreach (var e in entries.Where(e => e.Manager != manager))
            foreach (var p in e.Paths)
                if (applied.TryGetValue(p, out var a) && current.TryGetValue(p, out var c) && !JsonNode.DeepEquals(a.Value, c.Value))
                    conflicts.Add(new Conflict(e.Manager, e.ApiVersion, a.Display));
        if (conflicts.Count > 0 && !force) return conflicts;
        foreach (var e in entries.Where(e => e.Manager != manager)) e.Paths.ExceptWith(applied.Keys.Where(p => conflicts.Any(c => applied[p].Display == c.Display)));
        entries.RemoveAll(e => e.Manager == manager && e.Operation == "Apply");
        entries.Add(new Entry(manager, "Apply", kind.ApiVersion, new HashSet<string>(applied.Keys)));
        Write(merged, entries);
        return [];
    }

    /// <summary>An update (create, put, patch) by <paramref name="manager"/> owns the fields it set or changed.</summary>
    public static void Update(JsonObject? before, JsonObject after, KindInfo kind, string manager)
    {
        var entries = before == null ? [] : Read(before);
        var now = Leaves(after, kind.Kind);
        var old = before == null ? new() : Leaves(before, kind.Kind);
        var changed = now.Where(kv => !old.TryGetValue(kv.Key, out var o) || !JsonNode.DeepEquals(o.Value, kv.Value.Value)).Select(kv => kv.Key).ToHashSet();
        if (changed.Count == 0 && before != null) { Write(after, entries); return; }
        foreach (var e in entries) { e.Paths.ExceptWith(changed); e.Paths.IntersectWith(now.Keys); }
        var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update");
        if (mine == null) entries.Add(mine = new Entry(manager, "Update", kind.ApiVersion, []));
        mine.Paths.UnionWith(changed);
        Write(after, entries);
    }

    public static ApiResult ConflictResult(KindInfo kind, string name, IReadOnlyList<Conflict> conflicts)
    {
        string message;
        if (conflicts.Count == 1)
            message = $"Apply failed with 1 conflict: conflict with \"{conflicts[0].Manager}\" using {conflicts[0].ApiVersion}: {conflicts[0].Display}";
        else
            message = $"Apply failed with {conflicts.Count} conflicts: " + string.Join("\n", conflicts.GroupBy(c => (c.Manager, c.ApiVersion))
                .Select(g => $"conflicts with \"{g.Key.Manager}\" using {g.Key.ApiVersion}:\n" + string.Join("\n", g.Select(c => $"- {c.Display}"))));
        return new ApiResult(409, "Conflict", message, null,
            conflicts.Select(c => new StatusCause("FieldManagerConflict", $"conflict with \"{c.Manager}\" using {c.ApiVersion}", c.Display)).ToList());
    }
}
