using Cluster.Interfaces.Calls;
using Orleans.Concurrency;
using Cluster.Interfaces.Api;

namespace Cluster.Interfaces.Store;

[GenerateSerializer, Immutable]
public sealed record WriteOptions(bool DryRun = false, string? FieldManager = null)
{
    public static readonly WriteOptions Default = new();
}

[GenerateSerializer, Immutable]
public sealed record DeleteOptions(
    string? PropagationPolicy = null, long? GracePeriodSeconds = null,
    string? PreconditionResourceVersion = null, string? PreconditionUid = null, bool DryRun = false)
{
    public static readonly DeleteOptions Default = new();
}

/// <summary>
/// One Kubernetes object. Its grain key is <see cref="ObjectKey.GrainKey"/>; its persisted state is the object.
/// Every write goes through the same admission path (decode, default, validate) inside the grain, so the SDK
/// and the HTTP API cannot disagree. Objects travel as Kubernetes JSON.
/// </summary>
public interface IObjectGrain : IGrainWithStringKey
{
    /// <summary>Interleaves with everything: a read never waits behind a reconcile (and cannot join a call cycle).</summary>
    [Idempotent, AlwaysInterleave] Task<ApiResult> Get();
    /// <summary>Creates the object; 409 AlreadyExists when present.</summary>
    Task<ApiResult> Create(string json, WriteOptions options);
    /// <summary>Replaces spec and metadata (not status); refuses a stale metadata.resourceVersion with 409 Conflict.</summary>
    Task<ApiResult> Update(string json, WriteOptions options);
    /// <summary>Creates when absent, otherwise updates what the manifest says (labels, annotations, spec). Reason "Unchanged" when nothing changed.</summary>
    Task<ApiResult> Apply(string json, WriteOptions options);
    /// <summary>Replaces status only.</summary>
    Task<ApiResult> UpdateStatus(string json, WriteOptions options);
    Task<ApiResult> Delete(DeleteOptions options);
    /// <summary>Drops the owner reference to this uid (an owner deleted with propagation Orphan).</summary>
    Task<ApiResult> DropOwner(string ownerUid);
    /// <summary>Runs the kind's controller (a no-op for plain objects). Called on change, by reminders and by owners' dependents.
    /// Interleaves, as Nudge does: it only schedules. Queued instead behind a controller's running pass (a ReplicaSet
    /// awaiting 500 creates hears from each new pod), each arrival made Orleans rescan every queued message.</summary>
    [OneWay, AlwaysInterleave] Task Reconcile();
    /// <summary>Reconcile, acknowledged: for callers that must know the trigger arrived (a one-way message to a
    /// grain whose silo just died can be lost). Interleaves: it only schedules, so it cannot join a call cycle.</summary>
    [AlwaysInterleave] Task Nudge();
}

public interface INamespaceGrain : IObjectGrain
{
    /// <summary>What a create in this namespace is admitted against, in one call: the namespace (404 when absent),
    /// its Pod Security level, and whether any LimitRange or ResourceQuota applies (most namespaces have neither).</summary>
    [AlwaysInterleave] Task<NamespaceAdmission> Admission();
    /// <summary>A LimitRange or ResourceQuota of the namespace was created or removed. Interleaves: the namespace
    /// controller deleting them waits on their removal, which tells the namespace.</summary>
    [AlwaysInterleave] Task PoliciesChanged();
}

[GenerateSerializer, Immutable]
public sealed record NamespaceAdmission(ApiResult Namespace, string? PodSecurityLevel, bool HasLimitRanges, bool HasQuotas);
public interface IServiceGrain : IObjectGrain { }
public interface IConfigMapGrain : IObjectGrain { }
public interface ISecretGrain : IObjectGrain { }
public interface IEventGrain : IObjectGrain { }
public interface IEndpointsGrain : IObjectGrain { }
public interface IEndpointSliceGrain : IObjectGrain { }
public interface IIngressGrain : IObjectGrain { }
public interface IPodDisruptionBudgetGrain : IObjectGrain { }
public interface IJobGrain : IObjectGrain { }
public interface IDaemonSetGrain : IObjectGrain { }
public interface IStatefulSetGrain : IObjectGrain
{
    Task<ApiResult> Scale(int replicas);
}
public interface IStorageClassGrain : IObjectGrain { }
public interface ILimitRangeGrain : IObjectGrain { }
public interface IResourceQuotaGrain : IObjectGrain
{
    /// <summary>Admits the creation of an object in the quota's namespace, or says which hard limit it would pass.</summary>
    Task<string?> Admit(string kind, string name, string json);
}
public interface IHorizontalPodAutoscalerGrain : IObjectGrain { }
public interface IPersistentVolumeClaimGrain : IObjectGrain { }
public interface IPersistentVolumeGrain : IObjectGrain
{
    /// <summary>Binds the volume to a claim (claimRef), unless another claim holds it.</summary>
    Task<ApiResult> Claim(string claimRefJson);
    /// <summary>Records the node whose engine holds the volume's data, the first time a pod mounts it.</summary>
    Task<ApiResult> Attach(string node);
}
public interface ICronJobGrain : IObjectGrain { }
public interface ICustomResourceDefinitionGrain : IObjectGrain { }
public interface IRoleGrain : IObjectGrain { }
public interface IServiceAccountGrain : IObjectGrain
{
    /// <summary>The token subresource (TokenRequest): a token for this ServiceAccount, signed by the cluster, in ApiResult.Json.</summary>
    Task<ApiResult> RequestToken(long expirationSeconds);
}
public interface IClusterRoleGrain : IObjectGrain { }
public interface IRoleBindingGrain : IObjectGrain { }
public interface IClusterRoleBindingGrain : IObjectGrain { }
/// <summary>An object of a kind a CustomResourceDefinition registered.</summary>
public interface ICustomObjectGrain : IObjectGrain { }

