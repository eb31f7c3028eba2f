using System.Diagnostics;
using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// Two silos, one cluster through a real Redis, each a node sharing the real engine: pods spread over both;
/// kill -9 of one silo gets its pods replaced on the other; when it comes back its stale containers are removed.
/// </summary>
[Collection("docker")]
public sealed class MultiSiloTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly RedisServer _redis = new();
    SiloProcess _a = null!, _b = null!;

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        var cluster = "mc" + Guid.NewGuid().ToString("N")[..6];
        _a = new SiloProcess(cluster + "-a", "--redis", _redis.Address, "--cluster-id", cluster);
        _b = new SiloProcess(cluster + "-b", "--redis", _redis.Address, "--cluster-id", cluster);
        await _a.StartAsync();
        await _b.StartAsync();
    }

    public async Task DisposeAsync()
    {
        output.WriteLine("--- silo a\n" + _a.Log + "\n--- silo b\n" + _b.Log);
        await _a.DisposeAsync(); await _b.DisposeAsync(); await _redis.DisposeAsync();
    }

    /// <summary>The issue's acceptance: 3 silos, 6 replicas spread 2/2/2, kill -9 of one, 6 Running on the two
    /// survivors within 5 s; when the killed silo returns, its stale containers go and none is duplicated.</summary>
    [Fact]
    public async Task KilledSilosPodsAreReplacedOnTheOtherNodesAndItsContainersRemovedWhenItReturns()
    {
        var cluster = _a.NodeName[..^2];
        await using var c = new SiloProcess(cluster + "-c", "--redis", _redis.Address, "--cluster-id", cluster);
        await c.StartAsync();
        try { await KillAndHeal(cluster, c); }
        finally { output.WriteLine("--- silo c\n" + c.Log); }
    }

    async Task KillAndHeal(string cluster, SiloProcess c)
    {
        await using var client = await ClusterClient.ConnectAsync(_a.Gateway, clusterId: cluster);
        await Eventually.Until(() => client.ListAsync<V1Node>(null), n => n.Count == 3 && n.All(x => x.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true), TimeSpan.FromSeconds(30), "3 ready nodes");
        var d = Unit.TestObjects.Deployment("spread", replicas: 6);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        await client.CreateAsync(d);
        var pods = await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 6 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(60), "6 running pods");
        foreach (var s in new[] { _a, _b, c }) Assert.Equal(2, pods.Count(p => p.Spec.NodeName == s.NodeName));
        Assert.Equal(2, (await Engine.ListAsync(_b.NodeName)).Count);

        var survivors = new[] { _a.NodeName, c.NodeName };
        var sw = Stopwatch.StartNew();
        _b.Kill();
        output.WriteLine($"killed {_b.NodeName} at {DateTime.Now:HH:mm:ss.fff}");
        using var trace = new CancellationTokenSource();
        var tracing = Task.Run(async () =>
        {
            // What the cluster looks like while it heals (printed with the test's output).
            while (!trace.IsCancellationRequested)
            {
                try
                {
                    var now = await client.ListAsync<V1Pod>();
                    output.WriteLine($"{sw.Elapsed.TotalSeconds:0.0}s: " + string.Join(" ", now.Select(p => $"{p.Metadata.Name[^5..]}@{p.Spec.NodeName?[^1..]}/{p.Status?.Phase}{(p.Metadata.DeletionTimestamp != null ? "/del" : "")}")));
                }
                catch (Exception e) { output.WriteLine($"{sw.Elapsed.TotalSeconds:0.0}s: list failed: {e.Message}"); }
                await Task.Delay(500);
            }
        });
        await Eventually.Until(() => client.ListAsync<V1Pod>(),
            p => p.Count(x => survivors.Contains(x.Spec.NodeName) && x.Status?.Phase == "Running" && x.Metadata.DeletionTimestamp == null) == 6 && p.Count == 6,
            TimeSpan.FromSeconds(30), "6 running pods on the surviving nodes", TimeSpan.FromMilliseconds(50));
        sw.Stop();
        trace.Cancel();
        await tracing;
        output.WriteLine($"kill -9 of silo b -> 6 pods Running on a and c: {sw.Elapsed.TotalSeconds:0.00} s");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"replacement took {sw.Elapsed.TotalSeconds:0.0} s");
        var nodeB = (await client.GetAsync<V1Node>(_b.NodeName, null))!;
        Assert.Contains(nodeB.Spec.Taints, t => t.Key == "node.kubernetes.io/unreachable" && t.Effect == "NoExecute");
        Assert.Equal("Unknown", nodeB.Status.Conditions.Single(c => c.Type == "Ready").Status);

        // b's containers kept running while its silo was dead; when it returns they are removed (no duplicates).
        Assert.Equal(2, (await Engine.ListAsync(_b.NodeName)).Count);
        await _b.StartAsync();
        await Eventually.Until(() => Engine.ListAsync(_b.NodeName, all: true), c => c.Count == 0, TimeSpan.FromSeconds(30), "b's stale containers removed");
        await Eventually.Until(() => client.GetAsync<V1Node>(_b.NodeName, null),
            n => n!.Status.Conditions.Single(c => c.Type == "Ready").Status == "True" && n.Spec?.Taints == null, TimeSpan.FromSeconds(30), "b Ready again without the taint");
        var running = (await Task.WhenAll(new[] { _a, _b, c }.Select(s => Engine.ListAsync(s.NodeName)))).SelectMany(x => x).ToList();
        var live = (await client.ListAsync<V1Pod>()).Select(p => p.Metadata.Name).Order().ToList();
        Assert.Equal(6, live.Count);
        Assert.Equal(live, running.Select(x => x.PodName).Order().ToList()); // one container per live pod, none left over
    }

    [Fact]
    public async Task RollingRestartOfEverySiloKeepsObjectsAndContainers()
    {
        var cluster = _a.NodeName[..^2];
        await using var c = new SiloProcess(cluster + "-c", "--redis", _redis.Address, "--cluster-id", cluster);
        await c.StartAsync();
        var silos = new[] { _a, _b, c };
        await using (var client = await ClusterClient.ConnectAsync(_a.Gateway, clusterId: cluster))
        {
            await Eventually.Until(() => client.ListAsync<V1Node>(null), n => n.Count == 3, TimeSpan.FromSeconds(30), "3 nodes");
            var d = Unit.TestObjects.Deployment("steady", replicas: 6);
            d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
            await client.CreateAsync(d);
            await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 6 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(60), "6 running pods");
        }
        async Task<List<string>> ContainerIds() => (await Task.WhenAll(silos.Select(s => Engine.ListAsync(s.NodeName)))).SelectMany(x => x).Select(x => x.Id).Order().ToList();
        var containers = await ContainerIds();
        Assert.Equal(6, containers.Count);
        List<string> podUids;
        await using (var client = await ClusterClient.ConnectAsync(_a.Gateway, clusterId: cluster))
            podUids = (await client.ListAsync<V1Pod>()).Select(p => p.Metadata.Uid).Order().ToList();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < silos.Length; i++)
        {
            var restarting = silos[i];
            var other = silos[(i + 1) % silos.Length];
            await restarting.StopAsync();
            // The API answers on the other silos while this one is down.
            var r = await http.GetAsync($"http://127.0.0.1:{other.ApiPort}/apis/apps/v1/namespaces/default/deployments/steady");
            Assert.True(r.IsSuccessStatusCode, $"the API on {other.NodeName} answered {(int)r.StatusCode} while {restarting.NodeName} was down");
            await restarting.StartAsync();
            await Eventually.Until(async () =>
            {
                await using var cl = await ClusterClient.ConnectAsync(other.Gateway, clusterId: cluster);
                return (await cl.ListAsync<V1Node>(null)).Count(n => n.Status?.Conditions?.Any(x => x.Type == "Ready" && x.Status == "True") == true);
            }, n => n == 3, TimeSpan.FromSeconds(30), "all 3 nodes Ready after restarting " + restarting.NodeName);
        }
        // Same objects, same containers: re-adopted, never restarted or replaced.
        await using (var client = await ClusterClient.ConnectAsync(_b.Gateway, clusterId: cluster))
        {
            var pods = await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 6 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "6 running pods");
            Assert.Equal(podUids, pods.Select(p => p.Metadata.Uid).Order().ToList());
            Assert.All(pods, p => Assert.Equal(0, p.Status.ContainerStatuses[0].RestartCount));
            Assert.NotNull(await client.GetAsync<V1Deployment>("steady"));
        }
        Assert.Equal(containers, await ContainerIds());
    }
}
