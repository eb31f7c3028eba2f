using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Cluster.Interfaces.Store;

/// <summary>
/// A handful of string pairs (an object's labels, its indexed fields) in one array, searched in order. The index
/// keeps two per object; as dictionaries they were a tenth of a loaded silo's heap.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class SmallMap : IReadOnlyDictionary<string, string>
{
    public static readonly SmallMap Empty = new([]);

    // key0, value0, key1, value1, ...
    [Id(0)] readonly string[] _pairs;

    SmallMap(string[] pairs) => _pairs = pairs;
    SmallMap() => _pairs = [];

    public static SmallMap From(IEnumerable<KeyValuePair<string, string>>? pairs)
    {
        if (pairs == null) return Empty;
        var list = new List<string>();
        foreach (var (k, v) in pairs) { list.Add(k); list.Add(v); }
        return list.Count == 0 ? Empty : new SmallMap(list.ToArray());
    }

    public static SmallMap Of(params string[] keysAndValues) => keysAndValues.Length == 0 ? Empty : new SmallMap(keysAndValues);

    public int Count => _pairs.Length / 2;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        for (var i = 0; i < _pairs.Length; i += 2)
            if (_pairs[i] == key) { value = _pairs[i + 1]; return true; }
        value = null;
        return false;
    }

    public string this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);
    public bool ContainsKey(string key) => TryGetValue(key, out _);
    public IEnumerable<string> Keys { get { for (var i = 0; i < _pairs.Length; i += 2) yield return _pairs[i]; } }
    public IEnumerable<string> Values { get { for (var i = 1; i < _pairs.Length; i += 2) yield return _pairs[i]; } }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _pairs.Length; i += 2) yield return new(_pairs[i], _pairs[i + 1]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
