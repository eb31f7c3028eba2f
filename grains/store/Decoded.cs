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
    // Two tables, used in turn: this pass's is filled from the last one's, which is then emptied for the pass after. A new
    // table per pass was the scheduler's largest allocation after its snapshot (5,000 nodes per batch).
    Dictionary<string, T> _byJson = new(ReferenceEqualityComparer.Instance), _spare = new(ReferenceEqualityComparer.Instance);
    readonly Func<string, T> _decode = decode ?? Objects.FromJson<T>;

    /// <summary>The objects of this pass, in order; what the previous pass held and this one does not is forgotten.</summary>
    public List<T> Decode(IReadOnlyList<string> jsons)
    {
        var next = _spare;
        next.EnsureCapacity(jsons.Count);
        var objects = new List<T>(jsons.Count);
        foreach (var json in jsons)
        {
            if (!_byJson.TryGetValue(json, out var o)) o = _decode(json);
            next[json] = o;
            objects.Add(o);
        }
        _spare = _byJson;
        _spare.Clear(); // keeps its capacity; drops the objects gone since
        _byJson = next;
        return objects;
    }

    /// <summary>Forgets every object and the JSON it was keyed by. For an owner at rest: writes it does not hear of (a
    /// pod's status that only renews a container) replace the strings it holds, and it would keep the old ones alive
    /// until its next pass (150,000 pods' previous JSON, 600 MB, through a restart that starts every container again).</summary>
    public void Clear()
    {
        _byJson.Clear();
        _byJson.TrimExcess();
        _spare.TrimExcess();
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
