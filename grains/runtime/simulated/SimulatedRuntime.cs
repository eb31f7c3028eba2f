using System.Collections.Concurrent;

namespace Cluster.Grains.Runtime.Simulated;

/// <summary>
/// A container runtime with no containers, for scale tests and machines without Docker: a container "starts"
/// after a configurable delay and then runs until stopped. One instance can serve any number of simulated nodes.
/// Its containers live in the silo's memory, so a silo crash loses them as if every node had rebooted, unless a
/// <see cref="ContainerJournal"/> keeps them (<see cref="Persisted"/>): then they outlive the silo as a container
/// engine's containers outlive a crashed kubelet.
/// </summary>
public sealed class SimulatedRuntime(TimeSpan startDelay, int cpusPerNode = 8, long memoryPerNode = 32L << 30) : IContainerRuntime, IDisposable
{
    // Containers by id, and the ids on each node: a node's agent lists its own containers without a scan of all of them.
    readonly ConcurrentDictionary<string, RuntimeContainer> _containers = new();
    readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byNode = new();
    readonly HashSet<string> _images = ["nginx:latest", "nginx:stable", "busybox:latest"];
    int _nextPort = 40000;
    ContainerJournal? _journal;

    /// <summary>A runtime whose containers are kept in the file at path (and those it holds are running again).</summary>
    public static SimulatedRuntime Persisted(TimeSpan startDelay, string path)
    {
        var r = new SimulatedRuntime(startDelay);
        var (journal, containers) = ContainerJournal.Open(path);
        foreach (var c in containers)
        {
            r._containers[c.Id] = c;
            r._byNode.GetOrAdd(c.Node, _ => new ConcurrentDictionary<string, byte>())[c.Id] = 0;
            foreach (var port in c.HostPorts.Values) r._nextPort = Math.Max(r._nextPort, port);
        }
        r._journal = journal;
        return r;
    }

    /// <summary>How many containers the runtime holds (of every node).</summary>
    public int Count => _containers.Count;

    /// <summary>Records a container's new state (in memory, and in the journal when there is one).</summary>
    void Set(RuntimeContainer c)
    {
        // Encoded before the lock: at a thousand starts a second, encoding under it made the agents queue for it.
        var line = _journal == null ? null : ContainerJournal.PutLine(c);
        lock (_gate) { _containers[c.Id] = c; if (line != null) _journal!.Append(line); } // the file holds changes in the order they were made
    }
    readonly object _gate = new();

    public void Dispose() => _journal?.Dispose();
    public event Action<string>? ContainerChanged;
    public string Name => "simulated";

    /// <summary>Images that "exist"; any other image fails to pull (to exercise ErrImagePull). Empty = every image exists.</summary>
    public bool AllImagesPresent { get; set; } = true;

    public Task<RuntimeInfo> InfoAsync(CancellationToken ct) =>
        Task.FromResult(new RuntimeInfo(cpusPerNode, memoryPerNode, "Simulated", "simulated", "simulated://1.0", "amd64"));

    public Task<IReadOnlyList<RuntimeContainer>> ListAsync(string node, CancellationToken ct, string? podUid = null)
    {
        var result = new List<RuntimeContainer>();
        // Enumerated in place: Keys would copy the ids into a new array on each list (every agent pass of every node).
        if (_byNode.TryGetValue(node, out var ids))
            foreach (var (id, _) in ids)
                if (_containers.TryGetValue(id, out var c) && (podUid == null || c.PodUid == podUid)) result.Add(c);
        return Task.FromResult<IReadOnlyList<RuntimeContainer>>(result);
    }

    public Task<(string Reason, string Message)?> EnsureImageAsync(string image, string pullPolicy, CancellationToken ct)
    {
        if (AllImagesPresent || _images.Contains(image)) return Task.FromResult<(string, string)?>(null);
        return Task.FromResult<(string, string)?>(("ErrImagePull", $"failed to pull and unpack image \"{image}\": simulated registry has no such image"));
    }

    public async Task<string> CreateAndStartAsync(ContainerSpec s, CancellationToken ct)
    {
        if (startDelay > TimeSpan.Zero) await Task.Delay(startDelay, ct);
        var id = Guid.NewGuid().ToString("N");
        var ports = s.Ports.ToDictionary(p => p, _ => Interlocked.Increment(ref _nextPort));
        var now = DateTime.UtcNow;
        _byNode.GetOrAdd(s.Node, _ => new ConcurrentDictionary<string, byte>())[id] = 0;
        Set(new RuntimeContainer(id, s.Node, s.PodUid, s.Namespace, s.PodName, s.ContainerName, s.Attempt,
            ContainerStates.Running, 0, new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc), null,
            s.Image, "sha256:simulated", ports, null));
        return id;
    }

    /// <summary>Makes a running container exit (tests of restart and CrashLoopBackOff).</summary>
    public void Exit(string id, int code)
    {
        if (_containers.TryGetValue(id, out var c))
        {
            Set(c with { State = ContainerStates.Exited, ExitCode = code, FinishedAt = DateTime.UtcNow });
            ContainerChanged?.Invoke(c.PodUid);
        }
    }

    public Task StopAsync(string id, TimeSpan grace, CancellationToken ct)
    {
        if (_containers.TryGetValue(id, out var c) && c.State == ContainerStates.Running)
            Set(c with { State = ContainerStates.Exited, ExitCode = 0, FinishedAt = DateTime.UtcNow });
        return Task.CompletedTask;
    }

    public Task RemoveVolumeAsync(string name, CancellationToken ct) => Task.CompletedTask;
    public Task<string?> ImageUserAsync(string image, CancellationToken ct) => Task.FromResult<string?>("");
    public Task<(double MilliCpu, long MemoryBytes)?> UsageAsync(string id, CancellationToken ct) => Task.FromResult<(double, long)?>(null);

    public Task RemoveAsync(string id, CancellationToken ct)
    {
        RuntimeContainer? c;
        lock (_gate) { if (!_containers.TryRemove(id, out c)) return Task.CompletedTask; _journal?.Delete(id); }
        if (_byNode.TryGetValue(c.Node, out var ids)) ids.TryRemove(id, out _);
        return Task.CompletedTask;
    }

    public Task<string> LogsAsync(string id, int? tailLines, DateTime? since, bool timestamps, CancellationToken ct) =>
        Task.FromResult(_containers.ContainsKey(id) ? "" : throw new InvalidOperationException($"container {id} not found"));

    public Task WatchAsync(string node, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Simulated containers run nothing: every exec succeeds.</summary>
    public Task<(long ExitCode, string Output)> ExecAsync(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken ct) =>
        Task.FromResult(_containers.TryGetValue(id, out var c) && c.State == ContainerStates.Running ? (0L, "") : (1L, "container not running"));
}
