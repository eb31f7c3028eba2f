using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// Simulated nodes whose containers persist (--simulated-containers persist): after a kill -9 of the silo the agents
/// find their containers still running and re-adopt them, as they do with Docker, and say when they are done.
/// </summary>
public sealed class SimulatedRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("simrestart-" + Guid.NewGuid().ToString("N")[..6],
        "--runtime", "simulated", "--simulated-nodes", "3", "--simulated-containers", "persist");
    public Task InitializeAsync() => _silo.StartAsync();
    public async Task DisposeAsync() { output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    static Dictionary<string, string> ContainerIds(IEnumerable<V1Pod> pods) =>
        pods.ToDictionary(p => p.Metadata.Name, p => p.Status.ContainerStatuses.Single().ContainerID);

    [Fact]
    public async Task AfterKillNineTheSameContainersAreAdoptedNotRestarted()
    {
        await using (var client = await ClusterClient.ConnectAsync(_silo.Gateway))
        {
            var d = Unit.TestObjects.Deployment("keep", replicas: 6);
            d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
            await client.CreateAsync(d);
            await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 6 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "6 running pods");
        }
        await using var before = await ClusterClient.ConnectAsync(_silo.Gateway);
        var ids = ContainerIds(await before.ListAsync<V1Pod>());
        Assert.Equal(6, ids.Values.Distinct().Count());
        await Task.Delay(500); // the journal is flushed every 100 ms

        _silo.Kill();
        await _silo.StartAsync();
        await Eventually.Until(() => Task.FromResult(_silo.Log.Split('\n').Count(l => l.Contains("node agents synced"))), n => n >= 2,
            TimeSpan.FromSeconds(60), "the restarted silo's agents to finish their first pass");

        await using var after = await ClusterClient.ConnectAsync(_silo.Gateway);
        var pods = await after.ListAsync<V1Pod>();
        Assert.All(pods, p => Assert.Equal("Running", p.Status.Phase));
        Assert.Equal(ids, ContainerIds(pods));
        Assert.All(pods, p => Assert.Equal(0, p.Status.ContainerStatuses.Single().RestartCount));
        var deployment = await after.GetAsync<V1Deployment>("keep");
        Assert.Equal(6, deployment!.Status.AvailableReplicas);
    }
}
