using System.Diagnostics;
using Cluster.Client;
using k8s.Models;

namespace Cluster.Bench;

/// <summary>
/// Scenario 2: scheduling throughput with the simulated runtime. One silo hosts N simulated nodes; Deployments of
/// 1,000 pods each are applied until P pods are asked for, timed from the first apply until every Deployment reports
/// all its replicas available. Pods per second end to end.
/// </summary>
static class SchedulingScenario
{
    public const int PerDeployment = 1000;

    public static async Task<int> RunAsync(string repo, int nodes, int pods)
    {
        await using var silo = await BenchSilo.StartAsync(repo, "--runtime", "simulated", "--simulated-nodes", nodes.ToString(), "--rate-limit", "0");
        await using var client = await ClusterClient.ConnectAsync($"127.0.0.1:{silo.GatewayPort}");
        var nodesReady = await WaitForNodes(client, nodes);
        if (nodesReady == null) return 1;
        var cpuBefore = silo.CpuTime();
        var load = await LoadAsync(client, pods);
        var rate = load.Available / load.Total.TotalSeconds;
        // CPU per pod varies less than the rate between runs and hours (the rate also waits on the load's pacing),
        // and says what 5,000 pods/s would need: the cores' time over 5,000.
        var cpuPerPod = (silo.CpuTime() - cpuBefore).TotalMilliseconds / Math.Max(1, load.Available);
        var cpuBudget = Environment.ProcessorCount * 1000.0 / 5000;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Machine.MemoryGb():0.0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{BenchSilo.SiloEnvironmentNote()}");
        Console.WriteLine($"scenario 2: {nodes} simulated nodes in one silo (ready after {nodesReady.Value.TotalSeconds:0} s), {load.Deployments} Deployments x {PerDeployment} pods");
        Console.WriteLine($"{"applies done after (s)",-50} {load.Applied.TotalSeconds,8:0.0}");
        Console.WriteLine($"{"all available after (s)",-50} {load.Total.TotalSeconds,8:0.0}");
        Console.WriteLine($"{"pods/s end to end, target >= 5000",-50} {rate,8:0}  {(rate >= 5000 ? "met" : "missed")}");
        Console.WriteLine($"{$"silo CPU per pod (ms), 5,000/s needs <= {cpuBudget:0.0}",-50} {cpuPerPod,8:0.00}");
        Console.WriteLine($"{"silo RSS (MB)",-50} {silo.RssMb(),8:0}");
        // For profiling the loaded silo (dotnet-gcdump, dotnet-trace): BENCH_HOLD_SECONDS keeps it up after the table.
        if (int.TryParse(Environment.GetEnvironmentVariable("BENCH_HOLD_SECONDS"), out var hold) && hold > 0)
        {
            Console.WriteLine($"holding the silo (pid {silo.Pid}) for {hold} s");
            await Task.Delay(TimeSpan.FromSeconds(hold));
        }
        return 0;
    }

    /// <summary>How long until every simulated node is Ready (null after 10 minutes).</summary>
    public static async Task<TimeSpan?> WaitForNodes(ClusterClient client, int nodes)
    {
        var registered = Stopwatch.StartNew();
        while ((await client.ListAsync<V1Node>(null)).Count(n => n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true) < nodes)
        {
            if (registered.Elapsed > TimeSpan.FromMinutes(10)) { Console.Error.WriteLine("the nodes did not all register within 10 minutes"); return null; }
            await Task.Delay(1000);
        }
        return registered.Elapsed;
    }

    public sealed record Load(int Deployments, int Available, TimeSpan Applied, TimeSpan Total);

    /// <summary>Applies Deployments of 1,000 pods until <paramref name="pods"/> are asked for; waits until all are available.</summary>
    public static async Task<Load> LoadAsync(ClusterClient client, int pods)
    {
        var deployments = Math.Max(1, pods / PerDeployment);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < deployments; i++)
            await client.ApplyAsync(new V1Deployment
            {
                Metadata = new V1ObjectMeta { Name = $"load-{i}", NamespaceProperty = "default" },
                Spec = new V1DeploymentSpec
                {
                    Replicas = PerDeployment,
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"load-{i}" } },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = $"load-{i}" } },
                        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx:latest", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("8Mi") } } }] },
                    },
                },
            });
        var applied = sw.Elapsed;
        var available = await WaitAvailable(client, deployments * PerDeployment, sw);
        return new Load(deployments, available, applied, sw.Elapsed);
    }

    /// <summary>Polls the Deployments until their available replicas add up to <paramref name="want"/> (20 minutes at most).</summary>
    public static async Task<int> WaitAvailable(ClusterClient client, int want, Stopwatch sw)
    {
        var last = -1;
        while (true)
        {
            var available = (await client.ListAsync<V1Deployment>()).Sum(d => d.Status?.AvailableReplicas ?? 0);
            if (available != last) { Console.Error.WriteLine($"{sw.Elapsed.TotalSeconds,6:0.0} s: {available} available"); last = available; }
            if (available >= want) return available;
            if (sw.Elapsed > TimeSpan.FromMinutes(20)) { Console.Error.WriteLine("not all available within 20 minutes"); return available; }
            await Task.Delay(1000);
        }
    }
}
