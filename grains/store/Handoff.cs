using System.Runtime.CompilerServices;

namespace Cluster.Grains.Store;

/// <summary>
/// A decoded object handed, within a silo, from the grain that wrote it to the one that reads that version next (a
/// pod's create to the scheduler, its bind to its node's agent), keyed by the JSON string itself: a local grain call
/// passes the string's instance, so the reader takes the object its writer already has instead of decoding the JSON
/// again. From another silo the string is a copy and is decoded (slower, still right). An entry nobody takes lives as
/// long as that version's JSON. Readers must not change what they take: it is the writer's current object.
/// </summary>
public static class Handoff<T> where T : class
{
    static readonly ConditionalWeakTable<string, T> Table = new();

    public static void Offer(string json, T decoded) => Table.AddOrUpdate(json, decoded);

    /// <summary>The object offered with this very string, once; null when none was (or another reader took it).</summary>
    public static T? Take(string json) => Table.TryGetValue(json, out var o) && Table.Remove(json) ? o : null;
}
