using Cluster.Grains.Events;
using Cluster.Grains.Scheduling.Scorers;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Scheduling;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cluster.Grains.Scheduling;

/// <summary>
/// The scheduler: a queue of unbound pods, drained in batches. Each batch takes one snapshot of the nodes (with
/// the requests of pods already placed), runs the pipeline for each pod in queue order, and binds the winners in
/// parallel. Pods that fit nowhere get PodScheduled=False and a FailedScheduling event, and are retried when
/// nodes change, when a pod leaves, or every RetryUnschedulable.
/// </summary>
public sealed class SchedulerGrain(IOptions<SchedulerOptions> options, ILogger<SchedulerGrain> logger) : Grain, ISchedulerGrain
{
    const string Component = "default-scheduler";

    readonly Dictionary<ObjectKey, long> _pending = new();
    readonly Dictionary<ObjectKey, string> _unschedulable = new();
    readonly Placements _placed = new();
    // When each pending pod was queued, and the trace that queued it (a pod's scheduling continues its trace).
    readonly Dictionary<ObjectKey, (long Since, string? Trace)> _queuedAt = new();
    // The JSON a pending pod was announced with (or found with by a resync): the batch decodes it instead of reading
    // the pod again. Bind itself refuses a pod that was bound or deleted since, so a stale copy costs nothing.
    readonly Dictionary<ObjectKey, string> _announced = new();
    static readonly TimeSpan ResyncPeriod = TimeSpan.FromSeconds(5);
    SchedulingPipeline _pipeline = null!;
    IGrainTimer? _batch;
    long _sequence;
    int _nextStart; // where the next pod's search over the nodes begins (kube-scheduler's nextStartNodeIndex)

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        _pipeline = new SchedulingPipeline(Strategies.Create(options.Value.Strategy));
        // What is already placed counts against node capacity: rebuild it from the pod indexes, reading from each pod
        // only what is counted.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var ns in await GrainFactory.NamespaceNames())
        {
            foreach (var json in (await GrainFactory.Index("Pod", ns).List(new ListRequest())).Items)
            {
                var p = PlacedPod.Read(json);
                var key = new ObjectKey("Pod", ns, p.Name);
                if (!string.IsNullOrEmpty(p.NodeName)) Place(key, p);
                // Level-based: a new activation (its predecessor's silo died with its queue) takes every unbound pod.
                else if (!p.Deleting) _pending[key] = ++_sequence;
            }
        }
        logger.LogInformation("scheduler started: {Placed} pods placed, {Pending} to schedule, read in {Ms:0} ms",
            _placed.Count, _pending.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        this.RegisterGrainTimer(RetryUnschedulable, new GrainTimerCreationOptions(options.Value.RetryUnschedulable, options.Value.RetryUnschedulable) { Interleave = false });
        this.RegisterGrainTimer(Resync, new GrainTimerCreationOptions(ResyncPeriod, ResyncPeriod) { Interleave = false });
        Retry();
    }

    /// <summary>
    /// Level-based safety net, as kube-scheduler's informers relist: every unbound pod the index holds that is not
    /// pending is queued again (its own announcement was lost with a silo, or its bind did not land). Pods announce
    /// themselves once, when created or activated; they no longer re-announce on a timer each.
    /// Pods whose bind is in flight are left to it.
    /// </summary>
    async Task Resync()
    {
        try
        {
            var found = 0;
            foreach (var ns in await GrainFactory.NamespaceNames())
                foreach (var json in (await GrainFactory.Index("Pod", ns).List(new ListRequest(FieldSelector: "spec.nodeName="))).Items)
                {
                    // Read for its name and deletion only: while a load is scheduled, thousands are unbound and queued.
                    var p = PlacedPod.Read(json);
                    var key = new ObjectKey("Pod", ns, p.Name);
                    if (p.Deleting || _pending.ContainsKey(key) || _binding.Contains(key)) continue;
                    _placed.Remove(key);
                    _pending[key] = ++_sequence;
                    _announced[key] = json;
                    found++;
                }
            if (found > 0) { logger.LogInformation("resync found {Count} unbound pods not queued", found); Trigger(); }
        }
        catch (Exception e) when (e is OrleansException or TimeoutException) { logger.LogDebug("scheduler resync failed: {Message}", e.Message); }
    }

