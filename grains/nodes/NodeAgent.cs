using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Cluster.Grains.Events;
using Cluster.Grains.Runtime;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Calls;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Nodes;

/// <summary>
/// The node agent (our kubelet): registers its Node, heartbeats, learns the pods bound to it from the node grain,
/// and makes the runtime match them, reporting each pod's status back. After a restart it re-adopts the
/// containers that still belong to assigned pods and removes every other container labelled with its node.
/// </summary>
public sealed class NodeAgent : IAsyncDisposable
{
    const string Component = "kubelet";
    readonly string _node;
    readonly IContainerRuntime _runtime;
    readonly IGrainFactory _grains;
    // The silo's copies of the Services and headless Endpoints the agent reads for every pod.
    readonly IndexCache _lists;
    readonly ILogger _logger;
    readonly NodeAgentOptions _options;
    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    readonly Channel<bool> _probeWake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    readonly ConcurrentDictionary<string, Dictionary<string, Waiting>> _waiting = new();
    // A hash of the status (and host ports) last reported for each pod: what the grain holds, as far as we know.
    readonly ConcurrentDictionary<string, ulong> _reported = new();
    readonly CancellationTokenSource _stop = new();
    IReadOnlyList<ObjectKey> _assigned = [];
    /// <summary>Probe states by container id and kind; dropped with the container.</summary>
    readonly ConcurrentDictionary<(string ContainerId, ProbeKind Kind), ProbeState> _probes = new();
    // Running pods that have probes (the probe loop's work), by uid.
    readonly ConcurrentDictionary<string, (ObjectKey Key, V1Pod Pod)> _running = new();
    static readonly HttpClient ProbeHttp = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) });
    bool _assignmentsKnown;
    readonly List<Task> _loops = [];

    public NodeAgent(string node, IContainerRuntime runtime, IGrainFactory grains, NodeAgentOptions options, ILogger logger, IndexCache lists)
    {
        _node = node; _runtime = runtime; _grains = grains; _options = options; _logger = logger; _lists = lists;
        _volumes = new Volumes.PodVolumes(options.VolumesRoot ?? Path.Combine(Path.GetTempPath(), "cluster-volumes", node), grains, node);
        _runtime.ContainerChanged += _ => Wake();
    }

    readonly Volumes.PodVolumes _volumes;
    volatile IReadOnlyList<PodUsage> _usage = [];
    /// <summary>CPU and memory of this node's running pods, sampled every UsagePeriod (empty with the simulated runtime).</summary>
    public IReadOnlyList<PodUsage> Usage => _usage;

    /// <summary>Samples the running containers' usage for the autoscaler (the engine's stats; about 1 s per sample).</summary>
    async Task UsageLoop(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var containers = (await _runtime.ListAsync(_node, ct)).Where(c => c.State == ContainerStates.Running).ToList();
                var samples = new List<(string Uid, double Cpu, long Memory)>();
                using var gate = new SemaphoreSlim(4);
                await Task.WhenAll(containers.Select(async c =>
                {
                    await gate.WaitAsync(ct);
                    try { if (await _runtime.UsageAsync(c.Id, ct) is { } u) lock (samples) samples.Add((c.PodUid, u.MilliCpu, u.MemoryBytes)); }
                    catch (Exception e) when (e is not OperationCanceledException) { _logger.LogDebug("sampling {Id} failed: {Message}", c.Id, e.Message); }
                    finally { gate.Release(); }
                }));
                _usage = samples.GroupBy(s => s.Uid).Select(g => new PodUsage(g.Key, g.Sum(x => x.Cpu), g.Sum(x => x.Memory))).ToList();
            }
            catch (Exception e) when (e is not OperationCanceledException) { _logger.LogDebug("sampling usage on {Node} failed: {Message}", _node, e.Message); }
            try { await Task.Delay(_options.UsagePeriod, ct); } catch (OperationCanceledException) { return; }
        }
    }

    public string NodeName => _node;
    public IContainerRuntime Runtime => _runtime;
    INodeGrain NodeGrain => _grains.GetGrain<INodeGrain>(new ObjectKey("Node", "", _node).GrainKey);

    public async Task StartAsync(CancellationToken ct)
    {
        _lastHeartbeat = DateTime.UtcNow;
        _started = true;
        await RegisterAsync(ct);
        await _runtime.WatchAsync(_node, _stop.Token);
        _loops.Add(Task.Run(() => HeartbeatLoop(_stop.Token)));
        _loops.Add(Task.Run(() => AssignmentLoop(_stop.Token)));
        _loops.Add(Task.Run(() => SyncLoop(_stop.Token)));
        _loops.Add(Task.Run(() => ProbeLoop(_stop.Token)));
        if (_runtime.Name != "simulated" && _options.UsagePeriod > TimeSpan.Zero) _loops.Add(Task.Run(() => UsageLoop(_stop.Token)));
    }

    void Wake()
    {
        Volatile.Write(ref _woken, 1);
        _wake.Writer.TryWrite(true);
    }

    async Task RegisterAsync(CancellationToken ct)
    {
        var info = await _runtime.InfoAsync(ct);
        var node = new V1Node
        {
            ApiVersion = "v1", Kind = "Node",
            Metadata = new V1ObjectMeta
            {
                Name = _node,
                Labels = new Dictionary<string, string>
                {
                    ["kubernetes.io/hostname"] = _node, ["kubernetes.io/os"] = "linux", ["kubernetes.io/arch"] = info.Architecture == "x86_64" ? "amd64" : info.Architecture,
                    ["beta.kubernetes.io/os"] = "linux", ["beta.kubernetes.io/arch"] = info.Architecture == "x86_64" ? "amd64" : info.Architecture,
                },
            },
            Spec = new V1NodeSpec(),
            Status = Status(info, DateTime.UtcNow, null),
        };
        var r = await NodeGrain.Create(Objects.ToJson(node), WriteOptions.Default);
        if (!r.Ok && r.Reason != "AlreadyExists") throw new InvalidOperationException($"registering node {_node} failed: {r.Message}");
        await HeartbeatAsync(ct);
        _logger.Log(_options.LogRegistration ? LogLevel.Information : LogLevel.Debug,
            "node {Node} registered ({Runtime}, {Cpus} cpus, {Memory} MiB)", _node, _runtime.Name, info.Cpus, info.MemoryBytes >> 20);
    }

    RuntimeInfo? _info;
    // The status this agent last recorded, and when: while nothing in it changes, a heartbeat only renews (Kubernetes'
    // kubelet renews a Lease and posts its full status every five minutes or on change).
    V1NodeStatus? _recorded;
    DateTime _recordedAt;
    static readonly TimeSpan FullStatusPeriod = TimeSpan.FromMinutes(5);

    async Task HeartbeatAsync(CancellationToken ct)
    {
        _info ??= await _runtime.InfoAsync(ct);
        if (_recorded != null && DateTime.UtcNow - _recordedAt < FullStatusPeriod)
        {
            var renewed = await NodeGrain.Renew();
            if (renewed.Ok) return;
            // The node controller marked the node (unreachable, restarting) or it is gone: post the full status.
        }
        var prev = _recorded;
        if (prev == null)
        {
            var current = await NodeGrain.Get();
            prev = current.Ok ? Objects.FromJson<V1Node>(current.Json!).Status : null;
        }
        var status = Status(_info, DateTime.UtcNow, prev);
        var r = await NodeGrain.Heartbeat(Objects.ToJson(status));
        if (!r.Ok) { _recorded = null; throw new InvalidOperationException($"the heartbeat was not recorded: {r.Message}"); }
        // The first full status is dated back by a random share of the period: agents that registered together (a
        // silo's 5,000 simulated nodes) then post their full status spread over five minutes, not in one burst.
        _recordedAt = DateTime.UtcNow - (_recorded == null ? FullStatusPeriod * Random.Shared.NextDouble() : TimeSpan.Zero);
        _recorded = status;
    }

    V1NodeStatus Status(RuntimeInfo info, DateTime now, V1NodeStatus? prev)
    {
        var t = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var capacity = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(info.Cpus.ToString()), ["memory"] = new($"{info.MemoryBytes / 1024}Ki"),
            ["pods"] = new(_options.MaxPods.ToString()), ["ephemeral-storage"] = new("100Gi"),
        };
        V1NodeCondition Cond(string type, string status, string reason, string message)
        {
            var p = prev?.Conditions?.FirstOrDefault(c => c.Type == type);
            return new V1NodeCondition
            {
                Type = type, Status = status, Reason = reason, Message = message, LastHeartbeatTime = t,
                LastTransitionTime = p != null && p.Status == status ? p.LastTransitionTime : t,
            };
        }
        return new V1NodeStatus
        {
            Capacity = capacity,
            Allocatable = new Dictionary<string, ResourceQuantity>(capacity),
            Conditions =
            [
                Cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                Cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                Cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                Cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            Addresses = [new V1NodeAddress { Type = "InternalIP", Address = _options.HostIp }, new V1NodeAddress { Type = "Hostname", Address = _node }],
            NodeInfo = new V1NodeSystemInfo
            {
                Architecture = info.Architecture == "x86_64" ? "amd64" : info.Architecture, OperatingSystem = "linux", OsImage = info.OsImage,
                KernelVersion = info.KernelVersion, ContainerRuntimeVersion = info.RuntimeVersion,
                KubeletVersion = "v1.32.0", KubeProxyVersion = "v1.32.0", MachineID = _node, SystemUUID = _node, BootID = _bootId,
            },
            DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = 0 } },
        };
    }

    readonly string _bootId = Guid.NewGuid().ToString();

    DateTime _lastHeartbeat = DateTime.UtcNow;

    /// <summary>The agent is waiting for its turn to start (its silo starts thousands a few at a time), or it runs and
    /// reaches the cluster (a heartbeat recorded within two heartbeat periods) and is not fenced. Its silo renews the
    /// node's lease for it (<see cref="NodeLifecycleGrain.Renew"/>).</summary>
    public bool Alive => !_fenced && (!_started || DateTime.UtcNow - _lastHeartbeat < _options.HeartbeatPeriod * 2);
    bool _started;
    bool _fenced;

    async Task HeartbeatLoop(CancellationToken ct)
    {
        var period = _options.FenceAfter > TimeSpan.Zero && _options.FenceAfter < _options.HeartbeatPeriod * 2 ? _options.FenceAfter / 3 : _options.HeartbeatPeriod;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, ct);
                await HeartbeatAsync(ct);
                _lastHeartbeat = DateTime.UtcNow;
                if (_fenced) { _fenced = false; _logger.LogWarning("node {Node} is back in touch with the cluster", _node); Wake(); }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _logger.LogWarning("heartbeat of {Node} failed: {Message}", _node, e.Message);
                if (_options.FenceAfter > TimeSpan.Zero && !_fenced && DateTime.UtcNow - _lastHeartbeat > _options.FenceAfter)
                {
                    _fenced = true;
                    await FenceAsync($"no heartbeat recorded for {(DateTime.UtcNow - _lastHeartbeat).TotalSeconds:0}s");
                }
            }
        }
    }

    /// <summary>Stops every container of this node: the cluster may have replaced its pods elsewhere (no duplicates).</summary>
    public async Task FenceAsync(string why)
    {
        _logger.LogError("node {Node} fences itself ({Why}): stopping its containers", _node, why);
        try
        {
            foreach (var c in await _runtime.ListAsync(_node, CancellationToken.None))
                await _runtime.RemoveAsync(c.Id, CancellationToken.None);
        }
        catch (Exception e) { _logger.LogError(e, "fencing node {Node} failed", _node); }
    }

    long _assignmentsVersion = -1;
    // Pods as last read, and which to read again on the next pass (guarded by _wake's lock).
    readonly ConcurrentDictionary<ObjectKey, KnownPod> _pods = new();
    /// <summary>Pods bound to this node that the agent knows of now.</summary>
    public int PodCount => _pods.Count;
    readonly HashSet<ObjectKey> _changed = [];
    readonly Dictionary<ObjectKey, PushedPod> _pushed = new();
    bool _rereadAll = true;
    DateTime _lastFullRead;

    /// <summary>The pods bound here, from the node grain (pushed when it runs in this silo, or polled). A push for one
    /// pod's write may bring the pod as written: then the agent need not read it.</summary>
    public void Receive(NodeAssignments a, PushedPod? pushed = null) => Take(a, pushed);

    void Take(NodeAssignments a, PushedPod? pushed)
    {
        lock (_wake)
        {
            // Versions start from the activation's clock, so a newer activation's list wins over a late older one.
            var newer = a.Version > _assignmentsVersion || !_assignmentsKnown;
            // What changed is worth knowing even from a late message: re-reading a pod is never wrong. A list that
            // does not say what changed (a poll, a new activation) is read again whole, unless it is one already seen.
            if (a.Changed == null) _rereadAll |= newer;
            else foreach (var k in a.Changed)
            {
                _changed.Add(k);
                if (pushed != null && a.Changed.Count == 1) _pushed[k] = pushed; else _pushed.Remove(k);
            }
            if (!newer) return;
            _assignmentsVersion = a.Version;
            _assigned = a.Pods;
            _assignmentsKnown = true;
        }
        Wake();
    }

    async Task AssignmentLoop(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Short polls: the node grain pushes changes in-process (Receive); the poll is the fallback, and it
                // must not hold the grain for long (a grain being deactivated waits for its running calls: a 10 s
                // poll held a node's binds for 8 s after another silo died). While the grain is in this silo its
                // pushes arrive and the poll is rarer (5,000 nodes polled 2,500 times a second).
                long known;
                lock (_wake) known = _assignmentsKnown ? _assignmentsVersion : -1;
                var a = await NodeGrain.WaitAssignments(known, TimeSpan.FromSeconds(2));
                Take(a, null);
                if (a.Local) await Task.Delay(TimeSpan.FromSeconds(8), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _logger.LogWarning("fetching assignments of {Node} failed: {Message}", _node, e.Message);
                try { await Task.Delay(500, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    async Task SyncLoop(CancellationToken ct)
    {
        // A wake or the silo's resync clock, whichever comes first; a wake also marks the pass as not the clock's alone.
        using var clock = AgentClock.Every(_options.ResyncPeriod, () => _wake.Writer.TryWrite(true));
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _wake.Reader.WaitToReadAsync(ct);
                _wake.Reader.TryRead(out _);
                var woken = Interlocked.Exchange(ref _woken, 0) == 1;
                if (!_assignmentsKnown || _fenced) continue;
                await SyncAllAsync(ct, clockOnly: !woken);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _logger.LogWarning("sync of node {Node} failed: {Message}", _node, e.Message);
                WakeSoon();
            }
        }
    }

    int _woken;

    /// <summary>Another pass shortly, after a pass that could not see everything.</summary>
    void WakeSoon() => _ = Task.Delay(300).ContinueWith(_ => Wake(), TaskScheduler.Default);

    /// <summary>One pass over every pod bound here and every container labelled with this node.</summary>
    public async Task SyncAllAsync(CancellationToken ct, bool clockOnly = false)
    {
        var assigned = _assigned;
        var containers = await _runtime.ListAsync(_node, ct);
        var containersHash = ContainersHash(containers);
        // A pod that cannot be read now (its grain is moving off a crashed silo) does not hold up the others; the
        // pass runs again shortly, and nothing is removed while any pod is unknown.
        // Only the pods that changed are read again (a pass per new pod would otherwise read every pod of the node:
        // quadratic in pods per node); all of them every PodRereadPeriod.
        bool all;
        HashSet<ObjectKey> changed;
        Dictionary<ObjectKey, PushedPod> pushed;
        lock (_wake)
        {
            all = _rereadAll || DateTime.UtcNow - _lastFullRead > _options.PodRereadPeriod;
            _rereadAll = false;
            changed = [.. _changed];
            _changed.Clear();
            pushed = new Dictionary<ObjectKey, PushedPod>(_pushed);
            _pushed.Clear();
        }
        if (all) _lastFullRead = DateTime.UtcNow;
        // A pass that only the clock brought (no wake: no pod written, pushed or probed, no container event), when the
        // last pass had nothing to do and the assignments and the containers are the same: it would have nothing to
        // do again. 5,000 idle simulated nodes made 2,500 such passes a second, most of a loaded silo's steady work
        // and of its garbage. The full pass every PodRereadPeriod still runs.
        if (clockOnly && !all && changed.Count == 0 && pushed.Count == 0
            && _idle is { } idle && ReferenceEquals(idle.Assigned, assigned) && idle.Containers == containersHash)
            return;
        _idle = null;
        // A full read asks the pod index for this node's pods (one call, no pod grain woken: 5,000 nodes re-reading
        // 150,000 pods every 30 s through their grains kept every pod active); a pod the index does not hold is gone.
        Dictionary<ObjectKey, string>? fromIndex = null;
        var unknown = false;
        if (all)
        {
            try
            {
                fromIndex = new Dictionary<ObjectKey, string>();
                foreach (var (ns, name, json) in await _grains.PodsOnNode(_node))
                    fromIndex[new ObjectKey("Pod", ns, name)] = json;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                _logger.LogDebug("listing the pods of {Node} failed: {Message}", _node, e.Message);
                fromIndex = null;
                unknown = true;
                lock (_wake) _rereadAll = true;
            }
        }
        var results = await Task.WhenAll(assigned.Select(async k =>
        {
            if (fromIndex != null)
                return (Key: k, Json: fromIndex.GetValueOrDefault(k), Trace: (string?)null, Code: fromIndex.ContainsKey(k) ? 200 : 404);
            if (!changed.Contains(k) && _pods.TryGetValue(k, out var known)) return (Key: k, Json: (string?)known.Json, Trace: known.Trace, Code: 200);
            if (pushed.TryGetValue(k, out var p)) return (Key: k, Json: (string?)p.Json, Trace: p.Trace, Code: 200);
            try
            {
                var r = await _grains.For(k).Get();
                return (Key: k, Json: r.Json, r.TraceParent, r.Code);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                _logger.LogDebug("reading {Pod} failed: {Message}", k, e.Message);
                return (Key: k, Json: (string?)null, Trace: (string?)null, Code: 503);
            }
        }));
        var pods = new List<KnownPod>();
        foreach (var (key, json, trace, code) in results)
        {
            if (code == 200 && json != null) pods.Add(Remember(key, json, trace));
            else
            {
                _pods.TryRemove(key, out _);
                if (code != 404) { unknown = true; lock (_wake) _changed.Add(key); }
            }
        }
        var bound = assigned.ToHashSet();
        // Enumerated, not .Keys: a concurrent dictionary's Keys takes all its locks (contended with the node grain's pushes).
        foreach (var (k, _) in _pods) if (!bound.Contains(k)) _pods.TryRemove(k, out _);
        if (unknown) WakeSoon();
        var live = pods.Where(p => p.NodeName == _node).ToDictionary(p => p.Uid);

        // Containers of pods that are no longer ours (deleted, replaced while we were down) are removed.
        var removed = false;
        if (!unknown)
            foreach (var c in containers.Where(c => !live.ContainsKey(c.PodUid)))
            {
                removed = true;
                _logger.LogInformation("removing container {Id} of {Ns}/{Pod}: the pod is not bound to {Node}", c.Id[..12], c.Namespace, c.PodName, _node);
                await _runtime.RemoveAsync(c.Id, ct);
            }
        foreach (var (uid, _) in _waiting) if (!live.ContainsKey(uid)) _waiting.TryRemove(uid, out _);
        foreach (var (uid, _) in _reported) if (!live.ContainsKey(uid)) _reported.TryRemove(uid, out _);
        foreach (var (uid, _) in _running) if (!live.TryGetValue(uid, out var p) || !p.HasProbes) _running.TryRemove(uid, out _);
        foreach (var (uid, p) in live)
            if (p.HasProbes && (!_running.TryGetValue(uid, out var r) || !ReferenceEquals(r.Pod, p.Pod)))
            {
                _running[uid] = (p.Key, p.Pod);
                _probeWake.Writer.TryWrite(true);
            }
        if (!unknown) _volumes.RemoveExcept(live.ContainsKey);
        // ConfigMap and Secret volumes follow their objects while the pod runs.
        foreach (var p in live.Values.Where(p => p.HasConfigVolumes).Select(p => p.Pod))
            try { await _volumes.RefreshAsync(p); }
            catch (Exception e) when (e is OrleansException or TimeoutException or IOException) { _logger.LogDebug("refreshing the volumes of {Pod} failed: {Message}", p.Metadata.Name, e.Message); }
        if (_runtime.BindsFiles)
        {
            var withContainers = containers.Select(c => c.PodUid).ToHashSet();
            await WriteHostsFiles(live.Values.Where(p => withContainers.Contains(p.Uid)).Select(p => p.Pod).ToList());
        }
        var ids = containers.Select(c => c.Id).ToHashSet();
        foreach (var (k, _) in _probes) if (!ids.Contains(k.ContainerId)) _probes.TryRemove(k, out _);

        var byPod = containers.GroupBy(c => c.PodUid).ToDictionary(g => g.Key, g => (IReadOnlyList<RuntimeContainer>)g.ToList());
        using var gate = new SemaphoreSlim(_options.StartConcurrency);
        var acted = 0;
        await Task.WhenAll(live.Values.Select(async p =>
        {
            var observed = byPod.GetValueOrDefault(p.Uid) ?? [];
            // Settled and unchanged (same version, same containers, nothing waiting on the clock): nothing to do.
            var input = p.ClockFree && !(_waiting.TryGetValue(p.Uid, out var w) && w.Count > 0) ? (p.ResourceVersion, ContainersHash(observed)) : ((long, ulong)?)null;
            if (input != null && p.Settled == input) return;
            p.Settled = null;
            Interlocked.Increment(ref acted);
            await gate.WaitAsync(ct);
            try
            {
                if (await SyncPodAsync(p, observed, ct) && input != null)
                {
                    p.Settled = input;
                    p.Release(); // a settled pod keeps its JSON only
                }
            }
            catch (Exception e) when (e is not OperationCanceledException) { _logger.LogWarning(e, "sync of pod {Pod} failed", p.Key); }
            finally { gate.Release(); }
        }));
        if (all && !unknown) _firstSync.TrySetResult();
        // Nothing acted on, nothing waiting on the clock, nothing polled for (ConfigMap and Secret volumes, /etc/hosts
        // files follow other objects): the next pass the clock alone brings can be skipped.
        if (!unknown && !removed && acted == 0 && _waiting.IsEmpty && !live.Values.Any(p => p.HasConfigVolumes)
            && (!_runtime.BindsFiles || live.Count == 0))
            _idle = (assigned, containersHash);
    }

    (IReadOnlyList<ObjectKey> Assigned, ulong Containers)? _idle;

    readonly TaskCompletionSource _firstSync = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Completes when a pass has seen every pod bound here and every container of this node, and acted on them
    /// (after a restart: the node's containers re-adopted or replaced, and the pods' status written).</summary>
    public Task FirstSync => _firstSync.Task;

    /// <summary>The pod a read returned, decoded once per version.</summary>
    KnownPod Remember(ObjectKey key, string json, string? trace)
    {
        var had = _pods.TryGetValue(key, out var known);
        if (had && ReferenceEquals(known!.Json, json)) return known;
        if (had && known!.Json == json) return known;
        var next = new KnownPod(key, json, trace ?? known?.Trace);
        // A pushed copy can be older than one read meanwhile (the agent's own status write): keep the newer.
        if (had && known!.Uid == next.Uid && known.ResourceVersion > next.ResourceVersion) return known;
        _pods[key] = next;
        return next;
    }

    /// <summary>FNV-1a over what a pass compares of a pod's containers (id, state, exit code).</summary>
    static ulong ContainersHash(IReadOnlyList<RuntimeContainer> observed)
    {
        var h = Fnv.Start;
        foreach (var c in observed) h = Fnv.Add(Fnv.Add(Fnv.Add(h, c.Id), c.State), c.ExitCode);
        return h;
    }

    /// <summary>The Endpoints of the headless Services in a namespace (the service records of its pods' hosts files).</summary>
    async Task<IReadOnlyList<V1Endpoints>> HeadlessEndpoints(string ns) =>
        (await _lists.List(Kinds.Endpoints.Kind, ns, Controllers.Endpoints.EndpointsReconciler.HeadlessLabel)).Select(SharedDecoded<V1Endpoints>.Of).ToList();

    /// <summary>Keeps every running pod's /etc/hosts current (its own IP once known, and its namespace's service records).</summary>
    async Task WriteHostsFiles(IReadOnlyList<V1Pod> pods)
    {
        foreach (var group in pods.Where(p => p.Spec.HostNetwork != true).GroupBy(p => p.Metadata.NamespaceProperty))
        {
            try
            {
                var headless = await HeadlessEndpoints(group.Key);
                foreach (var p in group)
                    _volumes.WriteHosts(p.Metadata.Uid, Networking.HostsFile.Render(p, p.Status?.PodIP, headless));
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or IOException or UnauthorizedAccessException)
            {
                _logger.LogDebug("writing the hosts files of namespace {Ns} failed: {Message}", group.Key, e.Message);
            }
        }
    }

    /// <summary>True when the pod needed nothing: no action, and the status it holds is the one observed.</summary>
    async Task<bool> SyncPodAsync(KnownPod known, IReadOnlyList<RuntimeContainer> observed, CancellationToken ct)
    {
        var pod = known.Pod;
        var key = known.Key;
        var uid = pod.Metadata.Uid;
        var waiting = _waiting.GetValueOrDefault(uid) ?? NoWaiting;
        var plan = PodSync.Plan(pod, observed, waiting, DateTime.UtcNow);
        var nextWaiting = new Dictionary<string, Waiting>(plan.Waiting);
        var acted = false;
        foreach (var action in plan.Actions)
        {
            acted = true;
            switch (action)
            {
                case StopContainer s: await _runtime.StopAsync(s.Id, s.Grace, ct); break;
                case RemoveContainer r: await _runtime.RemoveAsync(r.Id, ct); break;
                case StartContainer s:
                    var w = await StartAsync(pod, s, waiting.GetValueOrDefault(s.Container.Name), known.Trace, ct);
                    if (w != null) nextWaiting[s.Container.Name] = w; else nextWaiting.Remove(s.Container.Name);
                    break;
            }
        }
        if (nextWaiting.Count > 0) _waiting[uid] = nextWaiting; else _waiting.TryRemove(uid, out _);
        var grain = _grains.GetGrain<IPodGrain>(key.GrainKey);
        if (plan.Finalize)
        {
            var left = await _runtime.ListAsync(_node, ct, uid);
            if (left.Count == 0)
            {
                await grain.Delete(new DeleteOptions(GracePeriodSeconds: 0, PreconditionUid: uid));
                _waiting.TryRemove(uid, out _);
                _reported.TryRemove(uid, out _);
            }
            return false;
        }
        var now = acted ? await _runtime.ListAsync(_node, ct, uid) : observed;
        var status = PodStatusBuilder.Build(pod, now, nextWaiting, _options.HostIp, Objects.Now(), ProbeReadiness(pod, now));
        var ports = string.Join(",", now.Where(c => c.State == ContainerStates.Running)
            .SelectMany(c => c.HostPorts.OrderBy(p => p.Key).Select(p => $"{c.ContainerName}/{p.Key}={p.Value}")));
        var json = Objects.ToJson(status);
        var hash = Fnv.Add(Fnv.Add(Fnv.Start, json), ports);
        if (_reported.TryGetValue(uid, out var last) && last == hash) return !acted;
        // Text, not JSON, equality: a status changed is the usual case here, where parsing both to compare them cost 3% of
        // a silo restarting 150,000 containers; a map in another order costs one write (the grain compares text too).
        if (pod.Status != null && Objects.ToJson(pod.Status) == json && (pod.Metadata.Annotations.Val(PodGrain.HostPortsAnnotation) ?? "") == ports)
        { _reported[uid] = hash; return !acted; }
        var reported = await grain.ReportStatus(json, ports);
        if (reported.Ok)
        {
            _reported[uid] = hash;
            // The pod as it now stands, so the next pass does not compare with the old status (unless a newer copy came meanwhile).
            var written = known.WithStatusWritten(reported.Json!, reported.ResourceVersion);
            // A report from a sync that did nothing else is settled (the same input gives the same nothing): the next
            // pass need not decode it again. After starting or stopping something, only when the containers as they
            // now are leave nothing to do (a container that exited at once needs its restart); the pass that used to
            // find that out decoded, planned and built every started pod a second time.
            if (known.ClockFree && nextWaiting.Count == 0
                && (!acted || PodSync.Plan(pod, now, nextWaiting, DateTime.UtcNow) is { Actions.Count: 0, Waiting.Count: 0, Finalize: false }))
                written.Settled = (written.ResourceVersion, ContainersHash(now));
            _pods.AddOrUpdate(key, written, (_, current) => current.Uid == written.Uid && current.ResourceVersion > written.ResourceVersion ? current : written);
        }
        return false;
    }

    static readonly Dictionary<string, Waiting> NoWaiting = new();

    /// <summary>Per container: false while a startup or readiness probe has not passed (containers without probes are ready when running).</summary>
    Dictionary<string, bool> ProbeReadiness(V1Pod pod, IReadOnlyList<RuntimeContainer> observed)
    {
        var result = new Dictionary<string, bool>();
        foreach (var spec in pod.Spec.Containers ?? [])
        {
            var c = observed.Where(x => x.ContainerName == spec.Name && x.State == ContainerStates.Running).MaxBy(x => x.Attempt);
            if (c == null) continue;
            var ready = true;
            if (spec.StartupProbe != null) ready &= _probes.TryGetValue((c.Id, ProbeKind.Startup), out var st) && st.Passing;
            if (spec.ReadinessProbe != null) ready &= _probes.TryGetValue((c.Id, ProbeKind.Readiness), out var rd) && rd.Passing;
            result[spec.Name] = ready;
        }
        return result;
    }

    /// <summary>Runs the probes that are due, every 200 ms; a change of result triggers a sync (status, restart).</summary>
    async Task ProbeLoop(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Every 200 ms while some pod has probes; otherwise asleep until one has (most nodes, most of the time).
                // Every pod added to _running signals _probeWake, so that wait needs no period (a timed wait per node
                // every 5 s was 1,000 timers a second at 5,000 nodes).
                if (_running.IsEmpty)
                {
                    await _probeWake.Reader.WaitToReadAsync(ct);
                    _probeWake.Reader.TryRead(out _);
                    continue;
                }
                await Task.Delay(200, ct);
                var work = new List<Task>();
                foreach (var (uid, (key, pod)) in _running)
                {
                    if (pod.Metadata.DeletionTimestamp != null) continue;
                    if (!(pod.Spec.Containers ?? []).Any(c => c.ReadinessProbe != null || c.LivenessProbe != null || c.StartupProbe != null)) continue;
                    work.Add(ProbePod(key, pod, ct));
                }
                await Task.WhenAll(work);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { _logger.LogWarning("probing on {Node} failed: {Message}", _node, e.Message); }
        }
    }

    async Task ProbePod(ObjectKey key, V1Pod pod, CancellationToken ct)
    {
        var containers = await _runtime.ListAsync(_node, ct, pod.Metadata.Uid);
        var now = DateTime.UtcNow;
        var changed = false;
        foreach (var spec in pod.Spec.Containers ?? [])
        {
            var c = containers.Where(x => x.ContainerName == spec.Name && x.State == ContainerStates.Running).MaxBy(x => x.Attempt);
            if (c == null) continue;
            var started = c.StartedAt ?? now;
            ProbeState? startup = spec.StartupProbe == null ? null : _probes.GetOrAdd((c.Id, ProbeKind.Startup), _ => new ProbeState(ProbeKind.Startup, spec.StartupProbe, started));
            var probes = new List<ProbeState>();
            if (startup != null && !startup.Passing) probes.Add(startup);
            else
            {
                if (spec.ReadinessProbe != null) probes.Add(_probes.GetOrAdd((c.Id, ProbeKind.Readiness), _ => new ProbeState(ProbeKind.Readiness, spec.ReadinessProbe, started)));
                if (spec.LivenessProbe != null) probes.Add(_probes.GetOrAdd((c.Id, ProbeKind.Liveness), _ => new ProbeState(ProbeKind.Liveness, spec.LivenessProbe, started)));
            }
            foreach (var p in probes.Where(p => p.Due(now)))
            {
                var (ok, message) = await RunProbe(p, c, spec, ct);
                if (p.Record(ok, message, DateTime.UtcNow)) changed = true;
                if (!ok)
                    await EventRecorder.Record(_grains, pod, Kinds.Pod, EventRecorder.Warning, "Unhealthy", $"{p.Kind} probe failed: {message}", Component, _node);
                if (p.DemandsRestart)
                {
                    await EventRecorder.Record(_grains, pod, Kinds.Pod, EventRecorder.Normal, "Killing",
                        $"Container {spec.Name} failed {p.Kind.ToString().ToLowerInvariant()} probe, will be restarted", Component, _node);
                    // Stopped, not removed: the next sync restarts it (attempt + 1, counted in restartCount).
                    await _runtime.StopAsync(c.Id, TimeSpan.FromSeconds(pod.Spec.TerminationGracePeriodSeconds ?? 30), ct);
                    changed = true;
                }
            }
        }
        if (changed) Wake();
    }

    async Task<(bool Ok, string? Message)> RunProbe(ProbeState p, RuntimeContainer c, V1Container spec, CancellationToken ct)
    {
        var probe = p.Probe;
        try
        {
            if (probe.Exec?.Command is { Count: > 0 } command)
            {
                var (code, output) = await _runtime.ExecAsync(c.Id, command.ToList(), p.Timeout, ct);
                return code == 0 ? (true, null) : (false, $"command {string.Join(' ', command)} exited with {code}: {output.Trim()}");
            }
            var port = probe.HttpGet?.Port ?? probe.TcpSocket?.Port;
            if (port == null) return (false, "the probe has no handler");
            var containerPort = int.TryParse(port.Value, out var n) ? n : spec.Ports?.FirstOrDefault(x => x.Name == port.Value)?.ContainerPort ?? 0;
            // Probes reach the container through its port published on 127.0.0.1, never the bridge address.
            if (!c.HostPorts.TryGetValue(containerPort, out var hostPort))
                return (false, $"port {port.Value} is not a published containerPort of {spec.Name}");
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(p.Timeout);
            if (probe.HttpGet is { } http)
            {
                var path = string.IsNullOrEmpty(http.Path) ? "/" : http.Path;
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{hostPort}{(path.StartsWith('/') ? path : "/" + path)}");
                foreach (var h in http.HttpHeaders ?? []) request.Headers.TryAddWithoutValidation(h.Name, h.Value);
                using var response = await ProbeHttp.SendAsync(request, cts.Token);
                var code = (int)response.StatusCode;
                return code is >= 200 and < 400 ? (true, null) : (false, $"HTTP probe failed with statuscode: {code}");
            }
            using var socket = new System.Net.Sockets.TcpClient();
            await socket.ConnectAsync("127.0.0.1", hostPort, cts.Token);
            return (true, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return (false, $"timeout after {p.Timeout.TotalSeconds:0}s"); }
        catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or IOException or Docker.DotNet.DockerApiException)
        { return (false, e.GetBaseException().Message); }
    }

    async Task<Waiting?> StartAsync(V1Pod pod, StartContainer s, Waiting? previous, string? trace, CancellationToken ct)
    {
        var c = s.Container;
        var failures = previous?.Failures ?? 0;
        using var span = trace != null ? Telemetry.Telemetry.Start("start container", trace) : null;
        span?.SetTag("cluster.object", $"Pod/{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}");
        span?.SetTag("cluster.node", _node);
        span?.SetTag("cluster.container", c.Name);
        var (env, envError) = await ResolveEnvAsync(pod, c);
        if (envError != null)
            return new Waiting("CreateContainerConfigError", envError, failures + 1, DateTime.UtcNow + PodSync.Backoff(failures + 1));
        var (binds, volumeError) = await _volumes.PrepareAsync(pod, c);
        if (volumeError != null)
        {
            await EventRecorder.Record(_grains, pod, Kinds.Pod, EventRecorder.Warning, "FailedMount", $"MountVolume.SetUp failed: {volumeError}", Component, _node);
            return new Waiting("CreateContainerConfigError", volumeError, failures + 1, DateTime.UtcNow + PodSync.Backoff(failures + 1));
        }
        var pull = await _runtime.EnsureImageAsync(c.Image, c.ImagePullPolicy ?? "IfNotPresent", ct);
        if (pull is { } err)
        {
            await EventRecorder.Record(_grains, pod, Kinds.Pod, EventRecorder.Warning, "Failed", $"Failed to pull image \"{c.Image}\": {err.Message}", Component, _node);
            return new Waiting(err.Reason, err.Message, failures + 1, DateTime.UtcNow + PodSync.Backoff(failures + 1));
        }
        // The image's user matters only to check runAsNonRoot or to pair it with runAsGroup (one engine call, then).
        var uid = c.SecurityContext?.RunAsUser ?? pod.Spec.SecurityContext?.RunAsUser;
        var needsImageUser = uid == null && ((c.SecurityContext?.RunAsNonRoot ?? pod.Spec.SecurityContext?.RunAsNonRoot) == true
                                             || (c.SecurityContext?.RunAsGroup ?? pod.Spec.SecurityContext?.RunAsGroup) != null);
        var (security, securityError) = SecurityContexts.Resolve(pod, c, needsImageUser ? await _runtime.ImageUserAsync(c.Image, ct) : "");
        if (securityError != null)
        {
            await EventRecorder.Record(_grains, pod, Kinds.Pod, EventRecorder.Warning, "Failed", $"Error: {securityError}", Component, _node);
            return new Waiting("CreateContainerConfigError", securityError, failures + 1, DateTime.UtcNow + PodSync.Backoff(failures + 1));
        }
        if (s.RemoveFirst != null) await _runtime.RemoveAsync(s.RemoveFirst, ct);
        if (_runtime.BindsFiles && pod.Spec.HostNetwork != true)
        {
            // The pod's managed /etc/hosts, as the kubelet binds it into every container.
            IReadOnlyList<V1Endpoints> headless = [];
            try { headless = await HeadlessEndpoints(pod.Metadata.NamespaceProperty); }
            catch (Exception e) when (e is OrleansException or TimeoutException) { _logger.LogDebug("reading service records failed: {Message}", e.Message); /* the next sync pass fills them in */ }
            var hosts = Networking.HostsFile.Render(pod, pod.Status?.PodIP, headless);
            _volumes.WriteHosts(pod.Metadata.Uid, hosts);
            binds = [.. binds, new Volumes.Bind(_volumes.HostsPath(pod.Metadata.Uid), "/etc/hosts", false)];
        }
        try
        {
            var spec = new ContainerSpec(_node, pod.Metadata.Uid, pod.Metadata.NamespaceProperty, pod.Metadata.Name, c.Name, s.Attempt,
                c.Image, c.Command?.ToList(), c.Args?.ToList(), env,
                (c.Ports ?? []).Where(p => (p.Protocol ?? "TCP") == "TCP").Select(p => p.ContainerPort).Distinct().ToList(),
                Limit(c, "memory", 1m), Limit(c, "cpu", 1_000_000_000m), c.WorkingDir, binds, security,
                Networking.HostsFile.Hostname(pod), Networking.HostsFile.Domain(pod));
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await _runtime.CreateAndStartAsync(spec, ct);
            Telemetry.Telemetry.ContainerStart.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("node", _node));
            // Debug: the pod's Started Event and its status record it. At a thousand starts a second the console line
            // (formatting, the console logger's lock, the write) was 3-5% of the silo's busy time.
            _logger.LogDebug("started container {Container} of {Ns}/{Pod}", c.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Name);
            await EventRecorder.Record(_grains, pod, Kinds.Pod, EventRecorder.Normal, "Started", $"Started container {c.Name}", Component, _node);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var msg = e.GetBaseException().Message;
            await EventRecorder.Record(_grains, pod, Kinds.Pod, EventRecorder.Warning, "Failed", $"Error: {msg}", Component, _node);
            return new Waiting("CreateContainerError", msg, failures + 1, DateTime.UtcNow + PodSync.Backoff(failures + 1));
        }
    }

    static long? Limit(V1Container c, string resource, decimal scale) =>
        c.Resources?.Limits?.TryGetValue(resource, out var q) == true ? (long)(q.ToDecimal() * scale) : null;

    /// <summary>env with value and valueFrom (configMapKeyRef, secretKeyRef, fieldRef), and envFrom.</summary>
    async Task<(Dictionary<string, string> Env, string? Error)> ResolveEnvAsync(V1Pod pod, V1Container c)
    {
        var env = new Dictionary<string, string>();
        var ns = pod.Metadata.NamespaceProperty;
        if (pod.Spec.EnableServiceLinks != false) await AddServiceEnv(ns, env);
        foreach (var from in c.EnvFrom ?? [])
        {
            if (from.ConfigMapRef is { } cmr)
            {
                var cm = await Get<V1ConfigMap>("ConfigMap", ns, cmr.Name);
                if (cm == null) { if (cmr.Optional == true) continue; return (env, $"configmap \"{cmr.Name}\" not found"); }
                foreach (var (k, v) in cm.Data ?? new Dictionary<string, string>()) env[(from.Prefix ?? "") + k] = v;
            }
            if (from.SecretRef is { } sr)
            {
                var sec = await Get<V1Secret>("Secret", ns, sr.Name);
                if (sec == null) { if (sr.Optional == true) continue; return (env, $"secret \"{sr.Name}\" not found"); }
                foreach (var (k, v) in sec.Data ?? new Dictionary<string, byte[]>()) env[(from.Prefix ?? "") + k] = Encoding.UTF8.GetString(v);
            }
        }
        foreach (var e in c.Env ?? [])
        {
            if (e.ValueFrom == null) { env[e.Name] = Expand(e.Value ?? "", env); continue; }
            var vf = e.ValueFrom;
            if (vf.ConfigMapKeyRef is { } cmk)
            {
                var cm = await Get<V1ConfigMap>("ConfigMap", ns, cmk.Name);
                if (cm == null) { if (cmk.Optional == true) continue; return (env, $"configmap \"{cmk.Name}\" not found"); }
                if (cm.Data?.TryGetValue(cmk.Key, out var v) != true) { if (cmk.Optional == true) continue; return (env, $"couldn't find key {cmk.Key} in ConfigMap {ns}/{cmk.Name}"); }
                env[e.Name] = v!;
            }
            else if (vf.SecretKeyRef is { } sk)
            {
                var sec = await Get<V1Secret>("Secret", ns, sk.Name);
                if (sec == null) { if (sk.Optional == true) continue; return (env, $"secret \"{sk.Name}\" not found"); }
                if (sec.Data?.TryGetValue(sk.Key, out var v) != true) { if (sk.Optional == true) continue; return (env, $"couldn't find key {sk.Key} in Secret {ns}/{sk.Name}"); }
                env[e.Name] = Encoding.UTF8.GetString(v!);
            }
            else if (vf.FieldRef is { } fr)
            {
                var path = fr.FieldPath;
                string? value = path switch
                {
                    "metadata.name" => pod.Metadata.Name,
                    "metadata.namespace" => ns,
                    "metadata.uid" => pod.Metadata.Uid,
                    "spec.nodeName" => pod.Spec.NodeName,
                    "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "default",
                    "status.hostIP" => _options.HostIp,
                    "status.podIP" => pod.Status?.PodIP ?? _options.HostIp,
                    _ when path.StartsWith("metadata.labels['") => pod.Metadata.Labels.Val(path[17..^2]) ?? "",
                    _ when path.StartsWith("metadata.annotations['") => pod.Metadata.Annotations.Val(path[22..^2]) ?? "",
                    _ => null,
                };
                if (value == null) return (env, $"unsupported fieldRef {path}");
                env[e.Name] = value;
            }
            else if (vf.ResourceFieldRef is { } rf)
                env[e.Name] = c.Resources?.Limits?.TryGetValue(rf.Resource.Replace("limits.", "").Replace("requests.", ""), out var q) == true ? q.ToString() : "0";
        }
        return (env, null);
    }

    /// <summary>The Docker-links-style variables Kubernetes gives pods for the Services that exist when they start.</summary>
    async Task AddServiceEnv(string ns, Dictionary<string, string> env)
    {
        var services = (await _lists.List(Kinds.Service.Kind, ns)).Select(SharedDecoded<V1Service>.Of);
        foreach (var svc in services)
        {
            if (svc.Spec?.ClusterIP is null or "None" || svc.Spec.Ports is not { Count: > 0 } ports) continue;
            var name = svc.Metadata.Name.ToUpperInvariant().Replace('-', '_');
            var ip = svc.Spec.ClusterIP;
            env[$"{name}_SERVICE_HOST"] = ip;
            env[$"{name}_SERVICE_PORT"] = ports[0].Port.ToString();
            env[$"{name}_PORT"] = $"{(ports[0].Protocol ?? "TCP").ToLowerInvariant()}://{ip}:{ports[0].Port}";
            foreach (var p in ports)
            {
                var proto = (p.Protocol ?? "TCP").ToUpperInvariant();
                if (!string.IsNullOrEmpty(p.Name)) env[$"{name}_SERVICE_PORT_{p.Name.ToUpperInvariant().Replace('-', '_')}"] = p.Port.ToString();
                var prefix = $"{name}_PORT_{p.Port}_{proto}";
                env[prefix] = $"{proto.ToLowerInvariant()}://{ip}:{p.Port}";
                env[$"{prefix}_PROTO"] = proto.ToLowerInvariant();
                env[$"{prefix}_PORT"] = p.Port.ToString();
                env[$"{prefix}_ADDR"] = ip;
            }
        }
    }

    static string Expand(string value, Dictionary<string, string> env) =>
        System.Text.RegularExpressions.Regex.Replace(value, @"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", m => env.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    async Task<T?> Get<T>(string kind, string ns, string name) where T : class
    {
        var r = await _grains.For(new ObjectKey(kind, ns, name)).Get();
        return r.Ok ? Objects.FromJson<T>(r.Json!) : null;
    }

    /// <summary>Logs of a pod's container (the latest attempt, or the one before with previous).</summary>
    public async Task<string> LogsAsync(V1Pod pod, string? container, bool previous, int? tailLines, DateTime? since, bool timestamps, CancellationToken ct)
    {
        var names = pod.Spec.Containers.Select(c => c.Name).ToList();
        container ??= names.Count == 1 ? names[0]
            : throw new ArgumentException($"a container name must be specified for pod {pod.Metadata.Name}, choose one of: [{string.Join(" ", names)}]");
        if (!names.Contains(container)) throw new ArgumentException($"container {container} is not valid for pod {pod.Metadata.Name}");
        var mine = (await _runtime.ListAsync(_node, ct, pod.Metadata.Uid)).Where(c => c.ContainerName == container).OrderByDescending(c => c.Attempt).ToList();
        var target = previous ? mine.Skip(1).FirstOrDefault() : mine.FirstOrDefault();
        if (target == null)
            throw new ArgumentException(previous
                ? $"previous terminated container \"{container}\" in pod \"{pod.Metadata.Name}\" not found"
                : $"container \"{container}\" in pod \"{pod.Metadata.Name}\" is waiting to start: ContainerCreating");
        return await _runtime.LogsAsync(target.Id, tailLines, since, timestamps, ct);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        // Loops end at their next await; a long poll in flight is not worth waiting for.
        try { await Task.WhenAny(Task.WhenAll(_loops), Task.Delay(1000)); } catch { }
        _stop.Dispose();
    }
}
