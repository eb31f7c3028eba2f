using Orleans.Concurrency;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Controllers.GarbageCollection;

public interface IGarbageCollectorGrain : IGrainWithIntegerKey
{
    /// <summary>An owner is gone (or going): delete its dependents in the namespace.</summary>
    [OneWay] Task OwnerDeleted(string ns, string ownerUid, string policy);
    /// <summary>An owner is deleted with propagation Orphan: drop the owner reference from its dependents.</summary>
    Task Orphan(string ns, string ownerUid);
    /// <summary>Deletes dependents whose controlling owner no longer exists, and expired Events. Returns how many.</summary>
    Task<int> Sweep();
}

/// <summary>
/// Background garbage collection through ownerReferences, as Kubernetes does it: an owner's deletion deletes its
/// dependents, and a periodic sweep (a durable reminder) removes orphans left by a crash mid-cascade.
/// </summary>
public sealed class GarbageCollectorGrain(ILogger<GarbageCollectorGrain> logger) : Grain, IGarbageCollectorGrain, IRemindable
{
    static readonly TimeSpan SweepPeriod = TimeSpan.FromMinutes(1);
    static readonly TimeSpan EventTtl = TimeSpan.FromHours(1);
    // Per namespace, the Event index's version up to which the last pass looked at every Event's timestamps.
    readonly Dictionary<string, long> _eventsSeen = new();
    /// <summary>Any namespaced object may be owned (custom kinds' operators own Deployments, CronJobs own Jobs, ...).</summary>
    static IEnumerable<KindInfo> Dependents => Kinds.All.Where(k => k.Namespaced && k.Kind != "Event");
    /// <summary>Kinds that own objects here: every namespaced kind but pods and events, which own nothing.</summary>
    static IEnumerable<KindInfo> Owners => Kinds.All.Where(k => k.Namespaced && k.Kind is not ("Event" or "Pod"));

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        try { await this.RegisterOrUpdateReminder("sweep", SweepPeriod, SweepPeriod); }
        catch (Exception e) { logger.LogWarning(e, "could not register the garbage collector's reminder"); }
    }

    public async Task OwnerDeleted(string ns, string ownerUid, string policy)
    {
        foreach (var kind in Dependents)
        {
            var items = await GrainFactory.Index(kind.Kind, ns).ByOwner(ownerUid);
            await Task.WhenAll(items.Select(json =>
                GrainFactory.For(new ObjectKey(kind.Kind, ns, MetaOf(kind, json).Name)).Delete(new DeleteOptions(PropagationPolicy: policy))));
        }
    }

    public async Task Orphan(string ns, string ownerUid)
    {
        foreach (var kind in Dependents)
        {
            var items = await GrainFactory.Index(kind.Kind, ns).ByOwner(ownerUid);
            await Task.WhenAll(items.Select(json =>
                GrainFactory.For(new ObjectKey(kind.Kind, ns, MetaOf(kind, json).Name)).DropOwner(ownerUid)));
        }
    }

    public async Task<int> Sweep()
    {
        var removed = 0;
        foreach (var ns in await GrainFactory.NamespaceNames())
        {
            var live = new HashSet<string>();
            foreach (var k in Owners)
                foreach (var json in (await GrainFactory.Index(k.Kind, ns).List(new ListRequest())).Items)
                    live.Add(MetaOf(k, json).Uid);
            foreach (var kind in Dependents)
            {
                // Only the dependents of owners that are not listed: the index knows which uids its objects name, so
                // the 150,000 pods of 150 live ReplicaSets are not each read every minute.
                var index = GrainFactory.Index(kind.Kind, ns);
                var gone = (await index.OwnerUids()).Where(uid => !live.Contains(uid)).ToList();
                foreach (var json in (await Task.WhenAll(gone.Select(index.ByOwner))).SelectMany(x => x).Distinct())
                {
                    var o = MetaOf(kind, json);
                    var owner = o.Controller;
                    if (owner == null || live.Contains(owner.Uid) || !Owners.Any(k => k.Kind == owner.Kind)) continue;
                    // Re-check the owner itself: the list above may predate its creation.
                    var r = await GrainFactory.For(new ObjectKey(owner.Kind, ns, owner.Name)).Get();
                    if (r.Ok && Kinds.ByKind(owner.Kind)!.Deserialize(r.Json!).Metadata.Uid == owner.Uid) continue;
                    logger.LogInformation("deleting orphaned {Kind} {Ns}/{Name}: owner {Owner} is gone", kind.Kind, ns, o.Name, owner.Name);
                    await GrainFactory.For(new ObjectKey(kind.Kind, ns, o.Name)).Delete(DeleteOptions.Default);
                    removed++;
                }
            }
            // Events go an hour after their last write, as Kubernetes' --event-ttl (the index reads versions as times,
            // without decoding anything), or sooner when an Event written since the last pass is already older than
            // that by its own timestamps.
            var cutoff = DateTime.UtcNow - EventTtl;
            var scan = await GrainFactory.Index("Event", ns).WrittenOutside(IndexGrain.VersionAt(cutoff), _eventsSeen.GetValueOrDefault(ns));
            var expired = scan.Before.Select(e => e.Name)
                .Concat(scan.After.Select(e => MetaOf(Kinds.Event, e.Json)).Where(e => (e.LastTimestamp ?? e.CreationTimestamp ?? DateTime.UtcNow) < cutoff).Select(e => e.Name));
            foreach (var name in expired)
            {
                await GrainFactory.GetGrain<IEventGrain>(new ObjectKey("Event", ns, name).GrainKey).Delete(DeleteOptions.Default);
                removed++;
            }
            _eventsSeen[ns] = scan.SeenUpTo;
        }
        return removed;
    }

    /// <summary>What the collector reads of an object: its metadata only, or the whole object when that does not read.</summary>
    static MetadataReader.Meta MetaOf(KindInfo kind, string json)
    {
        if (MetadataReader.Read(json) is { } m) return m;
        var o = kind.Deserialize(json);
        var lastTimestamp = (o as Corev1Event)?.LastTimestamp;
        return new MetadataReader.Meta(o.Metadata.Name, o.Metadata.Uid, Objects.ControllerOf(o.Metadata), o.Metadata.CreationTimestamp, lastTimestamp);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await Sweep();
}
