using Cluster.Interfaces.Calls;
using Orleans.Concurrency;
namespace Cluster.Interfaces.Store;

/// <summary>
/// Lists and watches one kind in one namespace (cluster-scoped kinds use namespace ""). It holds every object's
/// JSON, labels and indexed fields in memory, rebuilt from storage (<see cref="IObjectCatalog"/>) on activation,
/// and a bounded change log for watches. It also hands out resourceVersions: object grains allocate one, persist,
/// then publish; the index releases changes to watchers strictly in resourceVersion order, so a list followed by
/// a watch from its resourceVersion misses nothing.
/// </summary>
public interface IIndexGrain : IGrainWithStringKey
{
    Task<long> Allocate();
    Task Publish(IndexChange change);
    /// <summary>count consecutive resourceVersions; returns the first. For writers that persist many objects at once
    /// (the silo's Event writer), one call instead of one per object.</summary>
    Task<long> AllocateMany(int count);
    /// <summary>Publish for many changes, each of a version AllocateMany (or Allocate) handed out.</summary>
    Task PublishMany(IReadOnlyList<IndexChange> changes);
    Task Abandon(long resourceVersion);
    /// <summary>Interleaves: it only reads memory (no await), and the authorization filter of a call to this very
    /// index (a user listing Roles) reads the RBAC objects through it.</summary>
    [Idempotent] [AlwaysInterleave] Task<ListResult> List(ListRequest request);
    /// <summary>The JSON of the named objects that exist, in the order asked (one call for many known names: the
    /// service proxy reads its backends' pods so, instead of waking each pod's grain every refresh).</summary>
    [Idempotent] [AlwaysInterleave] Task<IReadOnlyList<string>> Get(IReadOnlyList<string> names);
    /// <summary>Events after request.FromVersion, waiting up to request.MaxWait for the first one.</summary>
    [Idempotent] [AlwaysInterleave] Task<WatchResult> Watch(WatchRequest request);
    /// <summary>Names of objects whose ownerReferences name this uid (for garbage collection and controllers).</summary>
    [Idempotent] Task<IReadOnlyList<string>> ByOwner(string ownerUid);
    /// <summary>Every uid some object's ownerReferences name (the garbage collector's sweep looks up only the owners
    /// that are gone, instead of reading every object's metadata each minute).</summary>
    [Idempotent] [AlwaysInterleave] Task<IReadOnlyList<string>> OwnerUids();
    /// <summary>The names of every object, in order (the walks over namespaces ask for these each time a node agent
    /// re-reads its pods, and need no JSON).</summary>
    [Idempotent] [AlwaysInterleave] Task<IReadOnlyList<string>> Names();
    /// <summary>The pods bound to a node (spec.nodeName), with their names: a node agent's full re-read every 30 s
    /// needs each pod's name, which the index has without parsing the JSON.</summary>
    [Idempotent] [AlwaysInterleave] Task<IReadOnlyList<NamedObject>> OnNode(string node);
    /// <summary>The objects last written before resourceVersion <paramref name="before"/> or after <paramref name="after"/>,
    /// and the version up to which every write is seen. Versions follow the clock (microseconds since 1970, or just past
    /// the last one), so "before" reads as a time: the Event sweep finds what has not been written for an hour, and
    /// reads only the Events written since its last pass, instead of every Event each minute.</summary>
    [Idempotent] [AlwaysInterleave] Task<VersionScan> WrittenOutside(long before, long after);
    /// <summary>Ensures the index is loaded and pokes every object's controller (used at silo start).</summary>
    Task<int> ReconcileAll();
}

public static class WatchTypes
{
    public const string Added = "ADDED", Modified = "MODIFIED", Deleted = "DELETED", Bookmark = "BOOKMARK";
}

/// <summary>One committed change, with what the index needs to filter without parsing JSON.</summary>
[GenerateSerializer, Immutable]
public sealed record IndexChange(
    string Type, string Name, long ResourceVersion, string Json,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<string> OwnerUids);

[GenerateSerializer, Immutable]
public sealed record ListRequest(string? LabelSelector = null, string? FieldSelector = null, int Limit = 0, string? Continue = null);

[GenerateSerializer, Immutable]
public sealed record NamedObject(string Name, string Json);

[GenerateSerializer, Immutable]
public sealed record VersionScan(IReadOnlyList<NamedObject> Before, IReadOnlyList<NamedObject> After, long SeenUpTo);

[GenerateSerializer, Immutable]
public sealed record ListResult(IReadOnlyList<string> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);

[GenerateSerializer, Immutable]
public sealed record WatchRequest(long FromVersion, string? LabelSelector, string? FieldSelector, TimeSpan MaxWait)
{
    /// <summary>
    /// The longest a watcher should hold one poll. A grain that Orleans deactivates (its directory entry was on a
    /// silo that died) first waits for its running calls, so a long poll would hold every caller for its length.
    /// </summary>
    public static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(2);
}

/// <summary>Gone = the requested version is older than the change log holds (HTTP 410): relist.</summary>
[GenerateSerializer, Immutable]
public sealed record WatchResult(IReadOnlyList<WatchEvent> Events, long ResourceVersion, bool Gone);

[GenerateSerializer, Immutable]
public sealed record WatchEvent(string Type, long ResourceVersion, string Json);
