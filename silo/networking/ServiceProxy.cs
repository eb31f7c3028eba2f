using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Cluster.Grains.Nodes;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using Cluster.Silo.Hosting;
using k8s.Models;

namespace Cluster.Silo.Networking;

/// <summary>
/// This silo's service proxy (its kube-proxy): for every Service port it listens on clusterIP:port (a loopback
/// address, so no routes are needed) and, for NodePort and LoadBalancer services, on the node's address at the
/// node port, and forwards TCP to the ready endpoints: the pods' published ports on 127.0.0.1 when they run here,
/// the pod's node address otherwise. It follows Endpoints through the index grains, so a pod that turns unready
/// or starts terminating stops getting new connections at once; connections in flight finish.
/// </summary>
public sealed class ServiceProxy(IGrainFactory grains, SiloSettings settings, ILogger<ServiceProxy> logger) : BackgroundService, Cluster.Grains.Networking.IServiceTrafficSource
{
    static readonly Meter Meter = new("Cluster.ServiceProxy");
    static readonly Counter<long> Connections = Meter.CreateCounter<long>("cluster.proxy.connections", description: "connections accepted per service");
    static readonly Counter<long> Bytes = Meter.CreateCounter<long>("cluster.proxy.bytes", "By", "bytes forwarded per service");
    static readonly Counter<long> Errors = Meter.CreateCounter<long>("cluster.proxy.errors", description: "connections that found no backend or failed to connect");
    static readonly UpDownCounter<long> ActiveConnections = Meter.CreateUpDownCounter<long>("cluster.proxy.active_connections");

    sealed class Listener(IPEndPoint endpoint, string service) : IDisposable
    {
        public IPEndPoint Endpoint { get; } = endpoint;
        public string Service { get; } = service;
        public TcpListener Socket { get; } = new(endpoint);
        public volatile IReadOnlyList<Backend> Backends = [];
        public volatile Balancer Balancer = new("round-robin", false);
        public CancellationTokenSource Stop { get; } = new();
        public void Dispose() { Stop.Cancel(); Socket.Stop(); }
    }

    /// <summary>Per-Service counters (also exported as OpenTelemetry metrics), for /metrics/services and the autoscaler.</summary>
    public sealed class ServiceStats
    {
        public long Connections, Active, Bytes, Errors;
        readonly Queue<DateTime> _recent = new();
        public void Opened() { Interlocked.Increment(ref Connections); lock (_recent) { _recent.Enqueue(DateTime.UtcNow); Trim(); } }
        void Trim() { while (_recent.Count > 0 && DateTime.UtcNow - _recent.Peek() > TimeSpan.FromSeconds(10)) _recent.Dequeue(); }
        public double RatePerSecond { get { lock (_recent) { Trim(); return _recent.Count / 10.0; } } }
        public double ErrorRatio => Connections == 0 ? 0 : (double)Errors / Connections;
        readonly Queue<DateTime> _recentErrors = new();
        public void Failed()
        {
            Interlocked.Increment(ref Errors);
            lock (_recentErrors) { _recentErrors.Enqueue(DateTime.UtcNow); while (_recentErrors.Count > 0 && DateTime.UtcNow - _recentErrors.Peek() > TimeSpan.FromSeconds(10)) _recentErrors.Dequeue(); }
        }
        /// <summary>Failed connections per second over the last 10 s.</summary>
        public double ErrorsPerSecond { get { lock (_recentErrors) { while (_recentErrors.Count > 0 && DateTime.UtcNow - _recentErrors.Peek() > TimeSpan.FromSeconds(10)) _recentErrors.Dequeue(); return _recentErrors.Count / 10.0; } } }
    }

    readonly ConcurrentDictionary<string, ServiceStats> _stats = new();
    public IReadOnlyDictionary<string, ServiceStats> Stats => _stats;
    ServiceStats StatsOf(string service) => _stats.GetOrAdd(service, _ => new ServiceStats());

    /// <summary>A Service's connections per second (last 10 s) and failed share, over all its ports.</summary>
    public (double RequestsPerSecond, double ErrorRatio) Of(string ns, string service)
    {
        var prefix = $"{ns}/{service}:";
        var ports = _stats.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
        var rate = ports.Sum(p => p.RatePerSecond);
        var errors = ports.Sum(p => p.ErrorsPerSecond);
        return (rate, rate == 0 ? 0 : errors / rate);
    }

