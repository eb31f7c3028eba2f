namespace Cluster.Grains.Store;

public static class DictionaryExtensions
{
    /// <summary>The value for a key, or null: for the models' IDictionary properties (labels, annotations), which may themselves be null.</summary>
    public static TValue? Val<TKey, TValue>(this IDictionary<TKey, TValue>? d, TKey key) where TKey : notnull =>
        d != null && d.TryGetValue(key, out var v) ? v : default;
}
