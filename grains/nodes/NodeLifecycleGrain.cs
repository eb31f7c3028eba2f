using Cluster.Grains.Events;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Cluster.Grains.Nodes;

public sealed class NodeLifecycleOptions
{
    /// <summary>How long a node may go without a heartbeat before it is Unknown (Kubernetes: 40 s).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often nodes are checked.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMilliseconds(500);
}

public interface INodeLifecycleGrain : IGrainWithStringKey
{
    /// <summary>Keeps the controller alive (every silo pings it; if its silo dies it comes back on another).</summary>
    Task Ping();
    /// <summary>One pass now (tests, and silos that saw a membership change).</summary>
    Task Check();
    /// <summary>These nodes' agents run in the calling silo and reach the cluster: their leases are renewed (every silo
    /// sends its own every few seconds; Kubernetes' kubelets renew a Lease each).</summary>
    Task Renew(IReadOnlyList<string> nodes);
}

/// <summary>
/// The node lifecycle controller: a node whose silo the cluster declared dead (Orleans membership), or whose
/// heartbeat is older than the grace period, becomes Ready=Unknown with the unreachable NoExecute taint, and its
/// pods are evicted at once so that their controllers replace them on the nodes that remain. The agent's next
/// heartbeat makes the node Ready again and removes the taint.
/// </summary>
public sealed class NodeLifecycleGrain(IClusterMembershipService membership, IOptions<NodeLifecycleOptions> options, ILogger<NodeLifecycleGrain> logger)
    : Grain, INodeLifecycleGrain
{
    const string Component = "node-controller";
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";

    // As Kubernetes' node lifecycle controller, a heartbeat is measured from when this controller started at the
    // earliest: after a restart of the whole cluster every node gets the full grace period to check in again,
    // instead of being evicted for the time the cluster itself was down (5,000 nodes re-registering took minutes,
    // and evicting them churned every pod).
    DateTime _started;

    public override Task OnActivateAsync(CancellationToken ct)
    {
        _started = DateTime.UtcNow;
        this.RegisterGrainTimer(Check, new GrainTimerCreationOptions(TimeSpan.Zero, options.Value.CheckPeriod) { Interleave = false, KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task Ping() => Task.CompletedTask;

    // Node leases, in memory: when each node's silo last vouched for its agent. A heartbeat is written to the Node
    // only every so often (a write per node every 10 s was 500 writes a second at 5,000 nodes); under load, or while
    // 5,000 agents re-register after a restart, a written heartbeat alone came too late and live nodes were evicted.
    readonly Dictionary<string, DateTime> _leases = new();

    public Task Renew(IReadOnlyList<string> nodes)
    {
        var now = DateTime.UtcNow;
        foreach (var n in nodes) _leases[n] = now;
        return Task.CompletedTask;
    }

    readonly Decoded<V1Node> _nodes = new();
    bool _disrupted;

    /// <summary>Ready, with its last heartbeat or lease renewal (or this controller's start, if later) older than the grace period.</summary>
    bool Stale(V1Node node, DateTime now)
    {
        if (node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is not { Status: "True", LastHeartbeatTime: { } hb }) return false;
        var seen = hb > _started ? hb : _started;
        if (_leases.TryGetValue(node.Metadata.Name, out var lease) && lease > seen) seen = lease;
        return now - seen > options.Value.GracePeriod;
    }

    public async Task Check()
    {
        var now = DateTime.UtcNow;
        var members = Members.ByName(membership.CurrentSnapshot.Members.Values);
        // Every 500 ms over every node: only the nodes whose stored JSON changed since the last pass are decoded.
        var nodes = _nodes.Decode((await GrainFactory.Index("Node", "").List(new ListRequest())).Items);
        // Kubernetes' full-disruption rule: when most nodes miss their heartbeats at once, the fault is more likely
        // the control plane's (a restart, a partition) than the nodes', and evicting everything would only churn.
        // Staleness then evicts nothing; a silo the cluster declared dead still does.
        var staleCount = nodes.Count(n => Stale(n, now));
        var fullDisruption = nodes.Count >= 3 && staleCount > nodes.Count * 0.55;
        if (fullDisruption && !_disrupted) logger.LogWarning("{Stale} of {Count} nodes have no recent heartbeat: not evicting for staleness until most are back", staleCount, nodes.Count);
        _disrupted = fullDisruption;
        foreach (var node in nodes)
        {
            var name = node.Metadata.Name;
            var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            // A node already marked unreachable: make sure none of its pods is left (an eviction can fail half-way
            // while calls still find the dead silo), every pass until the node comes back.
            if (node.Spec?.Taints?.Any(t => t.Key == UnreachableTaint) == true) { await EvictPods(name); continue; }
            if (ready?.Status != "True") continue;
            var host = Members.HostOf(name, members);
            var siloDead = host is { Status: SiloStatus.Dead };
            var stale = Stale(node, now) && !fullDisruption;
            // A silo that stopped cleanly to restart keeps its pods for the grace period (its containers keep running).
            var restarting = node.Metadata.Annotations.Val(NodeGrain.RestartingAnnotation) is { } until
                             && DateTime.TryParse(until, null, System.Globalization.DateTimeStyles.RoundtripKind, out var u) && u > now;
            if (restarting && !stale) continue;
            if (!siloDead && !stale) continue;
            var why = siloDead ? $"its silo {host!.SiloAddress} was declared dead" : $"no heartbeat for {(now - ready.LastHeartbeatTime!.Value).TotalSeconds:0}s";
            _leases.Remove(name);
            logger.LogWarning("node {Node} is unreachable: {Why}; evicting its pods", name, why);
            var nodeGrain = GrainFactory.GetGrain<INodeGrain>(new ObjectKey("Node", "", name).GrainKey);
            await nodeGrain.MarkUnreachable(why);
            await EventRecorder.Record(GrainFactory, node, Kinds.Node, EventRecorder.Normal, "NodeNotReady", $"Node {name} status is now: NodeNotReady ({why})", Component);
            await EvictPods(name);
        }
    }

    async Task EvictPods(string node)
    {
        foreach (var group in (await GrainFactory.PodsOnNode(node)).GroupBy(x => x.Namespace))
        {
            var ns = group.Key;
            // DaemonSet pods tolerate the unreachable taint (Kubernetes adds that toleration): they stay with their node.
            var pods = group.Select(x => Objects.FromJson<V1Pod>(x.Json)).Where(p => Objects.ControllerOf(p.Metadata)?.Kind != "DaemonSet").ToList();
            var owners = pods.Select(p => Objects.ControllerOf(p.Metadata)).Where(o => o != null).Select(o => new ObjectKey(o!.Kind, ns, o.Name)).Distinct().ToList();
            await Task.WhenAll(pods.Select(async p =>
            {
                // The agent that would stop the containers is gone: the pod object goes at once (its node removes
                // the containers when it comes back, as they no longer belong to a pod bound to it).
                try
                {
                    // Bounded: a call that still finds the dead silo must not hold up the others; the next pass retries.
                    var r = await GrainFactory.GetGrain<IPodGrain>(new ObjectKey("Pod", ns, p.Metadata.Name).GrainKey)
                        .Delete(new DeleteOptions(GracePeriodSeconds: 0)).WaitAsync(TimeSpan.FromSeconds(2));
                    if (!r.Ok && r.Code != 404) return;
                }
                catch (Exception e) when (e is TimeoutException or OrleansException)
                {
                    logger.LogInformation("evicting {Ns}/{Pod} did not finish ({Message}); retrying", ns, p.Metadata.Name, e.Message);
                    return;
                }
                await EventRecorder.Record(GrainFactory, p, Kinds.Pod, EventRecorder.Normal, "TaintManagerEviction", $"Marking for deletion Pod {ns}/{p.Metadata.Name}", Component);
            }));
            // The owners replace the pods now; an acknowledged nudge, since their own silo may be the one that died.
            foreach (var owner in owners.Where(o => Kinds.ByKind(o.Kind) != null))
                for (var attempt = 0; attempt < 5; attempt++)
                {
                    try { await GrainFactory.For(owner).Nudge().WaitAsync(TimeSpan.FromSeconds(2)); break; }
                    catch (Exception e) when (attempt < 4) { logger.LogDebug("nudging {Owner} failed: {Message}", owner, e.Message); await Task.Delay(200); }
                }
        }
    }
}
