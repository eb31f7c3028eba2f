using System.Text.Json.Nodes;

namespace Cluster.Silo.Api.Patching;

/// <summary>
/// RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>): an object patch is merged member by member,
/// a null member deletes the key, and any other patch value (array, string, number, ...) replaces the target.
/// Neither argument is modified; the result shares no nodes with them.
/// </summary>
public static class JsonMergePatch
{
    /// <summary>RFC 7386 section 2 <c>MergePatch(Target, Patch)</c>. A null result means the JSON value null.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch) => Merge(target?.DeepClone(), patch);

    // Merges into a target that this class owns (a copy), reusing its nodes.
    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return PatchJson.IsNull(patch) ? null : patch!.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (PatchJson.IsNull(value))
            {
                result.Remove(name);
                continue;
            }
            result.TryGetPropertyValue(name, out var current);
            var merged = Merge(current, value);
            if (!ReferenceEquals(merged, current)) result[name] = merged;
        }
        return result;
    }
}