    readonly ConcurrentDictionary<string, Listener> _listeners = new();
    readonly Dictionary<string, Backend> _backendState = new();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Refresh(ct);
                await WaitForChange(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                logger.LogWarning("service proxy refresh failed: {Message}", e.Message);
                try { await Task.Delay(500, ct); } catch (OperationCanceledException) { break; }
            }
        }
        foreach (var l in _listeners.Values) l.Dispose();
    }

    readonly Dictionary<(string Kind, string Ns), long> _versions = new();

    /// <summary>Sleeps until a Service, Endpoints or Node changes (index long polls), or 2 s pass.</summary>
    async Task WaitForChange(CancellationToken ct)
    {
        var polls = _versions.Select(kv => grains.Index(kv.Key.Kind, kv.Key.Ns).Watch(new WatchRequest(kv.Value, null, null, TimeSpan.FromSeconds(2)))).ToList();
        if (polls.Count == 0) { await Task.Delay(500, ct); return; }
        var first = await Task.WhenAny(polls).WaitAsync(ct);
        await first;
    }

    readonly Decoded<V1Node> _nodes = new();
    readonly Dictionary<string, Decoded<V1Pod>> _pods = new();

    async Task Refresh(CancellationToken ct)
    {
        _versions.Clear();
        var nsList = await grains.Index("Namespace", "").List(new ListRequest());
        _versions[("Namespace", "")] = nsList.ResourceVersion;
        var namespaces = nsList.Items.Select(ObjectGrains.NameOf).ToList();
        // Node addresses only when some Service has backends, each node decoded once per version (this runs every 2 s,
        // and 5,000 nodes decoded each time were a share of an idle silo's CPU).
        Dictionary<string, string>? nodes = null;
        async Task<Dictionary<string, string>> Nodes() => nodes ??= _nodes.Decode((await grains.Index("Node", "").List(new ListRequest())).Items)
            .ToDictionary(n => n.Metadata.Name, n => n.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address ?? "127.0.0.1");
        var seenNamespaces = new HashSet<string>();
        var wanted = new Dictionary<string, (IPEndPoint Endpoint, string Service, List<Backend> Backends, Balancer Balancer)>();
        foreach (var ns in namespaces)
        {
            var svcList = await grains.Index("Service", ns).List(new ListRequest());
            _versions[("Service", ns)] = svcList.ResourceVersion;
            var services = svcList.Items.Select(Objects.FromJson<V1Service>).ToList();
            if (services.Count == 0) continue;
            var epList = await grains.Index("Endpoints", ns).List(new ListRequest());
            _versions[("Endpoints", ns)] = epList.ResourceVersion;
            var endpoints = epList.Items.Select(Objects.FromJson<V1Endpoints>).ToDictionary(e => e.Metadata.Name);
            // The backends' pods in one read of the namespace's pod index (a Get of each pod every refresh kept every
            // backend's grain in memory and cost a call per pod every 2 s), decoded once per version.
            var podNames = endpoints.Values.SelectMany(e => e.Subsets ?? []).SelectMany(s => s.Addresses ?? [])
                .Select(a => a.TargetRef?.Name).OfType<string>().Distinct().ToList();
            if (!_pods.TryGetValue(ns, out var decodedPods)) _pods[ns] = decodedPods = new Decoded<V1Pod>();
            var pods = podNames.Count == 0 ? new Dictionary<string, V1Pod>()
                : decodedPods.Decode(await grains.Index("Pod", ns).Get(podNames)).ToDictionary(p => p.Metadata.Name);
            seenNamespaces.Add(ns);
            foreach (var svc in services)
            {
                if (svc.Spec.ClusterIP is null or "None" || !IPAddress.TryParse(svc.Spec.ClusterIP, out var clusterIp)) continue;
                var algorithm = svc.Metadata.Annotations.Val(Balancer.Annotation) ?? "round-robin";
                var affinity = svc.Spec.SessionAffinity == "ClientIP";
                endpoints.TryGetValue(svc.Metadata.Name, out var ep);
                foreach (var port in svc.Spec.Ports ?? [])
                {
                    if ((port.Protocol ?? "TCP") != "TCP") continue;
                    var backends = new List<Backend>();
                    foreach (var subset in ep?.Subsets ?? [])
                    {
                        var target = subset.Ports?.FirstOrDefault(p => p.Name == port.Name) ?? (subset.Ports?.Count == 1 ? subset.Ports[0] : null);
                        if (target == null) continue;
                        foreach (var a in subset.Addresses ?? [])
                        {
                            if (a.TargetRef?.Name is not { } podName) continue;
                            if (!pods.TryGetValue(podName, out var pod)) continue;
                            if (HostPort(pod, target.Port) is not { } hostPort) continue;
                            var host = pod.Spec.NodeName == settings.NodeName || !(await Nodes()).TryGetValue(pod.Spec.NodeName ?? "", out var nodeIp) ? "127.0.0.1" : nodeIp;
                            backends.Add(Keep(new Backend($"{ns}/{podName}", host, hostPort)));
                        }
                    }
                    var name = $"{ns}/{svc.Metadata.Name}:{port.Port}";
                    var balancer = new Balancer(algorithm, affinity);
                    wanted[$"{clusterIp}:{port.Port}"] = (new IPEndPoint(clusterIp, port.Port), name, backends, balancer);
                    if (svc.Spec.Type is "NodePort" or "LoadBalancer" && port.NodePort is > 0 and var np)
                        wanted[$"{settings.ApiAddress}:{np}"] = (new IPEndPoint(IPAddress.Parse(settings.ApiAddress), np), name, backends, balancer);
                }
            }
        }
        foreach (var ns in _pods.Keys.Where(ns => !seenNamespaces.Contains(ns)).ToList()) _pods.Remove(ns);
        foreach (var (key, l) in _listeners)
            if (!wanted.ContainsKey(key)) { l.Dispose(); _listeners.TryRemove(key, out _); logger.LogInformation("proxy stopped listening on {Endpoint}", key); }
        foreach (var (key, w) in wanted)
        {
            if (!_listeners.TryGetValue(key, out var l))
            {
                l = new Listener(w.Endpoint, w.Service);
                try { l.Socket.Start(512); }
                catch (SocketException e) { logger.LogWarning("proxy cannot listen on {Endpoint} for {Service}: {Message}", key, w.Service, e.Message); l.Dispose(); continue; }
                _listeners[key] = l;
                _ = Task.Run(() => Accept(l), CancellationToken.None);
                logger.LogInformation("proxy listening on {Endpoint} for {Service}", key, w.Service);
            }
            l.Backends = w.Backends;
            if (l.Balancer.Algorithm != w.Balancer.Algorithm || l.Balancer.ClientIpAffinity != w.Balancer.ClientIpAffinity) l.Balancer = w.Balancer;
        }
        // Forget backends no listener uses any more (pods come and go; their counters need not outlive them).
        var inUse = wanted.Values.SelectMany(w => w.Backends).Select(b => b.ToString()).ToHashSet();
        lock (_backendState)
            foreach (var key in _backendState.Keys.Where(k => !inUse.Contains(k)).ToList()) _backendState.Remove(key);
    }

    /// <summary>One Backend object per pod address, so that active-connection counts survive refreshes.</summary>
    Backend Keep(Backend b)
    {
        lock (_backendState)
        {
            var key = b.ToString();
            if (_backendState.TryGetValue(key, out var existing)) return existing;
            _backendState[key] = b;
            return b;
        }
    }

    static int? HostPort(V1Pod pod, int containerPort)
    {
        var annotation = pod.Metadata.Annotations.Val(PodGrain.HostPortsAnnotation);
        foreach (var part in (annotation ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var slash = part.IndexOf('/');
            var eq = part.IndexOf('=');
            if (slash < 0 || eq < 0) continue;
            if (int.TryParse(part[(slash + 1)..eq], out var cp) && cp == containerPort && int.TryParse(part[(eq + 1)..], out var hp)) return hp;
        }
        return null;
    }

    async Task Accept(Listener l)
    {
        while (!l.Stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await l.Socket.AcceptSocketAsync(l.Stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Forward(l, client));
        }
    }

    async Task Forward(Listener l, Socket client)
    {
        var tags = new KeyValuePair<string, object?>("service", l.Service);
        Connections.Add(1, tags);
        var stats = StatsOf(l.Service);
        stats.Opened();
        var clientIp = (client.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "";
        using var _ = client;
        // A backend that refuses the connection (its container just died, before the endpoints caught up) is skipped:
        // the client never sees it. Nothing has been sent yet, so trying another is safe.
        var tried = new HashSet<Backend>();
        while (true)
        {
            var candidates = l.Backends.Where(b => !tried.Contains(b)).ToList();
            var backend = l.Balancer.Pick(candidates, clientIp);
            if (backend == null) { Errors.Add(1, tags); stats.Failed(); return; }
            tried.Add(backend);
            Interlocked.Increment(ref backend.Active);
            Interlocked.Increment(ref stats.Active);
            ActiveConnections.Add(1, tags);
            try
            {
                using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    using var connectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await upstream.ConnectAsync(backend.Host, backend.Port, connectTimeout.Token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    logger.LogDebug("proxy {Service}: {Backend} refused ({Message}); trying another", l.Service, backend, e.Message);
                    continue;
                }
                client.NoDelay = true;
                await using var a = new NetworkStream(client, ownsSocket: false);
                await using var b = new NetworkStream(upstream, ownsSocket: false);
                await Task.WhenAll(Pump(a, b, upstream, tags, stats), Pump(b, a, client, tags, stats));
                return;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                Errors.Add(1, tags);
                stats.Failed();
                logger.LogDebug("proxy {Service} -> {Backend}: {Message}", l.Service, backend, e.Message);
                return;
            }
            finally
            {
                Interlocked.Decrement(ref backend.Active);
                Interlocked.Decrement(ref stats.Active);
                ActiveConnections.Add(-1, tags);
            }
        }
    }

    /// <summary>Copies one direction; at its end, half-closes the other side so the peer sees EOF.</summary>
    static async Task Pump(Stream from, Stream to, Socket toSocket, KeyValuePair<string, object?> tags, ServiceStats stats)
    {
        var buffer = new byte[16384];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, n));
                Bytes.Add(n, tags);
                Interlocked.Add(ref stats.Bytes, n);
            }
        }
        catch (IOException) { }
        try { toSocket.Shutdown(SocketShutdown.Send); } catch (SocketException) { } catch (ObjectDisposedException) { }
    }
}