public interface IDeploymentGrain : IObjectGrain
{
    /// <summary>Sets spec.replicas (the scale subresource).</summary>
    Task<ApiResult> Scale(int replicas);
    /// <summary>Copies the pod template of the given revision (0 = the previous one) back into the spec, as `rollout undo` does.</summary>
    Task<ApiResult> Rollback(long toRevision);
    Task<ApiResult> SetPaused(bool paused);
    /// <summary>Sets the restartedAt annotation on the template (`rollout restart`).</summary>
    Task<ApiResult> Restart();
}

public interface IReplicaSetGrain : IObjectGrain
{
    Task<ApiResult> Scale(int replicas);
}

public interface IPodGrain : IObjectGrain
{
    /// <summary>Binds the pod to a node (the binding subresource): sets spec.nodeName and PodScheduled.</summary>
    Task<ApiResult> Bind(string nodeName);
    /// <summary>Records a scheduling failure (PodScheduled=False with the reason message).</summary>
    Task MarkUnschedulable(string message);
    /// <summary>The node agent's report: status plus the host ports it published ("container/port=hostPort,...").</summary>
    Task<ApiResult> ReportStatus(string statusJson, string? hostPorts);
    /// <summary>The eviction subresource: deletes the pod unless a PodDisruptionBudget forbids it (429 TooManyRequests).</summary>
    Task<ApiResult> Evict(long? gracePeriodSeconds, bool dryRun);
}

public interface INodeGrain : IObjectGrain
{
    /// <summary>The agent's heartbeat: node status JSON (capacity, allocatable, conditions, addresses, nodeInfo).</summary>
    Task<ApiResult> Heartbeat(string statusJson);
    /// <summary>The agent is alive and its status unchanged since its last heartbeat: nothing is written (its silo
    /// renews the node's lease). Conflict when the node needs a full heartbeat (the node controller marked it
    /// unreachable or restarting, or it is not Ready).</summary>
    Task<ApiResult> Renew();
    /// <summary>A pod bound here was written (json: the pod as written, handed to a local agent so it need not read it).</summary>
    Task Assign(ObjectKey pod, string? json);
    Task Unassign(ObjectKey pod);
    /// <summary>Pods bound to this node; waits up to maxWait for a version newer than sinceVersion (long poll).</summary>
    [AlwaysInterleave] Task<NodeAssignments> WaitAssignments(long sinceVersion, TimeSpan maxWait);
    Task<ApiResult> SetUnschedulable(bool unschedulable);
    /// <summary>The node controller's verdict: Ready=Unknown and the unreachable NoExecute taint, until the agent's next heartbeat.</summary>
    Task<ApiResult> MarkUnreachable(string why);
    /// <summary>The agent stops cleanly (a restart, an upgrade): the node controller leaves its pods alone until the given time.</summary>
    Task<ApiResult> MarkRestarting(DateTime until);
    /// <summary>A container's log from this node's agent; the text comes back in ApiResult.Json.</summary>
    Task<ApiResult> Logs(LogRequest request);
    /// <summary>The resource usage of this node's pods, as its agent last sampled it (the autoscaler's metrics).</summary>
    Task<IReadOnlyList<PodUsage>> Usage();
    /// <summary>The traffic this node's silo proxied to a Service (the autoscaler's request-rate and error metrics).</summary>
    Task<ServiceTraffic> Traffic(string ns, string service);
    /// <summary>Removes a named volume from this node's engine (a deleted PersistentVolume's data).</summary>
    Task RemoveVolume(string name);
}

[GenerateSerializer, Immutable]
public sealed record LogRequest(ObjectKey Pod, string? Container, bool Previous, int? TailLines, DateTime? Since, bool Timestamps);

[GenerateSerializer, Immutable]
public sealed record PodUsage(string PodUid, double MilliCpu, long MemoryBytes);

/// <summary>Requests per second over the last 10 s and the share of failed connections, as one silo's proxy saw them.</summary>
[GenerateSerializer, Immutable]
public sealed record ServiceTraffic(string Silo, double RequestsPerSecond, double ErrorRatio);

