using Cluster.Grains.Nodes;
using Cluster.Interfaces.Store;
using Cluster.Grains.Runtime;
using Cluster.Grains.Runtime.Docker;
using Cluster.Grains.Runtime.Simulated;
using Cluster.Silo.Hosting;

namespace Cluster.Silo.Agents;

/// <summary>Starts this silo's node agent(s) once the silo runs: one Docker-backed node, or N simulated ones.</summary>
public sealed class NodeAgentHost(SiloSettings settings, IContainerRuntime runtime, IGrainFactory grains, NodeAgentRegistry registry, Grains.Store.IndexCache lists,
    Orleans.Runtime.IClusterMembershipService membership, Orleans.Runtime.ILocalSiloDetails local, ILoggerFactory loggers) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var names = settings.Runtime == "simulated" && settings.SimulatedNodes > 1
            ? Enumerable.Range(0, settings.SimulatedNodes).Select(i => $"{settings.NodeName}-{i}").ToList()
            : [settings.NodeName];
        // One node (the machine's) is registered before the silo counts as started; many simulated ones register in
        // the background, so that the API answers meanwhile.
        if (names.Count == 1) await StartAgents(names, ct);
        else _starting = Task.Run(() => StartAgents(names, CancellationToken.None), CancellationToken.None);
    }

    Task? _starting;

    async Task StartAgents(IReadOnlyList<string> names, CancellationToken ct)
    {
        var options = new NodeAgentOptions
        {
            HeartbeatPeriod = TimeSpan.FromSeconds(settings.HeartbeatSeconds),
            FenceAfter = TimeSpan.FromSeconds(settings.FenceSeconds),
        };
        // Every agent is known at once (its silo vouches for it to the node controller while it waits its turn), and
        // they register a few at a time: thousands of simulated nodes must not flood the silo at start.
        var agents = names.Select(name => new NodeAgent(name, runtime, grains, new NodeAgentOptions
        {
            HeartbeatPeriod = options.HeartbeatPeriod, FenceAfter = options.FenceAfter,
            VolumesRoot = Path.Combine(settings.ResolvedDataDir, "pods", name),
            // 5,000 lines at once queued on the console logger's lock, in the way of the agents' own work.
            LogRegistration = names.Count == 1,
        }, loggers.CreateLogger($"NodeAgent.{name}"), lists)).ToList();
        foreach (var agent in agents) registry.Add(agent);
        var started = System.Diagnostics.Stopwatch.StartNew();
        foreach (var chunk in agents.Chunk(64))
            await Task.WhenAll(chunk.Select(agent => agent.StartAsync(ct)));
        if (names.Count > 1)
            loggers.CreateLogger<NodeAgentHost>().LogInformation("{Count} {Runtime} nodes registered in {Seconds:0.0} s", names.Count, runtime.Name, started.Elapsed.TotalSeconds);
        _ = ReportFirstSync(agents);
    }

    /// <summary>Logs when every agent of this silo has completed a pass over its pods and containers: after a restart,
    /// the moment the silo's nodes are reconciled again.</summary>
    async Task ReportFirstSync(IReadOnlyList<NodeAgent> agents)
    {
        await Task.WhenAll(agents.Select(a => a.FirstSync));
        var log = loggers.CreateLogger<NodeAgentHost>();
        log.LogInformation("node agents synced: {Count} node(s), {Pods} pod(s) in {Seconds:0.0} s since the silo started",
            agents.Count, agents.Sum(a => a.PodCount), (DateTime.UtcNow - System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalSeconds);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_starting != null) await Task.WhenAny(_starting, Task.Delay(Timeout.Infinite, ct));
        // A silo stopping because the cluster declared it dead must not leave its pods running: they are being
        // replaced elsewhere. A normal stop leaves containers running, to be re-adopted on start.
        var declaredDead = membership.CurrentSnapshot.Members.TryGetValue(local.SiloAddress, out var me) && me.Status == Orleans.Runtime.SiloStatus.Dead;
        foreach (var a in registry.All)
        {
            // Stop the agent's loops first: a heartbeat landing after the restart mark would clear it.
            await a.DisposeAsync();
            if (declaredDead) await a.FenceAsync("the cluster declared this silo dead");
            else
            {
                // A clean stop is a restart: tell the node controller not to evict this node's pods meanwhile.
                try
                {
                    await grains.GetGrain<INodeGrain>(new Cluster.Interfaces.Api.ObjectKey("Node", "", a.NodeName).GrainKey)
                        .MarkRestarting(DateTime.UtcNow.AddSeconds(settings.NodeGraceSeconds)).WaitAsync(TimeSpan.FromSeconds(2));
                }
                catch (Exception) { /* best effort: without it the node is treated as failed */ }
            }
        }
    }

    public static IContainerRuntime CreateRuntime(SiloSettings s, IServiceProvider sp) => s.Runtime != "simulated"
        ? new DockerRuntime(s.DockerHost, sp.GetRequiredService<ILogger<DockerRuntime>>())
        : s.SimulatedContainers == "persist"
            ? SimulatedRuntime.Persisted(TimeSpan.FromMilliseconds(s.SimulatedStartDelayMs), Path.Combine(s.ResolvedDataDir, SimulatedContainersFile))
            : new SimulatedRuntime(TimeSpan.FromMilliseconds(s.SimulatedStartDelayMs));

    /// <summary>Where --simulated-containers persist keeps them, in the data directory.</summary>
    public const string SimulatedContainersFile = "simulated-containers.jsonl";
}
