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
    public static async Task<int> RunAsync(string repo, int nodes, int pods)
    {
        await using var silo = await BenchSilo.StartAsync(repo, "--runtime", "simulated", "--simulated-nodes", nodes.ToString(), "--rate-limit", "0");
        await using var client = await ClusterClient.ConnectAsync($"127.0.0.1:{silo.GatewayPort}");
        var registered = Stopwatch.StartNew();
        while ((await client.ListAsync<V1Node>(null)).Count(n => n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true) < nodes)
        {
            if (registered.Elapsed > TimeSpan.FromMinutes(10)) { Console.Error.WriteLine("the nodes did not all register within 10 minutes"); return 1; }
            await Task.Delay(1000);
        }
        var nodesReady = registered.Elapsed;
        const int perDeployment = 1000;
        var deployments = Math.Max(1, pods / perDeployment);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < deployments; i++)
            await client.ApplyAsync(new V1Deployment
            {
                Metadata = new V1ObjectMeta { Name = $"load-{i}", NamespaceProperty = "default" },
                Spec = new V1DeploymentSpec
                {
                    Replicas = perDeployment,
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"load-{i}" } },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = $"load-{i}" } },
                        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx:latest", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("8Mi") } } }] },
                    },
                },
            });
        var applied = sw.Elapsed;
        var last = -1;
        while (true)
        {
            var available = (await client.ListAsync<V1Deployment>()).Sum(d => d.Status?.AvailableReplicas ?? 0);
            if (available != last) { Console.Error.WriteLine($"{sw.Elapsed.TotalSeconds,6:0.0} s: {available} available"); last = available; }
            if (available >= deployments * perDeployment) break;
            if (sw.Elapsed > TimeSpan.FromMinutes(20)) { Console.Error.WriteLine("not all available within 20 minutes"); break; }
            await Task.Delay(1000);
        }
        var total = sw.Elapsed;
        var rate = last / total.TotalSeconds;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Machine.MemoryGb():0.0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"scenario 2: {nodes} simulated nodes in one silo (ready after {nodesReady.TotalSeconds:0} s), {deployments} Deployments x {perDeployment} pods");
        Console.WriteLine($"{"applies done after (s)",-50} {applied.TotalSeconds,8:0.0}");
        Console.WriteLine($"{"all available after (s)",-50} {total.TotalSeconds,8:0.0}");
        Console.WriteLine($"{"pods/s end to end, target >= 5000",-50} {rate,8:0}  {(rate >= 5000 ? "met" : "missed")}");
        Console.WriteLine($"{"silo RSS (MB)",-50} {silo.RssMb(),8:0}");
        return 0;
    }
}