    public Task Ping() => Task.CompletedTask;

    /// <summary>A bound pod counts against its node until it has finished.</summary>
    void Place(ObjectKey key, PlacedPod.Facts p)
    {
        if (p.Phase is "Succeeded" or "Failed") return;
        _placed.Set(key, new Placements.Placed(p.NodeName!, p.MilliCpu, p.Memory, p.OwnerUid));
    }

    public Task Enqueue(ObjectKey pod, string? json)
    {
        // A pod announces itself when created and when its grain activates unbound. One we think placed is taken
        // again: its bind may have been lost (its bind is refused if it is bound after all, and the batch reads it).
        if (_binding.Contains(pod)) return Task.CompletedTask; // a failed bind queues it again by itself
        if (json != null) _announced[pod] = json; else _announced.Remove(pod);
        if (_pending.ContainsKey(pod))
        {
            // Taken from the index when this activation started, before the pod announced itself: keep its trace.
            if (_queuedAt.GetValueOrDefault(pod).Trace == null && Telemetry.Telemetry.ContinuedParent() is { } trace)
                _queuedAt[pod] = (System.Diagnostics.Stopwatch.GetTimestamp(), trace);
            return Task.CompletedTask;
        }
        _pending[pod] = ++_sequence;
        _queuedAt[pod] = (System.Diagnostics.Stopwatch.GetTimestamp(), Telemetry.Telemetry.ContinuedParent());
        Telemetry.Telemetry.SchedulerQueue(_pending.Count);
        Trigger();
        return Task.CompletedTask;
    }

    public Task Forget(ObjectKey pod)
    {
        var freed = _placed.Remove(pod);
        _pending.Remove(pod);
        _announced.Remove(pod);
        _unschedulable.Remove(pod);
        if (freed) Retry();
        return Task.CompletedTask;
    }

    public Task NodesChanged()
    {
        Retry();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ObjectKey>> Pending() => Task.FromResult<IReadOnlyList<ObjectKey>>(_pending.Keys.ToList());

    Task RetryUnschedulable() { Retry(); return Task.CompletedTask; }

    void Retry()
    {
        if (_pending.Count > 0) Trigger();
    }

    void Trigger(TimeSpan? delay = null)
    {
        if (_batch != null) return;
        // Under a stream of pods, the next batch waits as long as the last one took (at most 50 ms), so each batch
        // takes many pods and the snapshot of the nodes is paid once for them; a lone pod is scheduled at once.
        delay ??= DateTime.UtcNow - _lastBatchEnded < TimeSpan.FromSeconds(1)
            ? TimeSpan.FromTicks(Math.Min(_lastBatchTook.Ticks, TimeSpan.TicksPerMillisecond * 50)) : TimeSpan.Zero;
        _batch = this.RegisterGrainTimer(RunBatch, new GrainTimerCreationOptions(delay.Value, Timeout.InfiniteTimeSpan) { Interleave = false });
    }

    DateTime _lastBatchEnded;
    TimeSpan _lastBatchTook;

    async Task RunBatch()
    {
        _batch?.Dispose();
        _batch = null;
        if (_pending.Count == 0) return;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try { await Schedule(); }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            logger.LogInformation("scheduling batch failed ({Message}); retrying", e.Message);
            Trigger(TimeSpan.FromMilliseconds(300));
        }
        finally
        {
            _lastBatchTook = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            _lastBatchEnded = DateTime.UtcNow;
        }
    }