[GenerateSerializer, Immutable]
/// <summary>The pods bound to a node. Changed names the pods whose objects changed since the previous version, when
/// the sender knows (a push for one write); null means any may have (a poll), and the agent re-reads them all.</summary>
public sealed record NodeAssignments(long Version, IReadOnlyList<ObjectKey> Pods, IReadOnlyList<ObjectKey>? Changed = null)
{
    /// <summary>The node's grain runs in the silo of the agent that asked (it pushes every change there).</summary>
    [Id(3)] public bool Local { get; init; }
}

public static class ObjectGrains
{
    /// <summary>The grain of one object, typed by its kind.</summary>
    public static IObjectGrain For(this IGrainFactory f, ObjectKey key) => key.Kind switch
    {
        "Namespace" => f.GetGrain<INamespaceGrain>(key.GrainKey),
        "Node" => f.GetGrain<INodeGrain>(key.GrainKey),
        "Pod" => f.GetGrain<IPodGrain>(key.GrainKey),
        "ReplicaSet" => f.GetGrain<IReplicaSetGrain>(key.GrainKey),
        "Deployment" => f.GetGrain<IDeploymentGrain>(key.GrainKey),
        "Service" => f.GetGrain<IServiceGrain>(key.GrainKey),
        "ConfigMap" => f.GetGrain<IConfigMapGrain>(key.GrainKey),
        "Secret" => f.GetGrain<ISecretGrain>(key.GrainKey),
        "Event" => f.GetGrain<IEventGrain>(key.GrainKey),
        "Endpoints" => f.GetGrain<IEndpointsGrain>(key.GrainKey),
        "EndpointSlice" => f.GetGrain<IEndpointSliceGrain>(key.GrainKey),
        "Ingress" => f.GetGrain<IIngressGrain>(key.GrainKey),
        "PodDisruptionBudget" => f.GetGrain<IPodDisruptionBudgetGrain>(key.GrainKey),
        "Job" => f.GetGrain<IJobGrain>(key.GrainKey),
        "DaemonSet" => f.GetGrain<IDaemonSetGrain>(key.GrainKey),
        "StatefulSet" => f.GetGrain<IStatefulSetGrain>(key.GrainKey),
        "StorageClass" => f.GetGrain<IStorageClassGrain>(key.GrainKey),
        "ResourceQuota" => f.GetGrain<IResourceQuotaGrain>(key.GrainKey),
        "LimitRange" => f.GetGrain<ILimitRangeGrain>(key.GrainKey),
        "HorizontalPodAutoscaler" => f.GetGrain<IHorizontalPodAutoscalerGrain>(key.GrainKey),
        "PersistentVolumeClaim" => f.GetGrain<IPersistentVolumeClaimGrain>(key.GrainKey),
        "PersistentVolume" => f.GetGrain<IPersistentVolumeGrain>(key.GrainKey),
        "CronJob" => f.GetGrain<ICronJobGrain>(key.GrainKey),
        "CustomResourceDefinition" => f.GetGrain<ICustomResourceDefinitionGrain>(key.GrainKey),
        "Role" => f.GetGrain<IRoleGrain>(key.GrainKey),
        "ServiceAccount" => f.GetGrain<IServiceAccountGrain>(key.GrainKey),
        "ClusterRole" => f.GetGrain<IClusterRoleGrain>(key.GrainKey),
        "RoleBinding" => f.GetGrain<IRoleBindingGrain>(key.GrainKey),
        "ClusterRoleBinding" => f.GetGrain<IClusterRoleBindingGrain>(key.GrainKey),
        // Any other kind is a custom one; its grain refuses to activate for a kind no definition registers.
        _ => f.GetGrain<ICustomObjectGrain>(key.GrainKey),
    };

    public static IIndexGrain Index(this IGrainFactory f, string kind, string ns) => f.GetGrain<IIndexGrain>(IndexKeys.For(kind, ns));

    /// <summary>The names of every namespace (the cluster-wide walks of per-namespace indexes start here).</summary>
    public static async Task<IReadOnlyList<string>> NamespaceNames(this IGrainFactory f)
    {
        // The walk over namespaces is the cluster's; what is read in each is authorised per namespace.
        using var _ = Security.RequestIdentityScope.Suppress();
        return await f.Index("Namespace", "").Names();
    }

    /// <summary>metadata.name of an object's JSON, without decoding the object (callers that only need names ask
    /// thousands of times a second at scale).</summary>
    public static string NameOf(string json) => System.Text.Json.JsonSerializer.Deserialize<NameOnly>(json)?.Metadata?.Name ?? "";

    sealed record NameOnly([property: System.Text.Json.Serialization.JsonPropertyName("metadata")] NameOnly.Meta? Metadata)
    {
        public sealed record Meta([property: System.Text.Json.Serialization.JsonPropertyName("name")] string? Name);
    }

    /// <summary>Every pod bound to a node, in every namespace, as (namespace, name, JSON).</summary>
    public static async Task<IReadOnlyList<(string Namespace, string Name, string Json)>> PodsOnNode(this IGrainFactory f, string node)
    {
        var result = new List<(string, string, string)>();
        foreach (var ns in await f.NamespaceNames())
            foreach (var pod in await f.Index("Pod", ns).OnNode(node))
                result.Add((ns, pod.Name, pod.Json));
        return result;
    }
}
