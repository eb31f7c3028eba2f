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

    /// <summary>kill -9 (after the container journal's flush), start again, and wait for the agents' first pass.</summary>
    async Task KillAndRestartSynced()
    {
        await Task.Delay(500); // the journal is flushed every 100 ms
        _silo.Kill();
        await _silo.StartAsync();
        await Eventually.Until(() => Task.FromResult(_silo.Log.Split('\n').Count(l => l.Contains("node agents synced"))), n => n >= 2,
            TimeSpan.FromSeconds(60), "the restarted silo's agents to finish their first pass");
    }

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
        await KillAndRestartSynced();

        await using var after = await ClusterClient.ConnectAsync(_silo.Gateway);
        var pods = await after.ListAsync<V1Pod>();
        Assert.All(pods, p => Assert.Equal("Running", p.Status.Phase));
        Assert.Equal(ids, ContainerIds(pods));
        Assert.All(pods, p => Assert.Equal(0, p.Status.ContainerStatuses.Single().RestartCount));
        var deployment = await after.GetAsync<V1Deployment>("keep");
        Assert.Equal(6, deployment!.Status.AvailableReplicas);
    }

    static V1Pod Asking(string name, string cpu) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx:latest", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu) } } }] },
    };

    [Fact]
    public async Task TheRestartedSchedulerCountsWhatIsAlreadyPlaced()
    {
        // Three 8-CPU nodes, each holding one 7-CPU pod: after the silo's kill -9, the new scheduler rebuilds that from the
        // stored pods, so 2 more CPUs fit nowhere and 1 fits.
        await using (var client = await ClusterClient.ConnectAsync(_silo.Gateway))
        {
            for (var i = 0; i < 3; i++) await client.CreateAsync(Asking($"big-{i}", "7"));
            var placed = await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 3 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "3 running pods");
            Assert.Equal(3, placed.Select(p => p.Spec.NodeName).Distinct().Count());
        }
        await Task.Delay(500); // the journal is flushed every 100 ms
        _silo.Kill();
        await _silo.StartAsync();

        await using var after = await ClusterClient.ConnectAsync(_silo.Gateway);
        await after.CreateAsync(Asking("two", "2"));
        var two = await Eventually.Until(() => after.GetAsync<V1Pod>("two"), x => x?.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true,
            TimeSpan.FromSeconds(30), "PodScheduled=False for the 2-CPU pod");
        Assert.Equal("0/3 nodes are available: 3 Insufficient cpu.", two!.Status.Conditions.Single(c => c.Type == "PodScheduled").Message);
        await after.CreateAsync(Asking("one", "1"));
        var one = await Eventually.Until(() => after.GetAsync<V1Pod>("one"), x => !string.IsNullOrEmpty(x?.Spec?.NodeName), TimeSpan.FromSeconds(30), "the 1-CPU pod bound");
        Assert.StartsWith(_silo.NodeName, one!.Spec.NodeName);
        Assert.Null((await after.GetAsync<V1Pod>("two"))!.Spec.NodeName);
    }

    [Fact]
    public async Task APodBackFromStorageTakesLaterWritesWhole()
    {
        // A pod's grain comes back from storage without decoding the pod (it decodes it when a write needs it and lets it
        // go after its node's reports): its node still hears of it, and a later update and a graceful deletion see all of it.
        string node, container;
        await using (var client = await ClusterClient.ConnectAsync(_silo.Gateway))
        {
            await client.CreateAsync(Asking("later", "100m"));
            var running = await Eventually.Until(() => client.GetAsync<V1Pod>("later"), p => p?.Status?.Phase == "Running", TimeSpan.FromSeconds(30), "the pod running");
            (node, container) = (running!.Spec.NodeName, running.Status.ContainerStatuses.Single().ContainerID);
        }
        await KillAndRestartSynced();

        await using var after = await ClusterClient.ConnectAsync(_silo.Gateway);
        var pod = (await after.GetAsync<V1Pod>("later"))!;
        pod.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "later" };
        var updated = await after.UpdateAsync(pod);
        Assert.Equal("later", updated.Metadata.Labels["tier"]);
        Assert.Equal(node, updated.Spec.NodeName);
        Assert.Equal("Running", updated.Status.Phase);
        Assert.Equal(container, updated.Status.ContainerStatuses.Single().ContainerID);
        Assert.Equal("100m", updated.Spec.Containers.Single().Resources.Requests["cpu"].ToString());

        await after.DeleteAsync<V1Pod>("later");
        await Eventually.Until(() => after.GetAsync<V1Pod>("later"), p => p == null, TimeSpan.FromSeconds(30), "the node agent to stop the pod and remove it");
    }
}
