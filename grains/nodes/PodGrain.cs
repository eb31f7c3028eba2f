using Cluster.Grains.Scheduling;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Scheduling;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Nodes;

/// <summary>
/// A Pod. Unbound pods are handed to the scheduler; bound pods are announced to their node, whose agent runs
/// them and reports status back here. Deleting a bound pod is graceful: deletionTimestamp is set, the agent
/// stops the containers within the grace period and then removes the pod for good.
/// </summary>
// A running pod needs nothing from its grain until someone writes it (its node agent, controllers and lists read the
// pod index): idle pods leave memory after two minutes and come back from storage on their next write.
[CollectionAgeLimit(Minutes = 2)]
public sealed class PodGrain(
    [PersistentState("object", ObjectGrain<V1Pod>.StorageName)] IPersistentState<ObjectRecord> state,
    ILogger<PodGrain> logger) : ObjectGrain<V1Pod>(state, logger), IPodGrain
{
    public const string HostPortsAnnotation = "cluster.local/host-ports";

    // A pod's "controller" only re-announces it (to the scheduler or its node); no reminder per pod.
    protected override bool IsController => true;
    protected override bool UsesReminder => false;
    // Decoded when a write or a read of the whole object needs it, and let go after the agent's reports (below).
    protected override bool DecodesOnActivation => false;

    protected override Task<ApiResult?> OnCreating(V1Pod p)
    {
        // Pod Security admission at the namespace's level (baseline unless labelled otherwise).
        // (The namespace was read by the create's namespace check just before.)
        if (Admission.PodSecurity.Check(p.Spec, NamespacePodSecurityLevel) is { } violation)
            return Task.FromResult<ApiResult?>(new ApiResult(403, "Forbidden", $"pods \"{Key.Name}\" is forbidden: {violation}", null));
        p.Status = new V1PodStatus { Phase = "Pending", QosClass = QosClass(p.Spec) };
        if (!string.IsNullOrEmpty(p.Spec.NodeName))
            p.Status.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = Objects.Now() }];
        return Task.FromResult<ApiResult?>(null);
    }

    protected override void CarrySpec(V1Pod next, V1Pod current)
    {
        // nodeName is set once, by binding; an update cannot move or unbind a pod.
        if (!string.IsNullOrEmpty(current.Spec?.NodeName)) next.Spec.NodeName = current.Spec.NodeName;
    }

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        // Activation reconciles every pod (a restarted silo's 150,000 as their nodes report): the two facts it needs are
        // read from the JSON rather than decoding the pod for the minutes its grain stays.
        var (node, deleting) = HeldDecoded is { } p ? (p.Spec.NodeName, p.Metadata.DeletionTimestamp != null) : NodeAndDeletion(CurrentJson!);
        if (string.IsNullOrEmpty(node))
        {
            // Announced once; the scheduler's resync finds an unbound pod whose announcement was lost with a silo.
            if (!deleting) await Scheduler.Enqueue(Key, CurrentJson);
            return null;
        }
        await Node(node).Assign(Key, CurrentJson);
        return null;
    }

    static (string? Node, bool Deleting) NodeAndDeletion(string json)
    {
        var f = PlacedPod.Read(json);
        return (f.NodeName, f.Deleting);
    }

    // Writes need no reconcile: a new pod announces itself to the scheduler and a bound pod's node hears of every
    // change, both in AfterCommit. Activation still reconciles every pod, which re-announces them after a crash.
    protected override bool ReconcileAfterWrite(V1Pod? old, V1Pod current) => false;

    ISchedulerGrain Scheduler => GrainFactory.GetGrain<ISchedulerGrain>("default");

    protected override bool OwnerCares(V1Pod? old, V1Pod current) => old == null || !SameCounts(old, current);

    /// <summary>
    /// Whether a write leaves unchanged everything a pod's owner counts: ReplicaSets, StatefulSets and DaemonSets count
    /// phases, readiness (and since when: availability after minReadySeconds), deletion, labels and owners; Jobs also
    /// count container restarts. A bind changes none of it (DaemonSet pods are created bound). A status report that only
    /// renews a container (a node that lost its containers starts 150,000 again) woke each ReplicaSet to recount its
    /// 1,000 pods a few times a second: a fifth of the silo's busy time while they came back.
    /// </summary>
    public static bool SameCounts(V1Pod old, V1Pod current)
    {
        static V1PodCondition? ReadyOf(V1Pod p) => p.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        static int Restarts(V1Pod p) => p.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0;
        var (a, b) = (ReadyOf(old), ReadyOf(current));
        return old.Status?.Phase == current.Status?.Phase
            && old.Metadata.DeletionTimestamp == current.Metadata.DeletionTimestamp
            && a?.Status == b?.Status && a?.LastTransitionTime == b?.LastTransitionTime
            && (Objects.ControllerOf(current.Metadata)?.Kind != "Job" || Restarts(old) == Restarts(current))
            && Objects.SameJson(old.Metadata.Labels, current.Metadata.Labels)
            && Objects.SameJson(old.Metadata.OwnerReferences, current.Metadata.OwnerReferences);
    }

    INodeGrain Node(string name) => GrainFactory.GetGrain<INodeGrain>(new ObjectKey("Node", "", name).GrainKey);

    public async Task<ApiResult> Bind(string nodeName)
    {
        if (Current == null) return ApiResult.NotFound(Kind, Key.Name);
        if (!string.IsNullOrEmpty(Current.Spec.NodeName))
            return ApiResult.Conflict(Kind, Key.Name, $"pod {Key.Name} is already assigned to node \"{Current.Spec.NodeName}\"");
        if (Current.Metadata.DeletionTimestamp != null)
            return ApiResult.Conflict(Kind, Key.Name, "pod is being deleted");
        var old = Current;
        var bound = BindCopy(old);
        bound.Spec.NodeName = nodeName;
        bound.Status ??= new V1PodStatus { Phase = "Pending" };
        SetCondition(bound.Status, "PodScheduled", "True", null, null);
        // The bound pod's JSON is the stored one with nodeName, the status and the version written in: the same text as
        // encoding the bound pod whole (JsonSpliceTests), which was a third of each pod's encoding on its way to running.
        var (json, status, node) = (CurrentJson!, Objects.ToJson(bound.Status), Objects.ToJson(nodeName));
        return await CommitEdited(old, bound, rv => JsonSplice.Of(json, "status").With(status, rv, "spec", "nodeName", node), decoded: true);
    }

    public async Task MarkUnschedulable(string message)
    {
        if (Current == null || !string.IsNullOrEmpty(Current.Spec.NodeName)) return;
        var c = Current.Status?.Conditions?.FirstOrDefault(x => x.Type == "PodScheduled");
        if (c != null && c.Status == "False" && c.Message == message) return;
        await Mutate(p =>
        {
            p.Status ??= new V1PodStatus { Phase = "Pending" };
            SetCondition(p.Status, "PodScheduled", "False", "Unschedulable", message);
            return true;
        });
    }

    // Set while a write changes only status and annotations (the agent's report): AfterCommit need not compare specs.
    bool _statusOnly;

    public async Task<ApiResult> ReportStatus(string statusJson, string? hostPorts)
    {
        if (CurrentJson == null) return ApiResult.NotFound(Kind, Key.Name);
        // The pod's node reports it, so the node knows it: the re-announcement an activation schedules would only wake
        // the agent for a pass over the pod it is writing (a silo that lost its containers announced 150,000 pods so).
        DropPendingReconcile();
        _statusOnly = true;
        try
        {
            // The usual report (same host ports): its status is written into the pod's JSON rather than the whole pod
            // encoded again (decoding and encoding each whole pod was 5% of a silo restarting every container, more with
            // the garbage). The hooks see the pod as held decoded (just bound: the first report) or, when not held, the
            // pod without its spec.
            if ((HeldDecoded ?? PodWithoutSpec.Read(CurrentJson!)) is { } old && PortsUnchanged(old, hostPorts))
            {
                var current = JsonSplice.Of(CurrentJson!, "status");
                if (current.ValueIs(statusJson)) return ApiResult.Success(CurrentJson!);
                if (PodWithoutSpec.ReadStatus(statusJson) is not { } reported)
                    return ApiResult.BadRequest($"the status reported for pod \"{Key.Name}\" does not read as a pod status");
                var now = StatusCopy(old);
                now.Status = reported;
                var written = await CommitStatusJson(old, now, current, statusJson);
                LeaveIfSettled(written, old, reported);
                return written;
            }
            var status = Objects.FromJson<V1PodStatus>(statusJson);
            var result = await Mutate(p => Report(p, status, statusJson, hostPorts), copy: StatusCopy);
            if (Current is { } p) LeaveIfSettled(result, p, status);
            return result;
        }
        finally
        {
            _statusOnly = false;
            // A reported pod is usually settled (running) and hears nothing more until its grain leaves memory two
            // minutes later: holding it decoded that long cost 5.5 KB a pod that every collection carried.
            ReleaseDecoded();
        }
    }

    /// <summary>
    /// A report that leaves the pod running and ready, or finished, is usually the last call its grain gets: the agent
    /// reports again only on a change, controllers and lists read the index. The grain leaves memory now rather than
    /// after its two idle minutes, in which it was carried through every young collection into the oldest generation
    /// (a silo restarting 150,000 containers held 150,000 such grains, their activations and the JSON each had read).
    /// A later call activates it again from storage.
    /// </summary>
    void LeaveIfSettled(ApiResult written, V1Pod pod, V1PodStatus status)
    {
        if (written.Ok && pod.Metadata.DeletionTimestamp == null && Settled(status)) DeactivateOnIdle();
    }

    /// <summary>Running and ready, or finished: what a pod's node reports last until something changes.</summary>
    internal static bool Settled(V1PodStatus status) =>
        status.Phase is "Succeeded" or "Failed"
        || (status.Phase == "Running" && status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);

    static readonly Func<object, object> ShallowClone = typeof(object).GetMethod("MemberwiseClone",
        System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.CreateDelegate<Func<object, object>>();

    /// <summary>
    /// The copy a status report changes: its own metadata (the write sets its resourceVersion) and annotations (the
    /// host ports), the current spec and status shared. Report replaces the status rather than editing it, and no write
    /// edits the current object in place (the others decode their own copy), so sharing is safe; it spares the decode of
    /// the whole pod that every report cost (a silo that lost its containers reports 150,000).
    /// </summary>
    internal static V1Pod StatusCopy(V1Pod current) => Copy(current, spec: false, conditions: false);

    /// <summary>The copy a bind changes: as <see cref="StatusCopy"/>, and its own spec (nodeName) and status with its own
    /// conditions (PodScheduled is set in place), each copied one level deep; containers, volumes and the rest shared.</summary>
    internal static V1Pod BindCopy(V1Pod current) => Copy(current, spec: true, conditions: true);

    static V1Pod Copy(V1Pod current, bool spec, bool conditions)
    {
        var m = (V1ObjectMeta)ShallowClone(current.Metadata);
        if (m.Annotations != null) m.Annotations = new Dictionary<string, string>(m.Annotations);
        var status = current.Status;
        if (conditions && status != null)
        {
            status = (V1PodStatus)ShallowClone(status);
            status.Conditions = status.Conditions?.Select(c => (V1PodCondition)ShallowClone(c)).ToList();
        }
        return new V1Pod
        {
            ApiVersion = current.ApiVersion, Kind = current.Kind, Metadata = m,
            Spec = spec && current.Spec != null ? (V1PodSpec)ShallowClone(current.Spec) : current.Spec, Status = status,
        };
    }

    /// <summary>Whether a report's host ports leave the pod's annotation as it is (see <see cref="Report"/>).</summary>
    static bool PortsUnchanged(V1Pod p, string? hostPorts)
    {
        var current = p.Metadata.Annotations.Val(HostPortsAnnotation);
        return hostPorts == null || (hostPorts == "" ? current == null : current == hostPorts);
    }

    static bool Report(V1Pod p, V1PodStatus status, string statusJson, string? hostPorts)
    {
        {
            var changed = false;
            // The agent reports only what differs from what it last saw, so the text rarely matches; when it does not,
            // the status is taken as it came (a map written in another order costs one write, not a wrong status).
            if (p.Status == null || Objects.ToJson(p.Status) != statusJson) { p.Status = status; changed = true; }
            var currentPorts = p.Metadata.Annotations.Val(HostPortsAnnotation);
            // No published ports is no annotation (an empty one would be a metadata change the node hears of).
            if (hostPorts == "" && currentPorts != null)
            {
                p.Metadata.Annotations!.Remove(HostPortsAnnotation);
                if (p.Metadata.Annotations.Count == 0) p.Metadata.Annotations = null;
                changed = true;
            }
            else if (!string.IsNullOrEmpty(hostPorts) && currentPorts != hostPorts)
            {
                p.Metadata.Annotations ??= new Dictionary<string, string>();
                p.Metadata.Annotations[HostPortsAnnotation] = hostPorts;
                changed = true;
            }
            return changed;
        }
    }

    public async Task<ApiResult> Evict(long? gracePeriodSeconds, bool dryRun)
    {
        if (Current == null) return ApiResult.NotFound(Kind, Key.Name);
        // Budgets are checked against the live pods, not a possibly stale status, so two evictions cannot both pass.
        var pods = (await GrainFactory.Index("Pod", Key.Namespace).List(new ListRequest())).Items.Select(Objects.FromJson<V1Pod>).ToList();
        foreach (var json in (await GrainFactory.Index("PodDisruptionBudget", Key.Namespace).List(new ListRequest())).Items)
        {
            var pdb = Objects.FromJson<V1PodDisruptionBudget>(json);
            if (!LabelSelector.FromModel(pdb.Spec?.Selector).Matches((IReadOnlyDictionary<string, string>?)Current.Metadata.Labels?.ToDictionary())) continue;
            if (Current.Metadata.DeletionTimestamp != null) continue;
            var status = Controllers.Disruption.DisruptionBudget.Status(pdb, pods, Objects.Now());
            var thisHealthy = Current.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
            if (thisHealthy && status.DisruptionsAllowed <= 0)
                return new ApiResult(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", null,
                    [new StatusCause("DisruptionBudget", $"The disruption budget {pdb.Metadata.Name} needs {status.DesiredHealthy} healthy pods and has {status.CurrentHealthy} currently", "")]);
        }
        return await Delete(new DeleteOptions(GracePeriodSeconds: gracePeriodSeconds, DryRun: dryRun));
    }

    static void SetCondition(V1PodStatus s, string type, string status, string? reason, string? message)
    {
        s.Conditions ??= [];
        var c = s.Conditions.FirstOrDefault(x => x.Type == type);
        if (c == null) { c = new V1PodCondition { Type = type }; s.Conditions.Add(c); }
        if (c.Status != status) c.LastTransitionTime = Objects.Now();
        c.Status = status; c.Reason = reason; c.Message = message;
    }

    protected override long? GracefulDeletion(DeleteOptions options)
    {
        var p = Current!;
        if (string.IsNullOrEmpty(p.Spec.NodeName) || p.Status?.Phase is "Succeeded" or "Failed") return null;
        return options.GracePeriodSeconds ?? p.Metadata.DeletionGracePeriodSeconds ?? p.Spec.TerminationGracePeriodSeconds ?? 30;
    }

    protected override bool NeedsGracefulStop(V1Pod o) => !string.IsNullOrEmpty(o.Spec.NodeName) && o.Status?.Phase is not ("Succeeded" or "Failed");

    protected override async Task AfterCommit(V1Pod? old, V1Pod current)
    {
        // The scheduler and the node's agent get the pod as written, and in this silo the decoded pod with it (when this
        // grain holds the whole pod, not the partial one a status report's hooks see), so they need not decode it: two
        // decodes of each pod fewer on the way to running.
        var whole = ReferenceEquals(HeldDecoded, current) ? current : null;
        if (old == null && string.IsNullOrEmpty(current.Spec.NodeName) && current.Metadata.DeletionTimestamp == null)
        {
            if (whole != null) Handoff<V1Pod>.Offer(CurrentJson!, whole);
            try { await Scheduler.Enqueue(Key, CurrentJson); }
            catch (Exception e) when (e is OrleansException or TimeoutException) { Logger.LogInformation("announcing {Key} to the scheduler failed ({Message}); its resync will find it", Key, e.Message); }
        }
        if ((old == null || ServesChanged(old, current)) && (HasAddress(old) || HasAddress(current))) await NotifyServices(old, current);
        // Tell the node about any change of its pod (spec, deletion), so the agent acts at once.
        // (Its agent re-reads only the pods it hears of, so metadata counts too: labels feed the downward API.)
        if (!string.IsNullOrEmpty(current.Spec.NodeName) && (old?.Spec.NodeName != current.Spec.NodeName || (!_statusOnly && !Objects.SameJson(old?.Spec, current.Spec))
                || old?.Metadata.DeletionTimestamp != current.Metadata.DeletionTimestamp
                || !Objects.SameJson(old?.Metadata.Labels, current.Metadata.Labels) || !Objects.SameJson(old?.Metadata.Annotations, current.Metadata.Annotations)))
        {
            if (whole != null) Handoff<V1Pod>.Offer(CurrentJson!, whole);
            await Node(current.Spec.NodeName).Assign(Key, CurrentJson);
        }
    }

    /// <summary>Endpoints list only pods with an address: a change to a pod that never had one changes no endpoints.</summary>
    static bool HasAddress(V1Pod? p) => p?.Status?.PodIP != null || p?.Status?.HostIP != null;

    static bool Ready(V1Pod p) => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>What an endpoint depends on: labels, readiness, addresses, ports, termination.</summary>
    static bool ServesChanged(V1Pod old, V1Pod now) =>
        Ready(old) != Ready(now) || old.Status?.PodIP != now.Status?.PodIP || old.Status?.HostIP != now.Status?.HostIP
        || old.Metadata.DeletionTimestamp != now.Metadata.DeletionTimestamp || !Objects.SameJson(old.Metadata.Labels, now.Metadata.Labels)
        || old.Spec.NodeName != now.Spec.NodeName
        || old.Metadata.Annotations.Val(HostPortsAnnotation) != now.Metadata.Annotations.Val(HostPortsAnnotation);

    /// <summary>The endpoints controllers of the services that select this pod (before or after the change) re-run.</summary>
    async Task NotifyServices(V1Pod? old, V1Pod? now)
    {
        // The silo's copy of the namespace's Services (IndexCache: it wakes a Service's controller itself when the
        // Service appears in the copy after this pod read it).
        foreach (var json in await ServiceProvider.GetRequiredService<IndexCache>().List(Kinds.Service.Kind, Key.Namespace))
        {
            var svc = SharedDecoded<V1Service>.Of(json);
            if (svc.Spec?.Selector is not { Count: > 0 } sel) continue;
            bool Selects(V1Pod? p) => p != null && sel.All(kv => p.Metadata.Labels.Val(kv.Key) == kv.Value);
            if (Selects(old) || Selects(now))
                await GrainFactory.GetGrain<IServiceGrain>(new ObjectKey("Service", Key.Namespace, svc.Metadata.Name).GrainKey).Reconcile();
        }
    }

    protected override async Task OnRemoved(V1Pod gone)
    {
        if (HasAddress(gone)) await NotifyServices(gone, null);
        if (!string.IsNullOrEmpty(gone.Spec.NodeName))
        {
            try
            {
                await Node(gone.Spec.NodeName).Unassign(Key);
                await GrainFactory.GetGrain<ISchedulerGrain>("default").Forget(Key);
            }
            catch (Exception e) { Logger.LogInformation("telling node/scheduler that {Key} is gone failed: {Message}", Key, e.Message); }
        }
    }

    static string QosClass(V1PodSpec spec)
    {
        var cs = spec.Containers ?? [];
        bool Has(V1Container c, string r, bool limits) => (limits ? c.Resources?.Limits : c.Resources?.Requests)?.ContainsKey(r) == true;
        if (cs.All(c => !Has(c, "cpu", false) && !Has(c, "memory", false) && !Has(c, "cpu", true) && !Has(c, "memory", true))) return "BestEffort";
        if (cs.All(c => Has(c, "cpu", true) && Has(c, "memory", true) &&
                        (!Has(c, "cpu", false) || c.Resources!.Requests!["cpu"].ToDecimal() == c.Resources.Limits!["cpu"].ToDecimal()) &&
                        (!Has(c, "memory", false) || c.Resources!.Requests!["memory"].ToDecimal() == c.Resources.Limits!["memory"].ToDecimal())))
            return "Guaranteed";
        return "Burstable";
    }
}
