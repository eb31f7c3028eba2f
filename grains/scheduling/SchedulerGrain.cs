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
    sealed record Placed(string Node, long MilliCpu, long Memory, string? OwnerUid);

    readonly Dictionary<ObjectKey, long> _pending = new();
    readonly Dictionary<ObjectKey, string> _unschedulable = new();
    readonly Dictionary<ObjectKey, Placed> _placed = new();
    // When each pending pod was queued, and the trace that queued it (a pod's scheduling continues its trace).
    readonly Dictionary<ObjectKey, (long Since, string? Trace)> _queuedAt = new();
    SchedulingPipeline _pipeline = null!;
    IGrainTimer? _batch;
    long _sequence;
    int _nextStart; // where the next pod's search over the nodes begins (kube-scheduler's nextStartNodeIndex)

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        _pipeline = new SchedulingPipeline(Strategies.Create(options.Value.Strategy));
        // What is already placed counts against node capacity: rebuild it from the pod indexes.
        foreach (var ns in await GrainFactory.NamespaceNames())
        {
            foreach (var json in (await GrainFactory.Index("Pod", ns).List(new ListRequest())).Items)
            {
                var p = Objects.FromJson<V1Pod>(json);
                var key = new ObjectKey("Pod", ns, p.Metadata.Name);
                if (!string.IsNullOrEmpty(p.Spec.NodeName)) Place(key, p, p.Spec.NodeName);
                // Level-based: a new activation (its predecessor's silo died with its queue) takes every unbound pod.
                else if (p.Metadata.DeletionTimestamp == null) _pending[key] = ++_sequence;
            }
        }
        this.RegisterGrainTimer(RetryUnschedulable, new GrainTimerCreationOptions(options.Value.RetryUnschedulable, options.Value.RetryUnschedulable) { Interleave = false });
        Retry();
    }

    void Place(ObjectKey key, V1Pod p, string node)
    {
        var info = PodInfo.From(key, p, 0);
        if (p.Status?.Phase is "Succeeded" or "Failed") return;
        _placed[key] = new Placed(node, info.MilliCpu, info.Memory, info.OwnerUid);
    }

    public Task Enqueue(ObjectKey pod)
    {
        // Pods re-announce themselves while unbound. One we think placed is taken again: its bind may have been
        // lost (the batch re-reads the pod and drops it if it is bound after all).
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
        _batch = this.RegisterGrainTimer(RunBatch, new GrainTimerCreationOptions(delay ?? TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = false });
    }

    async Task RunBatch()
    {
        _batch?.Dispose();
        _batch = null;
        if (_pending.Count == 0) return;
        try { await Schedule(); }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            logger.LogInformation("scheduling batch failed ({Message}); retrying", e.Message);
            Trigger(TimeSpan.FromMilliseconds(300));
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
            try { r = await GrainFactory.GetGrain<IPodGrain>(kv.Key.GrainKey).Get(); }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                lock (unreadable) unreadable.Add(kv.Key);
                logger.LogDebug("reading {Pod} failed: {Message}", kv.Key, e.Message);
                return null;
            }
            if (!r.Ok) return null;
            if (r.TraceParent != null) lock (writeTraces) writeTraces[kv.Key] = r.TraceParent;
            var p = Objects.FromJson<V1Pod>(r.Json!);
            if (p.Metadata.DeletionTimestamp != null) return null;
            if (!string.IsNullOrEmpty(p.Spec.NodeName)) { Place(kv.Key, p, p.Spec.NodeName); return null; }
            _placed.Remove(kv.Key); // announced again while unbound: an earlier bind did not land
            return PodInfo.From(kv.Key, p, kv.Value) with { VolumeNode = await VolumeNodeOf(p) };
        }));
        var read = pods.OfType<PodInfo>().Select(p => p.Key).ToHashSet();
        foreach (var (gone, _) in taken.Where(kv => !unreadable.Contains(kv.Key) && !read.Contains(kv.Key))) _pending.Remove(gone);

        var binds = new List<(PodInfo Pod, string Node)>();
        var failures = new List<(PodInfo Pod, string Message)>();
        var position = new Dictionary<string, int>(nodes.Count);
        for (var n = 0; n < nodes.Count; n++) position[nodes[n].Name] = n;
        foreach (var pod in _pipeline.Scorer.Order(pods.OfType<PodInfo>()).ToList())
        {
            var d = _pipeline.Schedule(pod, nodes, nodes.Count == 0 ? 0 : _nextStart % nodes.Count);
            if (nodes.Count > 0) _nextStart = (_nextStart + d.Examined) % nodes.Count;
            if (d.Node == null) { failures.Add((pod, d.FailureMessage!)); continue; }
            binds.Add((pod, d.Node));
            var i = position[d.Node];
            nodes[i] = WithPod(nodes[i], pod);
            _placed[pod.Key] = new Placed(d.Node, pod.MilliCpu, pod.Memory, pod.OwnerUid);
            _pending.Remove(pod.Key);
        }

        var retry = unreadable.Count > 0;
        await Task.WhenAll(binds.Select(async b =>
        {
            ApiResult r;
            var queued = _queuedAt.GetValueOrDefault(b.Pod.Key);
            _queuedAt.Remove(b.Pod.Key);
            var trace = queued.Trace ?? writeTraces.GetValueOrDefault(b.Pod.Key);
            using var span = trace != null ? Telemetry.Telemetry.Start("schedule Pod", trace) : null;
            span?.SetTag("cluster.object", b.Pod.Key.ToString());
            span?.SetTag("cluster.node", b.Node);
            try { r = await GrainFactory.GetGrain<IPodGrain>(b.Pod.Key.GrainKey).Bind(b.Node); }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // Unknown whether it landed: schedule the pod again; the next batch sees it bound or not.
                _placed.Remove(b.Pod.Key);
                _pending[b.Pod.Key] = b.Pod.Sequence;
                _queuedAt[b.Pod.Key] = queued;
                retry = true;
                logger.LogInformation("binding {Pod} to {Node} failed ({Message}); retrying", b.Pod.Key, b.Node, e.Message);
                return;
            }
            if (!r.Ok) { _placed.Remove(b.Pod.Key); logger.LogDebug("binding {Pod} failed: {Message}", b.Pod.Key, r.Message); return; }
            if (queued.Since != 0) Telemetry.Telemetry.SchedulingLatency.Record(System.Diagnostics.Stopwatch.GetElapsedTime(queued.Since).TotalMilliseconds);
            if (options.Value.RecordScheduledEvents)
                await EventRecorder.Record(GrainFactory, Objects.FromJson<V1Pod>(r.Json!), Kinds.Pod, EventRecorder.Normal, "Scheduled",
                    $"Successfully assigned {b.Pod.Key.Namespace}/{b.Pod.Key.Name} to {b.Node}", Component);
        }));

        await Task.WhenAll(failures.Select(async f =>
        {
            if (_unschedulable.TryGetValue(f.Pod.Key, out var last) && last == f.Message) return;
            _unschedulable[f.Pod.Key] = f.Message;
            await GrainFactory.GetGrain<IPodGrain>(f.Pod.Key.GrainKey).MarkUnschedulable(f.Message);
            await EventRecorder.Record(GrainFactory, f.Pod.Pod, Kinds.Pod, EventRecorder.Warning, "FailedScheduling", f.Message, Component);
        }));
        foreach (var k in _queuedAt.Keys.Where(k => !_pending.ContainsKey(k)).ToList()) _queuedAt.Remove(k);
        Telemetry.Telemetry.SchedulerQueue(_pending.Count);
        if (retry) Trigger(TimeSpan.FromMilliseconds(300));
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

    static NodeInfo WithPod(NodeInfo n, PodInfo p)
    {
        var byOwner = new Dictionary<string, int>(n.PodsByOwner);
        if (p.OwnerUid != null) byOwner[p.OwnerUid] = byOwner.GetValueOrDefault(p.OwnerUid) + 1;
        return n with { RequestedMilliCpu = n.RequestedMilliCpu + p.MilliCpu, RequestedMemory = n.RequestedMemory + p.Memory, PodCount = n.PodCount + 1, PodsByOwner = byOwner };
    }

    async Task<List<NodeInfo>> Snapshot()
    {
        var list = await GrainFactory.Index("Node", "").List(new ListRequest());
        var byNode = _placed.Values.GroupBy(p => p.Node).ToDictionary(g => g.Key, g => g.ToList());
        var result = new List<NodeInfo>();
        // Each batch looks at every node: only those whose stored JSON changed since the last batch are decoded.
        foreach (var n in _nodes.Decode(list.Items))
        {
            if (n.Metadata.DeletionTimestamp != null) continue;
            var placed = byNode.GetValueOrDefault(n.Metadata.Name) ?? [];
            var alloc = n.Status?.Allocatable ?? n.Status?.Capacity ?? new Dictionary<string, ResourceQuantity>();
            result.Add(new NodeInfo(
                n.Metadata.Name,
                n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
                n.Spec?.Unschedulable == true,
                (IReadOnlyDictionary<string, string>?)n.Metadata.Labels?.ToDictionary() ?? new Dictionary<string, string>(),
                n.Spec?.Taints?.ToList() ?? [],
                alloc.TryGetValue("cpu", out var cpu) ? (long)(cpu.ToDecimal() * 1000m) : 0,
                alloc.TryGetValue("memory", out var mem) ? (long)mem.ToDecimal() : 0,
                alloc.TryGetValue("pods", out var pods) ? (int)pods.ToDecimal() : 110,
                placed.Sum(p => p.MilliCpu), placed.Sum(p => p.Memory), placed.Count,
                placed.Where(p => p.OwnerUid != null).GroupBy(p => p.OwnerUid!).ToDictionary(g => g.Key, g => g.Count())));
        }
        return result;
    }

    readonly Decoded<V1Node> _nodes = new();
}
