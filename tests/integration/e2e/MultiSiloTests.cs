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

    [Fact]
    public async Task KilledSilosPodsAreReplacedOnTheOtherNodeAndItsContainersRemovedWhenItReturns()
    {
        await using var client = await ClusterClient.ConnectAsync(_a.Gateway, clusterId: _a.NodeName[..^2]);
        await Eventually.Until(() => client.ListAsync<V1Node>(null), n => n.Count == 2 && n.All(x => x.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true), TimeSpan.FromSeconds(30), "2 ready nodes");
        var d = Unit.TestObjects.Deployment("spread", replicas: 4);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        await client.CreateAsync(d);
        var pods = await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 4 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(60), "4 running pods");
        Assert.Equal(2, pods.Count(p => p.Spec.NodeName == _a.NodeName));
        Assert.Equal(2, pods.Count(p => p.Spec.NodeName == _b.NodeName));
        Assert.Equal(2, (await Engine.ListAsync(_b.NodeName)).Count);

        var sw = Stopwatch.StartNew();
        _b.Kill();
        await Eventually.Until(() => client.ListAsync<V1Pod>(),
            p => p.Count(x => x.Spec.NodeName == _a.NodeName && x.Status?.Phase == "Running" && x.Metadata.DeletionTimestamp == null) == 4 && p.Count == 4,
            TimeSpan.FromSeconds(30), "4 running pods on the surviving node", TimeSpan.FromMilliseconds(50));
        sw.Stop();
        output.WriteLine($"kill -9 of silo b -> 4 pods Running on a: {sw.Elapsed.TotalSeconds:0.00} s");
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
        Assert.Equal(4, (await Engine.ListAsync(_a.NodeName)).Count);
    }
}
