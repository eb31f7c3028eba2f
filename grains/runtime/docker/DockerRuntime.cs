using Cluster.Grains.Store;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Runtime.Docker;

/// <summary>
/// Docker Engine through Docker.DotNet.Enhanced (the maintained fork: System.Text.Json, nullable models; it and the
/// original both work against this engine's API 1.41, which we pin). Every container gets an init process (so a
/// stop takes ~0.1 s, not the full grace), its ports published on 127.0.0.1 with dynamic host ports, and labels
/// carrying the pod identity so a restarted agent can re-adopt or remove it.
/// </summary>
public sealed class DockerRuntime : IContainerRuntime, IDisposable
{
    readonly DockerClient _client;
    readonly ILogger _logger;
    readonly string _endpoint;
    Task? _watch;
    public event Action<string>? ContainerChanged;
    public string Name => "docker";
    public bool BindsFiles => true;

    public DockerRuntime(string? endpoint, ILogger<DockerRuntime> logger)
    {
        _logger = logger;
        _endpoint = endpoint ?? Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
        _client = new DockerClientBuilder().WithEndpoint(new Uri(_endpoint)).WithApiVersion(new System.Version(1, 41)).Build();
    }

    public string Endpoint => _endpoint;

    /// <summary>Fails fast, with a sentence saying what to do, when no engine answers.</summary>
    public async Task<string?> ProbeAsync(CancellationToken ct)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            await _client.System.PingAsync(cts.Token);
            return null;
        }
        catch (Exception e) { return e.GetBaseException().Message; }
    }

    public async Task<RuntimeInfo> InfoAsync(CancellationToken ct)
    {
        var info = await _client.System.GetSystemInfoAsync(ct);
        return new RuntimeInfo((int)info.NCPU, info.MemTotal, info.OperatingSystem ?? "linux", info.KernelVersion ?? "", $"docker://{info.ServerVersion}", info.Architecture ?? "amd64");
    }

    public async Task<IReadOnlyList<RuntimeContainer>> ListAsync(string node, CancellationToken ct, string? podUid = null)
    {
        var labels = new Dictionary<string, bool> { [$"{RuntimeLabels.Node}={node}"] = true };
        if (podUid != null) labels[$"{RuntimeLabels.PodUid}={podUid}"] = true;
        var list = await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels },
        }, ct);
        var result = new List<RuntimeContainer>();
        foreach (var c in list)
        {
            // The list omits exit codes, times and ports published after restarts: inspect.
            ContainerInspectResponse i;
            try { i = await _client.Containers.InspectContainerAsync(c.ID, ct); }
            catch (DockerContainerNotFoundException) { continue; }
            result.Add(ToContainer(i));
        }
        return result;
    }

    static RuntimeContainer ToContainer(ContainerInspectResponse i)
    {
        var l = i.Config?.Labels ?? new Dictionary<string, string>();
        var ports = new Dictionary<int, int>();
        foreach (var (key, bindings) in i.NetworkSettings?.Ports ?? new Dictionary<string, IList<PortBinding>>())
        {
            var slash = key.IndexOf('/');
            if (bindings == null || !int.TryParse(slash > 0 ? key[..slash] : key, out var cport)) continue;
            var hp = bindings.Select(b => int.TryParse(b.HostPort, out var h) ? h : 0).FirstOrDefault(h => h > 0);
            if (hp > 0) ports[cport] = hp;
        }
        var state = i.State?.Running == true ? ContainerStates.Running
            : i.State?.Status == "created" ? ContainerStates.Created : ContainerStates.Exited;
        return new RuntimeContainer(
            i.ID, l.Val(RuntimeLabels.Node) ?? "", l.Val(RuntimeLabels.PodUid) ?? "",
            l.Val(RuntimeLabels.Namespace) ?? "", l.Val(RuntimeLabels.PodName) ?? "",
            l.Val(RuntimeLabels.Container) ?? "",
            int.TryParse(l.Val(RuntimeLabels.Attempt), out var a) ? a : 0,
            state, (int)(i.State?.ExitCode ?? 0), Time(i.State?.StartedAt), Time(i.State?.FinishedAt),
            i.Config?.Image ?? "", i.Image ?? "", ports,
            i.NetworkSettings?.Networks?.Values.FirstOrDefault()?.IPAddress is { Length: > 0 } ip ? ip : null,
            i.State?.OOMKilled == true);
    }

    static DateTime? Time(string? s) =>
        DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) && t.Year > 1
            ? new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc) : null;

    public async Task<(string Reason, string Message)?> EnsureImageAsync(string image, string pullPolicy, CancellationToken ct)
    {
        var present = await ImagePresent(image, ct);
        if (present && pullPolicy != "Always") return null;
        if (!present && pullPolicy == "Never")
            return ("ErrImageNeverPull", $"Container image \"{image}\" is not present with pull policy of Never");
        var (repo, tag) = SplitImage(image);
        string? error = null;
        try
        {
            await _client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repo, Tag = tag }, null,
                new Progress<JSONMessage>(m => { if (!string.IsNullOrEmpty(m.Error?.Message)) error = m.Error?.Message; }), ct);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException) { error = e.Message; }
        if (error == null && await ImagePresent(image, ct)) return null;
        if (present) return null; // Always, but the registry is unreachable: keep running what we have, as kubelet would not; documented.
        return ("ErrImagePull", $"failed to pull and unpack image \"{image}\": {error ?? "image not found after pull"}");
    }

    async Task<bool> ImagePresent(string image, CancellationToken ct)
    {
        try { await _client.Images.InspectImageAsync(image, ct); return true; }
        catch (DockerImageNotFoundException) { return false; }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { return false; }
    }

    static (string Repo, string Tag) SplitImage(string image)
    {
        var at = image.IndexOf('@');
        if (at > 0) return (image[..at], image[(at + 1)..]);
        var colon = image.LastIndexOf(':');
        var slash = image.LastIndexOf('/');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    public async Task<string> CreateAndStartAsync(ContainerSpec s, CancellationToken ct)
    {
        var exposed = s.Ports.ToDictionary(p => $"{p}/tcp", _ => new EmptyStruct());
        var bindings = s.Ports.ToDictionary(p => $"{p}/tcp", _ => (IList<PortBinding>)[new PortBinding { HostIP = "127.0.0.1", HostPort = "" }]);
        var name = $"k8s_{s.ContainerName}_{s.PodName}_{s.Namespace}_{s.PodUid}_{s.Attempt}";
        var create = new CreateContainerParameters
        {
            Name = name,
            Image = s.Image,
            Hostname = s.Hostname,
            Domainname = s.Domainname,
            Entrypoint = s.Command?.ToList(),
            Cmd = s.Args?.ToList(),
            Env = s.Env.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
            User = s.Security?.User,
            WorkingDir = s.WorkingDir,
            ExposedPorts = exposed,
            Labels = new Dictionary<string, string>
            {
                [RuntimeLabels.Node] = s.Node, [RuntimeLabels.PodUid] = s.PodUid, [RuntimeLabels.Namespace] = s.Namespace,
                [RuntimeLabels.PodName] = s.PodName, [RuntimeLabels.Container] = s.ContainerName,
                [RuntimeLabels.Attempt] = s.Attempt.ToString(),
            },
            HostConfig = new HostConfig
            {
                Init = true,
                PortBindings = bindings,
                Binds = s.Binds is { Count: > 0 } b ? b.Select(x => x.DockerBind).ToList() : null,
                ReadonlyRootfs = s.Security?.ReadOnlyRoot ?? false,
                CapAdd = s.Security?.CapAdd is { Count: > 0 } add ? add.ToList() : null,
                CapDrop = s.Security?.CapDrop is { Count: > 0 } drop ? drop.ToList() : null,
                SecurityOpt = s.Security?.NoNewPrivileges == true ? ["no-new-privileges"] : null,
                Privileged = s.Security?.Privileged ?? false,
                Memory = s.MemoryLimitBytes ?? 0,
                NanoCPUs = s.NanoCpus ?? 0,
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
            },
        };
        CreateContainerResponse created;
        try { created = await _client.Containers.CreateContainerAsync(create, ct); }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // A container of this attempt already exists (an earlier try died half-way): replace it.
            await _client.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = true }, ct);
            created = await _client.Containers.CreateContainerAsync(create, ct);
        }
        await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        return created.ID;
    }

    public async Task StopAsync(string id, TimeSpan grace, CancellationToken ct)
    {
        try { await _client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Max(0, grace.TotalSeconds) }, ct); }
        catch (DockerContainerNotFoundException) { }
    }

    public async Task<(double MilliCpu, long MemoryBytes)?> UsageAsync(string id, CancellationToken ct)
    {
        // One sample (about 1 s: the engine waits for its next tick, so precpu is the previous one).
        ContainerStatsResponse? stats = null;
        try
        {
            await _client.Containers.GetContainerStatsAsync(id, new ContainerStatsParameters { Stream = false },
                new Progress<ContainerStatsResponse>(s => stats = s), ct);
        }
        catch (DockerContainerNotFoundException) { return null; }
        for (var i = 0; i < 20 && stats == null; i++) await Task.Delay(10, ct); // Progress reports on the thread pool
        if (stats?.CPUStats?.CPUUsage == null || stats.PreCPUStats?.CPUUsage == null) return null;
        var cpuDelta = (double)stats.CPUStats.CPUUsage.TotalUsage - stats.PreCPUStats.CPUUsage.TotalUsage;
        var systemDelta = (double)stats.CPUStats.SystemUsage - stats.PreCPUStats.SystemUsage;
        var cpus = stats.CPUStats.OnlineCPUs > 0 ? stats.CPUStats.OnlineCPUs : 1;
        var milli = systemDelta > 0 && cpuDelta >= 0 ? cpuDelta / systemDelta * cpus * 1000 : 0;
        var cache = stats.MemoryStats?.Stats != null && stats.MemoryStats.Stats.TryGetValue("inactive_file", out var inactive) ? (long)inactive : 0;
        var memory = (long)(stats.MemoryStats?.Usage ?? 0) - cache;
        return ((double)milli, Math.Max(0, memory));
    }

    public async Task<string?> ImageUserAsync(string image, CancellationToken ct)
    {
        try { return (await _client.Images.InspectImageAsync(image, ct)).Config?.User ?? ""; }
        catch (DockerImageNotFoundException) { return null; }
    }

    public async Task RemoveVolumeAsync(string name, CancellationToken ct)
    {
        try { await _client.Volumes.RemoveAsync(name, force: true, ct); }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }

    public async Task RemoveAsync(string id, CancellationToken ct)
    {
        try { await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct); }
        catch (DockerContainerNotFoundException) { }
    }

    public async Task<string> LogsAsync(string id, int? tailLines, DateTime? since, bool timestamps, CancellationToken ct)
    {
        var p = new ContainerLogsParameters
        {
            ShowStdout = true, ShowStderr = true, Timestamps = timestamps,
            Tail = tailLines?.ToString() ?? "all",
            Since = since is { } s ? new DateTimeOffset(s).ToUnixTimeSeconds().ToString() : null,
        };
        using var stream = await _client.Containers.GetContainerLogsAsync(id, p, ct);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(ct);
        return stdout + stderr;
    }

    public async Task<(long ExitCode, string Output)> ExecAsync(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var exec = await _client.Exec.CreateContainerExecAsync(id, new ContainerExecCreateParameters { Cmd = command.ToList(), AttachStdout = true, AttachStderr = true }, cts.Token);
        using var stream = await _client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), cts.Token);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(cts.Token);
        var inspect = await _client.Exec.InspectContainerExecAsync(exec.ID, cts.Token);
        return (inspect.ExitCode ?? -1, stdout + stderr);
    }

    public Task WatchAsync(string node, CancellationToken ct)
    {
        _watch ??= Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await _client.System.MonitorEventsAsync(new ContainerEventsParameters
                    {
                        Filters = new Dictionary<string, IDictionary<string, bool>>
                        {
                            ["type"] = new Dictionary<string, bool> { ["container"] = true },
                            ["label"] = new Dictionary<string, bool> { [$"{RuntimeLabels.Node}={node}"] = true },
                            ["event"] = new Dictionary<string, bool> { ["start"] = true, ["die"] = true, ["destroy"] = true, ["oom"] = true },
                        },
                    }, new Progress<Message>(m =>
                    {
                        var uid = m.Actor?.Attributes.Val(RuntimeLabels.PodUid);
                        if (uid != null) ContainerChanged?.Invoke(uid);
                    }), ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
                catch (Exception e)
                {
                    _logger.LogWarning("docker events stream ended ({Message}); reconnecting", e.Message);
                    try { await Task.Delay(1000, ct); } catch (OperationCanceledException) { return; }
                }
            }
        }, ct);
        return Task.CompletedTask;
    }

    public void Dispose() => _client.Dispose();
}
