using System.Text;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Calls;
using Cluster.Interfaces.Store;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Store;

/// <summary>
/// List and watch for one kind in one namespace. See <see cref="IIndexGrain"/> for the contract.
/// resourceVersions are max(last+1, microseconds since the epoch): strictly increasing within the index and still
/// increasing after a restart without persisting a counter. The change log starts empty on activation; a watch
/// from a version older than the log answers Gone (HTTP 410), as Kubernetes does after compaction.
/// </summary>
public sealed class IndexGrain(IObjectCatalog catalog, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime, ILogger<IndexGrain> logger,
    AtRestEncryption? sealer = null) : Grain, IIndexGrain
{
    const int LogCapacity = 50_000;
    const int MaxEventsPerWatchCall = 2_000;
    static readonly TimeSpan PendingTimeout = TimeSpan.FromSeconds(5);

    sealed record Entry(long Rv, string Json, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<string> Owners);
    // A change as watchers see it: its JSON, and the labels and fields of the object before and after (a selector's
    // watcher gets ADDED or DELETED when the object enters or leaves it). Not the replaced entry itself: that held the
    // object's previous JSON for as long as the change stayed in the log (50,000 changes; a restart that rewrote every
    // pod kept that many superseded 8 KB strings alive for it).
    sealed record LogEntry(string Type, long Rv, string Json,
        IReadOnlyDictionary<string, string>? OldLabels, IReadOnlyDictionary<string, string>? OldFields,
        IReadOnlyDictionary<string, string>? NewLabels, IReadOnlyDictionary<string, string>? NewFields);

    readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    // The same entries by name in a hash table: lookups by name (an owner's 1,000 pods, on each of its passes) walked
    // the sorted tree, 17 string comparisons each at 150,000 pods.
    readonly Dictionary<string, Entry> _byName = new(StringComparer.Ordinal);
    readonly Dictionary<string, HashSet<string>> _byOwner = new();
    // Pods by spec.nodeName: a node's pods are listed without a pass over every pod (5,000 node grains each listing
    // their pods after a restart was quadratic).
    readonly Dictionary<string, SortedSet<string>> _byNode = new();
    const string NodeField = "spec.nodeName", PhaseField = "status.phase";
    // The cluster.pods metric (pods by phase) counts the pods of the indexes each silo holds: pod grains come and go
    // (idle ones leave memory), the index holds every pod.
    bool _countsPhases;
    readonly List<LogEntry> _log = [];
    // Allocated versions not yet published or abandoned, and the same in allocation order (which is version order):
    // abandoned ones stay queued until they reach the front. (A sorted map's first entry was a tree enumerator, with
    // its stack, on every publish.)
    readonly HashSet<long> _pending = [];
    readonly Queue<(long Rv, DateTime At)> _pendingOrder = new();
    readonly Dictionary<long, (IndexChange Change, Entry? Old, Entry? New)> _held = new();
    List<TaskCompletionSource> _waiters = [];
    long _last, _released, _floor;
    IGrainTimer? _releaseTimer;
    KindInfo _kind = null!;
    string _ns = "";

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/');
        // A kind no definition registers any more (its CRD went) is still listable: its objects are plain JSON.
        _kind = await KindLookup.ResolveAsync(GrainFactory, key[..slash])
            ?? new KindInfo(key[..slash], "", "v1", key[..slash].ToLowerInvariant(), key[..slash].ToLowerInvariant(), true, [], typeof(CustomObject));
        _ns = key[(slash + 1)..];
        _countsPhases = _kind.Kind == "Pod";
        var items = await catalog.ScanAsync(_kind.Kind, _ns, ct);
        foreach (var stored in items)
        {
            try
            {
                var json = AtRestEncryption.IsSealed(stored)
                    ? (sealer ?? throw new InvalidOperationException("a record is stored encrypted and this silo has no encryption keys")).Open(stored)
                    : stored;
                var c = IndexFields.FromJson(_kind, json);
                Put(c);
                _last = Math.Max(_last, c.ResourceVersion);
            }
            catch (Exception e) { logger.LogError(e, "skipping an unreadable stored {Kind} in {Ns}", _kind.Kind, _ns); }
        }
        _last = Math.Max(_last, NowMicros() - 1);
        _released = _floor = _last;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct)
    {
        if (_countsPhases) foreach (var e in _entries.Values) Telemetry.Telemetry.PodPhase(e.Fields.GetValueOrDefault(PhaseField), null);
        return Task.CompletedTask;
    }

    static long NowMicros() => VersionAt(DateTime.UtcNow);

    public Task<long> Allocate() => AllocateMany(1);

    public Task<long> AllocateMany(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one version");
        var first = Math.Max(_last + 1, NowMicros());
        var at = DateTime.UtcNow;
        for (var i = 0; i < count; i++) { _pending.Add(first + i); _pendingOrder.Enqueue((first + i, at)); }
        _last = first + count - 1;
        return Task.FromResult(first);
    }

    public Task PublishMany(IReadOnlyList<IndexChange> changes)
    {
        foreach (var c in changes) Take(c);
        Release();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The list view takes the change at once (a controller that lists right after its write sees it); watchers get
    /// it when every lower version has been published or abandoned, so their stream stays in order.
    /// </summary>
    public Task Publish(IndexChange change)
    {
        Take(change);
        Release();
        return Task.CompletedTask;
    }

    void Take(IndexChange change)
    {
        _byName.TryGetValue(change.Name, out var old);
        Entry? now = null;
        if (change.Type == WatchTypes.Deleted) Drop(change.Name);
        else now = Put(change);
        if (_pending.Contains(change.ResourceVersion)) _held[change.ResourceVersion] = (change, old, now);
        else logger.LogWarning("late publish of {Kind} {Name} at {Rv}: listed, but not streamed to watchers", _kind.Kind, change.Name, change.ResourceVersion);
    }

    public Task Abandon(long resourceVersion)
    {
        _pending.Remove(resourceVersion);
        _held.Remove(resourceVersion);
        Release();
        return Task.CompletedTask;
    }

    /// <summary>Moves published changes to the log in resourceVersion order; a version never published times out.</summary>
    void Release()
    {
        var released = false;
        while (_pendingOrder.Count > 0)
        {
            var (rv, at) = _pendingOrder.Peek();
            if (!_pending.Contains(rv)) _pendingOrder.Dequeue(); // abandoned
            else if (_held.Remove(rv, out var held))
            {
                _pending.Remove(rv);
                _pendingOrder.Dequeue();
                Append(held.Change, held.Old, held.New);
                released = true;
            }
            else if (DateTime.UtcNow - at > PendingTimeout)
            {
                logger.LogWarning("resourceVersion {Rv} of {Kind}/{Ns} was never published; skipping it", rv, _kind.Kind, _ns);
                _pending.Remove(rv);
                _pendingOrder.Dequeue();
            }
            else break;
        }
        // Something is held behind a version that may never come: look again once it would have timed out.
        if (_pending.Count > 0 && _held.Count > 0 && _releaseTimer == null)
            _releaseTimer = this.RegisterGrainTimer(() =>
            {
                _releaseTimer?.Dispose();
                _releaseTimer = null;
                Release();
                return Task.CompletedTask;
            }, new GrainTimerCreationOptions(PendingTimeout, Timeout.InfiniteTimeSpan) { Interleave = false });
        if (released)
        {
            var waiters = _waiters;
            _waiters = [];
            foreach (var w in waiters) w.TrySetResult();
        }
    }

    void Append(IndexChange c, Entry? old, Entry? now)
    {
        _released = c.ResourceVersion;
        _log.Add(new LogEntry(c.Type, c.ResourceVersion, c.Json, old?.Labels, old?.Fields, now?.Labels, now?.Fields));
        if (_log.Count > LogCapacity)
        {
            var cut = _log.Count - LogCapacity * 3 / 4;
            _floor = _log[cut - 1].Rv;
            _log.RemoveRange(0, cut);
        }
    }

    Entry Put(IndexChange c)
    {
        var e = new Entry(c.ResourceVersion, c.Json, c.Labels, c.Fields, c.OwnerUids);
        // Most changes keep the object's node and owners (a status write): replace the entry where it stands.
        if (_byName.TryGetValue(c.Name, out var old)
            && old.Fields.GetValueOrDefault(NodeField) == e.Fields.GetValueOrDefault(NodeField) && old.Owners.SequenceEqual(e.Owners))
        {
            _entries[c.Name] = e;
            _byName[c.Name] = e;
            if (_countsPhases) Telemetry.Telemetry.PodPhase(old.Fields.GetValueOrDefault(PhaseField), e.Fields.GetValueOrDefault(PhaseField));
            return e;
        }
        Drop(c.Name);
        _entries[c.Name] = e;
        _byName[c.Name] = e;
        if (_countsPhases) Telemetry.Telemetry.PodPhase(null, e.Fields.GetValueOrDefault(PhaseField));
        if (c.Fields.TryGetValue(NodeField, out var node) && node.Length > 0)
        {
            if (!_byNode.TryGetValue(node, out var onNode)) _byNode[node] = onNode = new SortedSet<string>(StringComparer.Ordinal);
            onNode.Add(c.Name);
        }
        foreach (var o in c.OwnerUids)
        {
            if (!_byOwner.TryGetValue(o, out var set)) _byOwner[o] = set = [];
            set.Add(c.Name);
        }
        return e;
    }

    void Drop(string name)
    {
        if (!_entries.Remove(name, out var e)) return;
        _byName.Remove(name);
        if (_countsPhases) Telemetry.Telemetry.PodPhase(e.Fields.GetValueOrDefault(PhaseField), null);
        if (e.Fields.TryGetValue(NodeField, out var node) && _byNode.TryGetValue(node, out var onNode) && onNode.Remove(name) && onNode.Count == 0)
            _byNode.Remove(node);
        foreach (var o in e.Owners)
            if (_byOwner.TryGetValue(o, out var set) && set.Remove(name) && set.Count == 0) _byOwner.Remove(o);
    }

    public Task<ListResult> List(ListRequest request)
    {
        var labels = LabelSelector.Parse(request.LabelSelector);
        var fields = FieldSelector.Parse(request.FieldSelector);
        string? after = null;
        if (!string.IsNullOrEmpty(request.Continue))
        {
            try { after = Encoding.UTF8.GetString(Convert.FromBase64String(request.Continue)); }
            catch (FormatException) { throw new ArgumentException("continue key is not valid: illegal base64 data"); }
        }
        var items = new List<string>();
        string? lastName = null;
        long remaining = 0;
        // One node's pods: only those, from the node's set (same order, same filtering).
        IEnumerable<KeyValuePair<string, Entry>> candidates = _entries;
        if (fields.Requirements.FirstOrDefault(r => r.Field == NodeField && r.Equal) is { Value.Length: > 0 } onNode)
            candidates = _byNode.TryGetValue(onNode.Value, out var names)
                ? names.Select(n => new KeyValuePair<string, Entry>(n, _byName[n])).ToList()
                : [];
        foreach (var (name, e) in candidates)
        {
            if (after != null && string.CompareOrdinal(name, after) <= 0) continue;
            if (!labels.Matches(e.Labels) || !fields.Matches(e.Fields)) continue;
            if (request.Limit > 0 && items.Count >= request.Limit) { remaining++; continue; }
            items.Add(e.Json);
            lastName = name;
        }
        string? cont = remaining > 0 && lastName != null ? Convert.ToBase64String(Encoding.UTF8.GetBytes(lastName)) : null;
        return Task.FromResult(new ListResult(items, _released, cont, remaining > 0 ? remaining : null));
    }

    public Task<IReadOnlyList<string>> Get(IReadOnlyList<string> names)
    {
        var found = new List<string>(names.Count);
        foreach (var name in names)
            if (_byName.TryGetValue(name, out var e)) found.Add(e.Json);
        return Task.FromResult<IReadOnlyList<string>>(found);
    }

    public async Task<WatchResult> Watch(WatchRequest request)
    {
        var labels = LabelSelector.Parse(request.LabelSelector);
        var fields = FieldSelector.Parse(request.FieldSelector);
        var deadline = DateTime.UtcNow + request.MaxWait;
        var from = request.FromVersion;
        while (true)
        {
            if (from < _floor) return new WatchResult([], _released, true);
            var events = Collect(from, labels, fields, out var scannedTo);
            if (events.Count > 0) return new WatchResult(events, scannedTo, false);
            from = Math.Max(from, scannedTo);
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return new WatchResult([], Math.Max(from, _released), false);
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add(tcs);
            await tcs.Task.CompletesWithin(left, lifetime.ApplicationStopping);
            if (!tcs.Task.IsCompleted) _waiters.Remove(tcs); // timed out: not left behind in an idle index
            if (lifetime.ApplicationStopping.IsCancellationRequested) return new WatchResult([], Math.Max(from, _released), false);
        }
    }

    List<WatchEvent> Collect(long from, LabelSelector labels, FieldSelector fields, out long scannedTo)
    {
        var result = new List<WatchEvent>();
        scannedTo = from;
        var i = FirstAfter(from);
        for (; i < _log.Count && result.Count < MaxEventsPerWatchCall; i++)
        {
            var l = _log[i];
            scannedTo = l.Rv;
            var oldMatch = l.OldLabels != null && labels.Matches(l.OldLabels) && fields.Matches(l.OldFields!);
            var newMatch = l.NewLabels != null && labels.Matches(l.NewLabels) && fields.Matches(l.NewFields!);
            switch (l.Type)
            {
                case WatchTypes.Deleted when oldMatch || (l.OldLabels == null):
                    result.Add(new WatchEvent(WatchTypes.Deleted, l.Rv, l.Json)); break;
                case WatchTypes.Added when newMatch:
                    result.Add(new WatchEvent(WatchTypes.Added, l.Rv, l.Json)); break;
                case WatchTypes.Modified when newMatch:
                    result.Add(new WatchEvent(oldMatch ? WatchTypes.Modified : WatchTypes.Added, l.Rv, l.Json)); break;
                case WatchTypes.Modified when oldMatch:
                    result.Add(new WatchEvent(WatchTypes.Deleted, l.Rv, l.Json)); break;
            }
        }
        return result;
    }

    int FirstAfter(long rv)
    {
        int lo = 0, hi = _log.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_log[mid].Rv <= rv) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    public Task<IReadOnlyList<string>> ByOwner(string ownerUid)
    {
        IReadOnlyList<string> r = _byOwner.TryGetValue(ownerUid, out var names)
            ? names.Select(n => _byName[n].Json).ToList()
            : [];
        return Task.FromResult(r);
    }

    public Task<IReadOnlyList<string>> OwnerUids() =>
        Task.FromResult<IReadOnlyList<string>>(_byOwner.Where(o => o.Value.Count > 0).Select(o => o.Key).ToList());

    public Task<IReadOnlyList<string>> Names() => Task.FromResult<IReadOnlyList<string>>(_entries.Keys.ToList());

    public Task<IReadOnlyList<NamedObject>> OnNode(string node)
    {
        IReadOnlyList<NamedObject> r = node.Length > 0 && _byNode.TryGetValue(node, out var names)
            ? names.Select(n => new NamedObject(n, _byName[n].Json)).ToList()
            : [];
        return Task.FromResult(r);
    }

    public Task<VersionScan> WrittenOutside(long before, long after)
    {
        List<NamedObject> older = [], newer = [];
        foreach (var (name, e) in _byName)
        {
            if (e.Rv < before) older.Add(new NamedObject(name, e.Json));
            else if (e.Rv > after) newer.Add(new NamedObject(name, e.Json));
        }
        return Task.FromResult(new VersionScan(older, newer, _released));
    }

    /// <summary>A time as the resourceVersion the clock would give it (see <see cref="AllocateMany"/>).</summary>
    public static long VersionAt(DateTime utc) => utc.Ticks / 10 - 62135596800000000L;

    public async Task<int> ReconcileAll()
    {
        var n = 0;
        foreach (var name in _entries.Keys.ToList())
        {
            await GrainFactory.For(new ObjectKey(_kind.Kind, _ns, name)).Reconcile();
            n++;
        }
        return n;
    }
}
