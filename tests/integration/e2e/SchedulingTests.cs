using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>The scheduler inside a silo with several simulated nodes: spreading, and a clear reason when nothing fits.</summary>
public sealed class SchedulingTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("sched-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated", "--simulated-nodes", "3", "--scheduler", "round-robin");
    ClusterClient _client = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); }
    public async Task DisposeAsync() { await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    [Fact]
    public async Task RoundRobinSpreadsPodsEvenlyAcrossNodes()
    {
        var nodes = await Eventually.Until(() => _client.ListAsync<V1Node>(null), n => n.Count == 3, TimeSpan.FromSeconds(20), "3 nodes");
        var d = Unit.TestObjects.Deployment("spread", replicas: 9);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        await _client.CreateAsync(d);
        var pods = await Eventually.Until(() => _client.ListAsync<V1Pod>(), p => p.Count == 9 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "9 running pods");
        Assert.All(pods.GroupBy(p => p.Spec.NodeName), g => Assert.Equal(3, g.Count()));
        var table = await CliRunner.RunAsync(_silo.Gateway, "get", "nodes");
        Assert.Matches(@$"{_silo.NodeName}-0\s+Ready\s+<none>\s+\d+s\s+v1.32.0", table.Out);
    }

    [Fact]
    public async Task PodThatFitsNowhereStaysPendingWithAReason()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "huge", NamespaceProperty = "default" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx:latest", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = new("1000Gi") } } }] },
        };
        await _client.CreateAsync(pod);
        var p = await Eventually.Until(() => _client.GetAsync<V1Pod>("huge"), x => x?.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true, TimeSpan.FromSeconds(20), "PodScheduled=False");
        Assert.Equal("Pending", p!.Status.Phase);
        Assert.Equal("0/3 nodes are available: 3 Insufficient memory.", p.Status.Conditions.Single(c => c.Type == "PodScheduled").Message);
        // The event is written just after the condition.
        await Eventually.Until(() => _client.ListAsync<Corev1Event>(fieldSelector: "involvedObject.name=huge"),
            ev => ev.Any(e => e.Reason == "FailedScheduling" && e.Type == "Warning"), TimeSpan.FromSeconds(10), "a FailedScheduling event");

        // Cordoning every node and uncordoning one: the retry finds room once a node changes (here: memory never fits, so it stays).
        var cordon = await CliRunner.RunAsync(_silo.Gateway, "cordon", $"{_silo.NodeName}-0");
        Assert.Equal($"node/{_silo.NodeName}-0 cordoned", cordon.Out.Trim());
        var nodes = await CliRunner.RunAsync(_silo.Gateway, "get", "nodes");
        Assert.Matches(@$"{_silo.NodeName}-0\s+Ready,SchedulingDisabled", nodes.Out);
    }
}
