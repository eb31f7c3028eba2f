namespace Cluster.Grains.Store;

/// <summary>
/// Objects decoded from their stored JSON, kept from one pass to the next: an unchanged object is the same JSON. A
/// controller that looks at every pod it owns, or every node, on each pass decodes only what changed. Callers must
/// not change the objects they get.
/// </summary>
/// <remarks>Keyed by the string instance: within a silo an index hands out the very string it holds, so an unchanged
/// object is found without hashing its JSON; from another silo every string is new and is decoded (slower, still right).</remarks>
public sealed class Decoded<T>(Func<string, T>? decode = null)
{
    Dictionary<string, T> _byJson = new(ReferenceEqualityComparer.Instance);
    readonly Func<string, T> _decode = decode ?? Objects.FromJson<T>;

    /// <summary>The objects of this pass, in order; what the previous pass held and this one does not is forgotten.</summary>
    public List<T> Decode(IReadOnlyList<string> jsons)
    {
        var next = new Dictionary<string, T>(jsons.Count, ReferenceEqualityComparer.Instance);
        var objects = new List<T>(jsons.Count);
        foreach (var json in jsons)
        {
            if (!_byJson.TryGetValue(json, out var o)) o = _decode(json);
            next[json] = o;
            objects.Add(o);
        }
        _byJson = next;
        return objects;
    }
}

/// <summary>
/// Objects decoded once per JSON string for the whole silo, kept while the string lives (the index holds it while the
/// object is current). For small kinds read on hot paths by many callers, such as the Services of a namespace that
/// every container start and every pod address change reads. Callers must not change the objects they get.
/// </summary>
public static class SharedDecoded<T> where T : class
{
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<string, T> Table = new();

    public static T Of(string json) => Table.GetValue(json, static j => Objects.FromJson<T>(j));
}
