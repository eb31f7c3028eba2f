using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// Node leases: a silo renews the leases of the agents it runs, so a node whose written heartbeat is older than the
/// grace period (heartbeats are written rarely, and late under load) is not taken for dead while its agent runs.
/// </summary>
public sealed class NodeLeaseTests(ITestOutputHelper output) : IAsyncLifetime
{
    // A heartbeat every 60 s against a 6 s grace period: only the lease keeps these nodes alive.
    readonly SiloProcess _silo = new("lease-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated", "--simulated-nodes", "2",
        "--heartbeat-seconds", "60", "--node-grace-seconds", "6", "--fence-seconds", "0");
    ClusterClient _client = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); }
    public async Task DisposeAsync() { await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    [Fact]
    public async Task NodesWhoseAgentsRunStayReadyPastTheGracePeriodWithoutAHeartbeat()
    {
        await Eventually.Until(() => _client.ListAsync<V1Node>(null), n => n.Count == 2, TimeSpan.FromSeconds(20), "2 nodes");
        var d = Unit.TestObjects.Deployment("leased", replicas: 2);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        await _client.CreateAsync(d);
        var before = await Eventually.Until(() => _client.ListAsync<V1Pod>(), p => p.Count == 2 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "2 running pods");

        await Task.Delay(TimeSpan.FromSeconds(15)); // more than twice the grace period since the nodes' last written heartbeat

        var nodes = await _client.ListAsync<V1Node>(null);
        Assert.All(nodes, n =>
        {
            Assert.Equal("True", n.Status.Conditions.Single(c => c.Type == "Ready").Status);
            Assert.Null(n.Spec?.Taints);
        });
        var after = await _client.ListAsync<V1Pod>();
        Assert.Equal(before.Select(p => p.Metadata.Name).Order(), after.Select(p => p.Metadata.Name).Order()); // none evicted and replaced
        Assert.DoesNotContain("is unreachable", _silo.Log);
    }
}
