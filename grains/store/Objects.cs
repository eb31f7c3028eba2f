using System.Text.Json.Nodes;
using Cluster.Interfaces.Api;
using k8s;
using k8s.Models;

namespace Cluster.Grains.Store;

/// <summary>Small helpers over the KubernetesClient models.</summary>
public static class Objects
{
    public static string ToJson(object o) => KubernetesJson.Serialize(o);
    public static T FromJson<T>(string json) => KubernetesJson.Deserialize<T>(json);
    public static T Clone<T>(T o) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(o!));

    /// <summary>Timestamps as Kubernetes writes them: UTC, whole seconds.</summary>
    public static DateTime Now() { var n = DateTime.UtcNow; return new DateTime(n.Ticks - n.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc); }

    public static V1OwnerReference? ControllerOf(V1ObjectMeta m) => m.OwnerReferences?.FirstOrDefault(o => o.Controller == true);

    public static V1OwnerReference OwnerReference(IKubernetesObject<V1ObjectMeta> owner, KindInfo kind) => new()
    {
        ApiVersion = kind.ApiVersion, Kind = kind.Kind, Name = owner.Metadata.Name, Uid = owner.Metadata.Uid,
        Controller = true, BlockOwnerDeletion = true,
    };

    /// <summary>Structural equality of two model values through their JSON (null == missing).</summary>
    public static bool SameJson(object? a, object? b)
    {
        if (a == null || b == null) return a == null && b == null;
        // The same instance (a status report's copy shares its labels and owners with the pod it copies) and string
        // maps (labels, annotations) need no serializing: five such comparisons per status report cost 1.2% of a silo
        // restarting every container.
        if (ReferenceEquals(a, b)) return true;
        if (a is IDictionary<string, string> da && b is IDictionary<string, string> db)
            return da.Count == db.Count && da.All(kv => db.TryGetValue(kv.Key, out var v) && v == kv.Value);
        var sa = KubernetesJson.Serialize(a);
        var sb = KubernetesJson.Serialize(b);
        // Equal text is equal JSON (the usual answer, when nothing changed); only different text needs the
        // order-insensitive comparison (maps may list the same keys in another order).
        return sa == sb || JsonNode.DeepEquals(JsonNode.Parse(sa), JsonNode.Parse(sb));
    }

    /// <summary>
    /// Parses JSON and materialises every object, so that a duplicate key fails here as a JsonException
    /// (System.Text.Json's JsonObject otherwise throws ArgumentException on first access, far from the input).
    /// </summary>
    public static JsonNode? ParseJson(string json)
    {
        var node = JsonNode.Parse(json);
        try { Touch(node); }
        catch (ArgumentException e) { throw new System.Text.Json.JsonException($"duplicate field: {e.Message.Split('(')[0].Trim()}"); }
        return node;
    }

    static void Touch(JsonNode? n)
    {
        switch (n)
        {
            case JsonObject o: foreach (var (_, v) in o) Touch(v); break;
            case JsonArray a: foreach (var v in a) Touch(v); break;
        }
    }

    public static long Rv(V1ObjectMeta m) => long.TryParse(m.ResourceVersion, out var v) ? v : 0;
}
