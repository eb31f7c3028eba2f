using System.Text.Json.Nodes;

namespace Cluster.Grains.Admission;

/// <summary>
/// What `apply` does to an existing object, as kubectl's client-side apply: a three-way merge of the live object,
/// the manifest applied last time (kept in the last-applied-configuration annotation) and the new manifest. Fields
/// the manifest sets win; fields it dropped since last time are removed; fields others set (a controller's
/// annotations, `rollout pause`, status) are kept. Lists are replaced whole.
/// </summary>
public static class ApplyMerge
{
    public const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The manifest as it will be remembered: without status and without the annotation itself.</summary>
    public static JsonObject Remembered(JsonObject manifest)
    {
        var m = (JsonObject)manifest.DeepClone();
        m.Remove("status");
        if (m["metadata"] is JsonObject meta)
        {
            foreach (var k in new[] { "resourceVersion", "uid", "generation", "creationTimestamp", "managedFields" }) meta.Remove(k);
            if (meta["annotations"] is JsonObject a)
            {
                a.Remove(LastApplied);
                if (a.Count == 0) meta.Remove("annotations");
            }
        }
        return m;
    }

    /// <summary>The live object with the manifest applied, annotated with what was applied.</summary>
    public static JsonObject Merge(JsonObject live, JsonObject manifest)
    {
        var desired = Remembered(manifest);
        JsonObject? last = null;
        if (live["metadata"]?["annotations"]?[LastApplied]?.GetValue<string>() is { } text)
        {
            try { last = JsonNode.Parse(text) as JsonObject; } catch (System.Text.Json.JsonException) { last = null; }
        }
        var result = MergeObject((JsonObject)live.DeepClone(), last, desired);
        Annotate(result, desired);
        return result;
    }

    public static void Annotate(JsonObject obj, JsonObject remembered)
    {
        var meta = obj["metadata"] as JsonObject ?? (JsonObject)(obj["metadata"] = new JsonObject());
        var ann = meta["annotations"] as JsonObject ?? (JsonObject)(meta["annotations"] = new JsonObject());
        ann[LastApplied] = remembered.ToJsonString() + "\n";
    }

    static JsonObject MergeObject(JsonObject live, JsonObject? last, JsonObject desired)
    {
        foreach (var (key, value) in desired.ToList())
        {
            if (value is JsonObject d && live[key] is JsonObject l)
                live[key] = MergeObject(l, last?[key] as JsonObject, d);
            else
                live[key] = value?.DeepClone();
        }
        if (last != null)
            foreach (var (key, _) in last.ToList())
                if (!desired.ContainsKey(key)) live.Remove(key);
        return live;
    }
}
