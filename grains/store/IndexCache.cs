using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Store;

/// <summary>
/// A silo's own copy of a few small lists that every pod start reads (a namespace's Services for the pods' service
/// variables and their endpoints notices, its headless Endpoints for the hosts files), kept current by watching
/// their index: client-go's informer cache, per silo. Reading it is not a grain call; before, each pod start listed
/// the Services twice and each agent pass the Endpoints once, a sixth of a pod start's grain calls.
/// </summary>
/// <remarks>
/// The first read of a list loads it (a List call) and starts its watch; a list nobody read for five minutes stops
/// being watched and is dropped. A change reaches the copy within a watch round trip of its write, as it reaches a
/// kubelet's informer. Where that lag could lose a notice it is closed the informer's way: a Service that appears or
/// changes in a copy has its endpoints controller run, so a pod whose write came before (and which did not see the
/// Service when it read the copy) is counted by that run.
/// </remarks>
public sealed class IndexCache(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<IndexCache> logger)
{
    static readonly TimeSpan IdleExpiry = TimeSpan.FromMinutes(5);
    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    sealed class Watched(string kind, string ns, string? labelSelector)
    {
        public readonly string Kind = kind, Namespace = ns;
        public readonly string? LabelSelector = labelSelector;
        public readonly Dictionary<string, string> Items = new(StringComparer.Ordinal);
        public readonly TaskCompletionSource Loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public IReadOnlyList<string> Snapshot = [];
        public long LastRead = Environment.TickCount64;
    }

    readonly Dictionary<(string Kind, string Ns, string? Selector), Watched> _lists = new();

    /// <summary>The JSON of the kind's objects in the namespace (matching the label selector), as last seen.</summary>
    public async Task<IReadOnlyList<string>> List(string kind, string ns, string? labelSelector = null)
    {
        Watched w;
        lock (_lists)
        {
            if (!_lists.TryGetValue((kind, ns, labelSelector), out w!))
            {
                _lists[(kind, ns, labelSelector)] = w = new Watched(kind, ns, labelSelector);
                _ = Task.Run(() => Follow(w));
            }
        }
        Volatile.Write(ref w.LastRead, Environment.TickCount64);
        await w.Loaded.Task;
        return Volatile.Read(ref w.Snapshot);
    }

    async Task Follow(Watched w)
    {
        var index = grains.Index(w.Kind, w.Namespace);
        var stopping = lifetime.ApplicationStopping;
        long rv = -1;
        while (!stopping.IsCancellationRequested && Environment.TickCount64 - Volatile.Read(ref w.LastRead) < IdleExpiry.TotalMilliseconds)
        {
            try
            {
                if (rv < 0)
                {
                    var list = await index.List(new ListRequest(w.LabelSelector));
                    lock (w.Items)
                    {
                        w.Items.Clear();
                        foreach (var json in list.Items) if (NameOf(json) is { } name) w.Items[name] = json;
                        Volatile.Write(ref w.Snapshot, w.Items.Values.ToList());
                    }
                    rv = list.ResourceVersion;
                    // A relist may have missed changes while the watch was broken: treat every object as changed.
                    if (w.Loaded.Task.IsCompleted) await Changed(w, list.Items);
                    w.Loaded.TrySetResult();
                    continue;
                }
                var r = await index.Watch(new WatchRequest(rv, w.LabelSelector, null, WatchRequest.MaxPoll));
                if (r.Gone) { rv = -1; continue; }
                if (r.Events.Count > 0)
                {
                    lock (w.Items)
                    {
                        foreach (var e in r.Events)
                        {
                            if (NameOf(e.Json) is not { } name) continue;
                            if (e.Type == WatchTypes.Deleted) w.Items.Remove(name);
                            else w.Items[name] = e.Json;
                        }
                        Volatile.Write(ref w.Snapshot, w.Items.Values.ToList());
                    }
                    await Changed(w, r.Events.Where(e => e.Type != WatchTypes.Deleted).Select(e => e.Json).ToList());
                }
                rv = r.ResourceVersion;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                // The first load's failure is its readers' (they retry with a fresh copy); a later one relists.
                if (!w.Loaded.Task.IsCompleted)
                {
                    lock (_lists) _lists.Remove((w.Kind, w.Namespace, w.LabelSelector));
                    w.Loaded.TrySetException(e);
                    return;
                }
                logger.LogDebug("watching {Kind} in {Namespace} for the silo's cache failed ({Message}); relisting", w.Kind, w.Namespace, e.GetBaseException().Message);
                rv = -1;
                try { await Task.Delay(RetryAfter, stopping); } catch (OperationCanceledException) { }
            }
            catch (Exception) { break; }
        }
        lock (_lists) if (_lists.TryGetValue((w.Kind, w.Namespace, w.LabelSelector), out var current) && current == w) _lists.Remove((w.Kind, w.Namespace, w.LabelSelector));
        w.Loaded.TrySetResult(); // a reader that raced the expiry gets the last copy
    }

    static string? NameOf(string json) => MetadataReader.Read(json)?.Name is { Length: > 0 } name ? name : null;

    /// <summary>Services that appeared or changed in the copy: their endpoints controllers run (see the remarks).</summary>
    async Task Changed(Watched w, IReadOnlyList<string> changed)
    {
        if (w.Kind != Kinds.Service.Kind) return;
        foreach (var json in changed)
        {
            if (NameOf(json) is not { } name) continue;
            try { await grains.GetGrain<IServiceGrain>(new ObjectKey(w.Kind, w.Namespace, name).GrainKey).Reconcile(); }
            catch (Exception e) { logger.LogDebug("waking the endpoints controller of a Service failed: {Message}", e.GetBaseException().Message); }
        }
    }
}