    async Task Schedule()
    {
        var nodes = await Snapshot();
        // A pod that cannot be read now (its silo is going away) stays pending for the next batch, soon.
        var unreadable = new HashSet<ObjectKey>();
        // Each pod's last write's trace: a pod queued without one (taken from the index at activation) continues it.
        var writeTraces = new Dictionary<ObjectKey, string>();
        // The pods this batch takes; others may be enqueued while it awaits, and are the next batch's.
        var taken = _pending.ToList();
        var pods = await Task.WhenAll(taken.Select(async kv =>
        {
            ApiResult r;
            if (_announced.Remove(kv.Key, out var announced)) r = ApiResult.Success(announced);
            else try { r = await GrainFactory.GetGrain<IPodGrain>(kv.Key.GrainKey).Get(); }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                lock (unreadable) unreadable.Add(kv.Key);
                logger.LogDebug("reading {Pod} failed: {Message}", kv.Key, e.Message);
                return null;
            }
            if (!r.Ok) return null;
            if (r.TraceParent != null) lock (writeTraces) writeTraces[kv.Key] = r.TraceParent;
            var p = Handoff<V1Pod>.Take(r.Json!) ?? Objects.FromJson<V1Pod>(r.Json!);
            if (p.Metadata.DeletionTimestamp != null) return null;
            if (!string.IsNullOrEmpty(p.Spec.NodeName)) { Place(kv.Key, PlacedPod.Of(p)); return null; }
            _placed.Remove(kv.Key); // announced again while unbound: an earlier bind did not land
            return PodInfo.From(kv.Key, p, kv.Value) with { VolumeNode = await VolumeNodeOf(p) };
        }));
        var read = pods.OfType<PodInfo>().Select(p => p.Key).ToHashSet();
        foreach (var (gone, _) in taken.Where(kv => !unreadable.Contains(kv.Key) && !read.Contains(kv.Key))) _pending.Remove(gone);

        var binds = new List<(PodInfo Pod, string Node)>();
        var failures = new List<(PodInfo Pod, string Message)>();
        var position = Positions(nodes);
        foreach (var pod in _pipeline.Scorer.Order(pods.OfType<PodInfo>()).ToList())
        {
            // The owner's live counts per node slot: this batch's own placements included.
            var d = _pipeline.Schedule(pod with { OwnerCounts = _placed.CountsOf(pod.OwnerUid) }, nodes, nodes.Count == 0 ? 0 : _nextStart % nodes.Count);
            if (nodes.Count > 0) _nextStart = (_nextStart + d.Examined) % nodes.Count;
            if (d.Node == null) { failures.Add((pod, d.FailureMessage!)); continue; }
            binds.Add((pod, d.Node));
            var i = position[d.Node];
            nodes[i] = WithPod(nodes[i], pod);
            _placed.Set(pod.Key, new Placements.Placed(d.Node, pod.MilliCpu, pod.Memory, pod.OwnerUid));
            _pending.Remove(pod.Key);
        }

        var retry = unreadable.Count > 0;
        // Binds run on while the next batch schedules (kube-scheduler's binding cycle): one slow bind (its node's grain
        // moving off a dead silo) holds up only its own pod. Their continuations run on this grain, one at a time.
        foreach (var b in binds)
        {
            _binding.Add(b.Pod.Key);
            _ = Bind(b.Pod, b.Node, writeTraces.GetValueOrDefault(b.Pod.Key));
        }

