namespace Cluster.Grains.Runtime;

/// <summary>
/// The narrow interface between a node agent and whatever runs containers: Docker Engine, or the simulated
/// runtime used for scale. Only implementations of this interface know a container engine exists.
/// </summary>
public interface IContainerRuntime
{
    string Name { get; }
    /// <summary>True when containers see files of this machine (binds): volumes, the managed /etc/hosts.</summary>
    bool BindsFiles => false;
    Task<RuntimeInfo> InfoAsync(CancellationToken ct);
    /// <summary>The containers this node's agent owns (labelled with its node name), in any state.</summary>
    Task<IReadOnlyList<RuntimeContainer>> ListAsync(string node, CancellationToken ct, string? podUid = null);
    /// <summary>Makes the image present per the pull policy; returns null when ready, else the error (reason, message).</summary>
    Task<(string Reason, string Message)?> EnsureImageAsync(string image, string pullPolicy, CancellationToken ct);
    /// <summary>Creates and starts a container; returns its id.</summary>
    Task<string> CreateAndStartAsync(ContainerSpec spec, CancellationToken ct);
    Task StopAsync(string id, TimeSpan grace, CancellationToken ct);
    Task RemoveAsync(string id, CancellationToken ct);
    /// <summary>CPU (millicores) and memory (bytes) a running container uses now, or null when unknown.</summary>
    Task<(double MilliCpu, long MemoryBytes)?> UsageAsync(string id, CancellationToken ct);
    /// <summary>The user an image runs as by default (its USER; "" for root), or null when unknown.</summary>
    Task<string?> ImageUserAsync(string image, CancellationToken ct);
    /// <summary>Removes a named volume (a PersistentVolume's data) if the engine has it and no container uses it.</summary>
    Task RemoveVolumeAsync(string name, CancellationToken ct);
    Task<string> LogsAsync(string id, int? tailLines, DateTime? since, bool timestamps, CancellationToken ct);
    /// <summary>Runs a command in a running container (exec probes); returns its exit code and output.</summary>
    Task<(long ExitCode, string Output)> ExecAsync(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken ct);
    /// <summary>Raised when a container of this node starts, dies or disappears (the agent then re-syncs).</summary>
    event Action<string /*podUid*/>? ContainerChanged;
    /// <summary>Starts watching the engine's events for this node (idempotent).</summary>
    Task WatchAsync(string node, CancellationToken ct);
}

public sealed record RuntimeInfo(int Cpus, long MemoryBytes, string OsImage, string KernelVersion, string RuntimeVersion, string Architecture);

public static class ContainerStates
{
    public const string Created = "created", Running = "running", Exited = "exited";
}

/// <summary>A container as observed, with the pod identity carried in its labels.</summary>
public sealed record RuntimeContainer(
    string Id, string Node, string PodUid, string Namespace, string PodName, string ContainerName, int Attempt,
    string State, int ExitCode, DateTime? StartedAt, DateTime? FinishedAt, string Image, string ImageId,
    IReadOnlyDictionary<int, int> HostPorts, string? Ip, bool OomKilled = false);

/// <summary>What to start: the pod identity (for labels and names) and the container's resolved settings.</summary>
public sealed record ContainerSpec(
    string Node, string PodUid, string Namespace, string PodName, string ContainerName, int Attempt,
    string Image, IReadOnlyList<string>? Command, IReadOnlyList<string>? Args, IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<int> Ports, long? MemoryLimitBytes, long? NanoCpus, string? WorkingDir,
    IReadOnlyList<Nodes.Volumes.Bind>? Binds = null, ContainerSecurity? Security = null,
    string? Hostname = null, string? Domainname = null);

/// <summary>What the container's securityContext asks of the engine.</summary>
public sealed record ContainerSecurity(string? User, bool ReadOnlyRoot, IReadOnlyList<string> CapAdd, IReadOnlyList<string> CapDrop, bool NoNewPrivileges, bool Privileged);

public static class RuntimeLabels
{
    public const string Node = "cluster.local/node";
    public const string PodUid = "cluster.local/pod-uid";
    public const string Namespace = "cluster.local/namespace";
    public const string PodName = "cluster.local/pod-name";
    public const string Container = "cluster.local/container";
    public const string Attempt = "cluster.local/attempt";
}
