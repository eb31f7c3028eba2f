using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Calls;
using Cluster.Interfaces.Scheduling;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Nodes;

/// <summary>
/// A Node. Besides the object it keeps the set of pods bound to it (rebuilt from the pod indexes on activation,
/// so storage stays the single source of truth) and hands it to the node's agent by long poll.
/// </summary>
[NodePlacement]
public sealed class NodeGrain(
    [PersistentState("object", ObjectGrain<V1Node>.StorageName)] IPersistentState<ObjectRecord> state,
    NodeAgentRegistry agents,
    Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime,
    Microsoft.Extensions.Options.IOptions<NodeLifecycleOptions> lifecycle,
    ILogger<NodeGrain> logger) : ObjectGrain<V1Node>(state, logger), INodeGrain
{
    public Task<IReadOnlyList<PodUsage>> Usage() =>
        Task.FromResult(agents.Get(Key.Name)?.Usage ?? (IReadOnlyList<PodUsage>)[]);

    public Task<ServiceTraffic> Traffic(string ns, string service)
    {
        var source = ServiceProvider.GetService(typeof(Networking.IServiceTrafficSource)) as Networking.IServiceTrafficSource;
        var silo = (ServiceProvider.GetService(typeof(ILocalSiloDetails)) as ILocalSiloDetails)?.SiloAddress.ToString() ?? "";
        var (rate, errors) = source?.Of(ns, service) ?? (0, 0);
        return Task.FromResult(new ServiceTraffic(silo, rate, errors));
    }

    public async Task RemoveVolume(string name)
    {
        if (agents.Get(Key.Name) is { } agent) await agent.Runtime.RemoveVolumeAsync(name, CancellationToken.None);
    }

    public async Task<ApiResult> Logs(LogRequest request)
    {
        var agent = agents.Get(Key.Name);
        if (agent == null) return ApiResult.Unavailable($"the agent of node {Key.Name} is not reachable from this silo");
        var pod = await GrainFactory.GetGrain<IPodGrain>(request.Pod.GrainKey).Get();
        if (!pod.Ok) return pod;
        try
        {
            var text = await agent.LogsAsync(Objects.FromJson<V1Pod>(pod.Json!), request.Container, request.Previous, request.TailLines, request.Since, request.Timestamps, CancellationToken.None);
            return new ApiResult(200, null, null, text);
        }
        catch (ArgumentException e) { return ApiResult.BadRequest(e.Message); }
    }

    readonly HashSet<ObjectKey> _pods = [];
    // From the clock: a new activation's versions are above the old one's, so the agent can order them.
    long _version = DateTime.UtcNow.Ticks;
    List<TaskCompletionSource> _waiters = [];

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        await base.OnActivateAsync(ct);
        foreach (var (ns, name, _) in await GrainFactory.PodsOnNode(Key.Name))
            _pods.Add(new ObjectKey("Pod", ns, name));
        Bump(null); // a new activation: the agent reads every pod again
    }

    public async Task<ApiResult> Heartbeat(string statusJson)
    {
        if (Current == null) return ApiResult.NotFound(Kind, Key.Name);
        var status = Objects.FromJson<V1NodeStatus>(statusJson);
        if (OnlyRenews(Current, status)) return ApiResult.Success(CurrentJson!);
        return await Mutate(n =>
        {
            n.Status = status;
            // The agent is back: a restart is over, and the node controller's taint goes.
            n.Metadata.Annotations?.Remove(RestartingAnnotation);
            if (n.Spec?.Taints?.Any(t => t.Key == NodeLifecycleGrain.UnreachableTaint) == true)
            {
                n.Spec.Taints = n.Spec.Taints.Where(t => t.Key != NodeLifecycleGrain.UnreachableTaint).ToList();
                if (n.Spec.Taints.Count == 0) n.Spec.Taints = null;
            }
            return true;
        });
    }

    // Nothing is written: liveness is the lease the agent's silo renews with the node controller every few seconds
    // (NodeLifecycleGrain.Renew), as Kubernetes' kubelet renews a Lease; the stored heartbeat times move with the
    // full status, every five minutes or on a change, as Kubernetes' nodeStatusReportFrequency. Written here every
    // 15 s, 5,000 idle nodes were 330 Node writes a second, each decoded again by the scheduler and the node controller.
    public Task<ApiResult> Renew()
    {
        if (Current == null) return Task.FromResult(ApiResult.NotFound(Kind, Key.Name));
        if (Current.Metadata.Annotations?.ContainsKey(RestartingAnnotation) == true
            || Current.Spec?.Taints?.Any(t => t.Key == NodeLifecycleGrain.UnreachableTaint) == true
            || Current.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is not { Status: "True" })
            return Task.FromResult(ApiResult.Conflict(Kind, Key.Name, "the node needs its full status"));
        return Task.FromResult(ApiResult.Success(CurrentJson!));
    }

    /// <summary>
    /// A heartbeat that changes nothing but the heartbeat times is not written while the stored one is younger than
    /// half the node grace period. Kubernetes renews a Lease instead and posts NodeStatus only on change; written
    /// every time, 5,000 nodes made 1,000 writes a second and starved the pods. The stored heartbeat stays well
    /// within the grace period (half of it, plus one heartbeat period), so a live node is never taken for dead.
    /// </summary>
    bool OnlyRenews(V1Node current, V1NodeStatus next)
    {
        if (current.Metadata.Annotations?.ContainsKey(RestartingAnnotation) == true) return false;
        if (current.Spec?.Taints?.Any(t => t.Key == NodeLifecycleGrain.UnreachableTaint) == true) return false;
        var stored = current.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastHeartbeatTime;
        if (stored is not { } at || DateTime.UtcNow - at.ToUniversalTime() >= lifecycle.Value.GracePeriod / 2) return false;
        return Objects.SameJson(WithoutHeartbeats(current.Status!), WithoutHeartbeats(next));
    }

    static V1NodeStatus WithoutHeartbeats(V1NodeStatus s)
    {
        var c = Objects.Clone(s);
        foreach (var condition in c.Conditions ?? []) condition.LastHeartbeatTime = null;
        return c;
    }

    public const string RestartingAnnotation = "cluster.local/restarting-until";

    public Task<ApiResult> MarkRestarting(DateTime until) => Mutate(n =>
    {
        n.Metadata.Annotations ??= new Dictionary<string, string>();
        n.Metadata.Annotations[RestartingAnnotation] = until.ToString("O");
        return true;
    });

    public Task<ApiResult> MarkUnreachable(string why) => Mutate(n =>
    {
        n.Spec ??= new V1NodeSpec();
        n.Spec.Taints ??= [];
        if (n.Spec.Taints.All(t => t.Key != NodeLifecycleGrain.UnreachableTaint))
            n.Spec.Taints.Add(new V1Taint { Key = NodeLifecycleGrain.UnreachableTaint, Effect = "NoExecute", TimeAdded = Objects.Now() });
        n.Status ??= new V1NodeStatus();
        foreach (var c in n.Status.Conditions ?? [])
        {
            if (c.Status != "Unknown") c.LastTransitionTime = Objects.Now();
            c.Status = "Unknown";
            c.Reason = "NodeStatusUnknown";
            c.Message = $"Kubelet stopped posting node status ({why}).";
        }
        return true;
    });

    public Task<ApiResult> SetUnschedulable(bool unschedulable) =>
        Mutate(n =>
        {
            if ((n.Spec?.Unschedulable ?? false) == unschedulable) return false;
            n.Spec ??= new V1NodeSpec();
            n.Spec.Unschedulable = unschedulable ? true : null;
            return true;
        }, specChange: true);

    protected override async Task AfterCommit(V1Node? old, V1Node current)
    {
        // DaemonSets follow the nodes: a new node, or new labels or taints, may want (or refuse) a daemon pod.
        if (old == null || !Objects.SameJson(old.Metadata.Labels, current.Metadata.Labels) || !Objects.SameJson(old.Spec?.Taints, current.Spec?.Taints))
            try { await Controllers.DaemonSets.DaemonSetGrain.NudgeAll(GrainFactory); }
            catch (Exception e) { Logger.LogInformation("telling the DaemonSets node {Node} changed failed: {Message}", Key.Name, e.Message); }
        if (old == null || Ready(old) != Ready(current) || old.Spec?.Unschedulable != current.Spec?.Unschedulable
            || !Objects.SameJson(old.Status?.Allocatable, current.Status?.Allocatable) || !Objects.SameJson(old.Spec?.Taints, current.Spec?.Taints))
            try { await GrainFactory.GetGrain<ISchedulerGrain>("default").NodesChanged(); }
            catch (Exception e) { Logger.LogInformation("telling the scheduler node {Node} changed failed: {Message}", Key.Name, e.Message); }
    }

    protected override async Task OnRemoved(V1Node gone)
    {
        try { await Controllers.DaemonSets.DaemonSetGrain.NudgeAll(GrainFactory); }
        catch (Exception e) { Logger.LogInformation("telling the DaemonSets node {Node} left failed: {Message}", Key.Name, e.Message); }
    }

    static bool Ready(V1Node n) => n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public Task Assign(ObjectKey pod, string? json)
    {
        _pods.Add(pod);
        Bump(pod, json);
        return Task.CompletedTask;
    }

    public Task Unassign(ObjectKey pod)
    {
        if (_pods.Remove(pod)) Bump(pod);
        return Task.CompletedTask;
    }

    void Bump(ObjectKey? changed, string? json = null)
    {
        _version++;
        var agent = agents.Get(Key.Name);
        // A local agent hears of a pod's change at once, below; its long poll is the fallback and is not woken for it
        // (it would only come back to find the version it already has).
        if (agent == null || changed == null)
        {
            var w = _waiters;
            _waiters = [];
            foreach (var t in w) t.TrySetResult();
        }
        agent?.Receive(new NodeAssignments(_version, _pods.ToList(), changed == null ? null : [changed]),
            json == null ? null : new PushedPod(json, Telemetry.Telemetry.ContinuedParent()));
    }

    public async Task<NodeAssignments> WaitAssignments(long sinceVersion, TimeSpan maxWait)
    {
        if (_version == sinceVersion)
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add(tcs);
            // A stopping silo answers long polls at once instead of holding its shutdown for them.
            await tcs.Task.CompletesWithin(maxWait, lifetime.ApplicationStopping);
            _waiters.Remove(tcs); // a poll that timed out (pushes to a local agent do not wake it)
        }
        return new NodeAssignments(_version, _pods.ToList()) { Local = agents.Get(Key.Name) != null };
    }
}