        await Task.WhenAll(failures.Select(async f =>
        {
            if (_unschedulable.TryGetValue(f.Pod.Key, out var last) && last == f.Message) return;
            _unschedulable[f.Pod.Key] = f.Message;
            await GrainFactory.GetGrain<IPodGrain>(f.Pod.Key.GrainKey).MarkUnschedulable(f.Message);
            await EventRecorder.Record(GrainFactory, f.Pod.Pod, Kinds.Pod, EventRecorder.Warning, "FailedScheduling", f.Message, Component);
        }));
        foreach (var k in _queuedAt.Keys.Where(k => !_pending.ContainsKey(k)).ToList()) _queuedAt.Remove(k);
        foreach (var k in _announced.Keys.Where(k => !_pending.ContainsKey(k)).ToList()) _announced.Remove(k);
        Telemetry.Telemetry.SchedulerQueue(_pending.Count);
        if (retry) Trigger(TimeSpan.FromMilliseconds(300));
    }

    readonly HashSet<ObjectKey> _binding = [];

    async Task Bind(PodInfo pod, string node, string? writeTrace)
    {
        var queued = _queuedAt.GetValueOrDefault(pod.Key);
        _queuedAt.Remove(pod.Key);
        var trace = queued.Trace ?? writeTrace;
        using var span = trace != null ? Telemetry.Telemetry.Start("schedule Pod", trace) : null;
        span?.SetTag("cluster.object", pod.Key.ToString());
        span?.SetTag("cluster.node", node);
        try
        {
            ApiResult r;
            try { r = await GrainFactory.GetGrain<IPodGrain>(pod.Key.GrainKey).Bind(node); }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // Unknown whether it landed: schedule the pod again; the next batch sees it bound or not.
                _placed.Remove(pod.Key);
                _pending[pod.Key] = pod.Sequence;
                _queuedAt[pod.Key] = queued;
                logger.LogInformation("binding {Pod} to {Node} failed ({Message}); retrying", pod.Key, node, e.Message);
                Trigger(TimeSpan.FromMilliseconds(300));
                return;
            }
            if (!r.Ok)
            {
                _placed.Remove(pod.Key);
                logger.LogDebug("binding {Pod} failed: {Message}", pod.Key, r.Message);
                // Bound elsewhere since it was announced (or by an earlier bind whose answer was lost): count it where it is.
                if (r.Code == 409) await PlaceAsIs(pod.Key);
                return;
            }
            if (queued.Since != 0) Telemetry.Telemetry.SchedulingLatency.Record(System.Diagnostics.Stopwatch.GetElapsedTime(queued.Since).TotalMilliseconds);
            if (options.Value.RecordScheduledEvents)
                await EventRecorder.Record(GrainFactory, Bound(pod, r), Kinds.Pod, EventRecorder.Normal, "Scheduled",
                    $"Successfully assigned {pod.Key.Namespace}/{pod.Key.Name} to {node}", Component);
        }
        catch (Exception e) { logger.LogWarning(e, "binding {Pod} to {Node} failed", pod.Key, node); }
        finally { _binding.Remove(pod.Key); }
    }

    /// <summary>What the Scheduled Event names of the bound pod: the pod as scheduled, at the bind's resourceVersion.
    /// (Decoding the whole bound pod from the bind's answer for it was 3% of what the scheduling benchmark allocated.)</summary>
    static V1Pod Bound(PodInfo pod, ApiResult bind)
    {
        if (bind.ResourceVersion == 0) return Objects.FromJson<V1Pod>(bind.Json!);
        var m = pod.Pod.Metadata;
        return new V1Pod { Metadata = new V1ObjectMeta { Name = m.Name, NamespaceProperty = m.NamespaceProperty ?? pod.Key.Namespace, Uid = m.Uid, ResourceVersion = bind.ResourceVersion.ToString() } };
    }

    async Task PlaceAsIs(ObjectKey key)
    {
        try
        {
            var r = await GrainFactory.GetGrain<IPodGrain>(key.GrainKey).Get();
            if (r.Ok && PlacedPod.Read(r.Json!) is { NodeName.Length: > 0 } p) Place(key, p);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException) { logger.LogDebug("reading {Pod} failed: {Message}", key, e.Message); }
    }

    /// <summary>The node holding the data of the pod's claimed volumes, if any holds data already.</summary>
    async Task<string?> VolumeNodeOf(V1Pod p)
    {
        foreach (var v in p.Spec.Volumes ?? [])
        {
            if (v.PersistentVolumeClaim is not { } claim) continue;
            var r = await GrainFactory.For(new ObjectKey("PersistentVolumeClaim", p.Metadata.NamespaceProperty, claim.ClaimName)).Get();
            if (!r.Ok || Objects.FromJson<V1PersistentVolumeClaim>(r.Json!).Spec?.VolumeName is not { Length: > 0 } pvName) continue;
            var pv = await GrainFactory.For(new ObjectKey("PersistentVolume", "", pvName)).Get();
            if (pv.Ok && Objects.FromJson<V1PersistentVolume>(pv.Json!).Metadata.Annotations is { } a
                && a.TryGetValue(Storage.VolumeBinding.NodeAnnotation, out var node)) return node;
        }
        return null;
    }

    // The owner's counts are not copied here: each pod reads them live, by node slot (PodInfo.OwnerCounts).
    static NodeInfo WithPod(NodeInfo n, PodInfo p) =>
        n with { RequestedMilliCpu = n.RequestedMilliCpu + p.MilliCpu, RequestedMemory = n.RequestedMemory + p.Memory, PodCount = n.PodCount + 1 };

    async Task<List<NodeInfo>> Snapshot()
    {
        var list = await GrainFactory.Index("Node", "").List(new ListRequest());
        var result = new List<NodeInfo>(list.Items.Count);
        // Each batch looks at every node: only those whose stored JSON changed since the last batch are decoded, and
        // what is placed on each is kept as pods come and go. A node's entry is made again only when its offer or what
        // is placed on it changed: a batch of a few dozen pods made 5,000 (12% of a loading silo's allocation).
        foreach (var n in _nodes.Decode(list.Items))
        {
            if (n.Deleting) continue;
            var u = _placed.On(n.Info.Name);
            var slot = _placed.SlotOf(n.Info.Name);
            if (!_entries.TryGetValue(n.Info.Name, out var last) || !ReferenceEquals(last.Offer, n) || last.Info.Slot != slot
                || last.Info.RequestedMilliCpu != u.MilliCpu || last.Info.RequestedMemory != u.Memory || last.Info.PodCount != u.Count)
            {
                // PodsByOwner stays empty: fair share reads the owner's counts by this slot (PodInfo.OwnerCounts).
                last = (n, n.Info with { Slot = slot, RequestedMilliCpu = u.MilliCpu, RequestedMemory = u.Memory, PodCount = u.Count });
                _entries[n.Info.Name] = last;
            }
            result.Add(last.Info);
        }
        if (_entries.Count > result.Count + 64)
            foreach (var name in _entries.Keys.Except(result.Select(r => r.Name)).ToList()) _entries.Remove(name);
        return result;
    }

    // The last snapshot's entry of each node (records, never changed: a batch replaces its own list's entries).
    readonly Dictionary<string, (NodeOffer Offer, NodeInfo Info)> _entries = [];

    /// <summary>Each node's index in the snapshot, kept while the snapshot lists the same nodes in the same order.</summary>
    Dictionary<string, int> Positions(List<NodeInfo> nodes)
    {
        var same = _positions.Count == nodes.Count;
        for (var n = 0; same && n < nodes.Count; n++) same = _positions.TryGetValue(nodes[n].Name, out var i) && i == n;
        if (same) return _positions;
        _positions.Clear();
        for (var n = 0; n < nodes.Count; n++) _positions[nodes[n].Name] = n;
        return _positions;
    }

    readonly Dictionary<string, int> _positions = [];

    static readonly IReadOnlyDictionary<string, int> NoOwners = new Dictionary<string, int>();

    /// <summary>What a node offers, decoded once per version of its object.</summary>
    sealed record NodeOffer(NodeInfo Info, bool Deleting)
    {
        public static NodeOffer From(V1Node n)
        {
            var alloc = n.Status?.Allocatable ?? n.Status?.Capacity ?? new Dictionary<string, ResourceQuantity>();
            return new NodeOffer(new NodeInfo(
                n.Metadata.Name,
                n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
                n.Spec?.Unschedulable == true,
                (IReadOnlyDictionary<string, string>?)n.Metadata.Labels?.ToDictionary() ?? new Dictionary<string, string>(),
                n.Spec?.Taints?.ToList() ?? [],
                alloc.TryGetValue("cpu", out var cpu) ? (long)(cpu.ToDecimal() * 1000m) : 0,
                alloc.TryGetValue("memory", out var mem) ? (long)mem.ToDecimal() : 0,
                alloc.TryGetValue("pods", out var pods) ? (int)pods.ToDecimal() : 110,
                0, 0, 0, NoOwners), n.Metadata.DeletionTimestamp != null);
        }
    }

    readonly Decoded<NodeOffer> _nodes = new(json => NodeOffer.From(Objects.FromJson<V1Node>(json)));
}
