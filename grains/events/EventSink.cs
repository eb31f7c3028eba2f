using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Cluster.Grains.Admission;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Calls;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Cluster.Grains.Events;

/// <summary>
/// Writes the cluster's own Events in batches, from a queue, as client-go's event broadcaster does: recording an
/// Event only enqueues it, and a background loop writes what has queued up, per namespace, with one admission read,
/// one resourceVersion allocation and one index publication for the whole batch, each Event stored straight under
/// its grain's key. An Event written so is the same object as one created through its grain (the API reads,
/// updates and deletes it through the grain, which loads it from storage). Before, each Event was a grain activation
/// (a storage read), a namespace admission, an allocation and a publication: a quarter of a pod start's grain calls.
/// Like client-go's, the queue is bounded and best effort: when full, or when the silo stops, Events are dropped.
/// A namespace with ResourceQuotas gets its Events through the grains, which count them.
/// </summary>
public sealed class EventSink(IGrainFactory grains, IServiceProvider services, ILogger<EventSink> logger) : IHostedService
{
    /// <summary>client-go queues 1,000 per recorder; this queue serves every node agent and controller of a silo.</summary>
    public const int QueueLimit = 10_000;
    const int MaxBatch = 1_000;
    const string StateName = "object";

    static readonly ConditionalWeakTable<IGrainFactory, EventSink> BySilo = new();

    readonly Channel<Corev1Event> _queue = Channel.CreateBounded<Corev1Event>(
        new BoundedChannelOptions(QueueLimit) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    IGrainStorage? _storage;
    Task? _loop;
    long _dropped;

    /// <summary>The sink of the silo whose grain factory this is, or null (no silo runs one: write through the grain).</summary>
    public static EventSink? For(IGrainFactory grains) => BySilo.TryGetValue(grains, out var sink) ? sink : null;

    /// <summary>Queues an Event; false when the queue is full (the Event is dropped).</summary>
    public bool Enqueue(Corev1Event e)
    {
        if (_queue.Writer.TryWrite(e)) return true;
        if (Interlocked.Increment(ref _dropped) % 1000 == 1) logger.LogWarning("the event queue is full ({Limit}); dropping events", QueueLimit);
        return false;
    }

    public Task StartAsync(CancellationToken ct)
    {
        _storage = services.GetKeyedService<IGrainStorage>(ObjectGrain<Corev1Event>.StorageName);
        if (_storage == null) return Task.CompletedTask; // no object storage: Events go through their grains
        _loop = Task.Run(RunAsync, CancellationToken.None);
        BySilo.AddOrUpdate(grains, this);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        BySilo.Remove(grains);
        _queue.Writer.TryComplete();
        // What is queued gets a moment to be written; the silo's stop does not wait on best-effort Events for long.
        if (_loop != null) await _loop.CompletesWithin(TimeSpan.FromSeconds(2), ct);
    }

    async Task RunAsync()
    {
        var batch = new List<Corev1Event>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            // Whatever queued while the last batch was written goes in this one: batches grow with the load.
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var e)) batch.Add(e);
            var byNamespace = batch.GroupBy(e => e.Metadata.NamespaceProperty ?? "default").ToList();
            await Task.WhenAll(byNamespace.Select(g => WriteAsync(g.Key, g.ToList())));
            batch.Clear();
        }
    }

    async Task WriteAsync(string ns, List<Corev1Event> events)
    {
        try
        {
            var admission = await grains.GetGrain<INamespaceGrain>(new ObjectKey("Namespace", "", ns).GrainKey).Admission();
            // The same refusals as a create through the grain: no such namespace, or one being deleted.
            if (!admission.Namespace.Ok || admission.Namespace.Json!.Contains("\"deletionTimestamp\"")) return;
            if (admission.HasQuotas) { await ThroughGrains(ns, events); return; }
            await WriteDirect(ns, events);
        }
        catch (Exception e)
        {
            logger.LogWarning("writing {Count} events in {Namespace} failed: {Message}", events.Count, ns, e.GetBaseException().Message);
        }
    }

    async Task WriteDirect(string ns, List<Corev1Event> events)
    {
        var index = grains.Index("Event", ns);
        var first = await index.AllocateMany(events.Count);
        var changes = new IndexChange?[events.Count];
        await Task.WhenAll(events.Select(async (e, i) =>
        {
            var rv = first + i;
            var m = e.Metadata;
            // What the grain's create sets (ObjectGrain.Create and Commit).
            m.Uid = Guid.NewGuid().ToString();
            m.CreationTimestamp = Objects.Now();
            m.Generation = 1;
            m.ResourceVersion = rv.ToString();
            Defaults.Apply(e);
            var json = Objects.ToJson(e);
            var id = grains.GetGrain<IEventGrain>(new ObjectKey("Event", ns, m.Name).GrainKey).GetGrainId();
            try
            {
                // No etag: the record must not exist (a name's random suffix makes a clash all but impossible).
                await _storage!.WriteStateAsync(StateName, id, new GrainState<ObjectRecord>(new ObjectRecord { Json = json }));
                changes[i] = IndexFields.Change(WatchTypes.Added, e, json, rv);
            }
            catch (Exception ex) { logger.LogDebug("storing event {Name} failed: {Message}", m.Name, ex.GetBaseException().Message); }
        }));
        var published = changes.Where(c => c != null).Select(c => c!).ToList();
        if (published.Count > 0) await index.PublishMany(published);
        for (var i = 0; i < changes.Length; i++)
            if (changes[i] == null) await index.Abandon(first + i);
    }

    async Task ThroughGrains(string ns, List<Corev1Event> events)
    {
        foreach (var e in events)
            await grains.GetGrain<IEventGrain>(new ObjectKey("Event", ns, e.Metadata.Name).GrainKey).Create(Objects.ToJson(e), WriteOptions.Default);
    }
}
