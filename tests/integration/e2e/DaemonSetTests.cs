using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// A DaemonSet across real silos (Redis, the real engine), driven with kubectl: one pod on each of 3 nodes, a 4th
/// silo joining gets its own within seconds, and a new image rolls over every node.
/// </summary>
[Collection("docker")]
public sealed class DaemonSetTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly RedisServer _redis = new();
    readonly List<SiloProcess> _silos = [];
    string _cluster = "";

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        _cluster = "ds" + Guid.NewGuid().ToString("N")[..6];
        foreach (var n in new[] { "a", "b", "c" }) await Add(n);
    }

    async Task<SiloProcess> Add(string name)
    {
        var s = new SiloProcess($"{_cluster}-{name}", "--redis", _redis.Address, "--cluster-id", _cluster);
        _silos.Add(s);
        await s.StartAsync();
        return s;
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _silos) { output.WriteLine($"--- {s.NodeName}\n{s.Log}"); await s.DisposeAsync(); }
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task OnePodPerNodeAndANewNodeGetsOneWithinSeconds()
    {
        await using var client = await ClusterClient.ConnectAsync(_silos[0].Gateway, clusterId: _cluster);
        await Eventually.Until(() => client.ListAsync<V1Node>(null), n => n.Count == 3, TimeSpan.FromSeconds(30), "3 nodes");
        using var kubectl = new Support.Kubectl(_silos[0].ApiPort);
        var file = Path.Combine(Path.GetTempPath(), $"ds-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  containers:
                  - {name: agent, image: nginx:latest}
            """);
        var r = await kubectl.RunAsync("apply", "-f", file);
        Assert.True(r.ExitCode == 0, r.ToString());

        async Task<List<V1Pod>> Pods() => (await client.ListAsync<V1Pod>()).Where(p => p.Metadata.Name.StartsWith("agent-")).ToList();
        static bool OnePerNode(List<V1Pod> pods, IEnumerable<SiloProcess> silos) =>
            pods.Count == silos.Count() && pods.All(p => p.Status?.Phase == "Running") && pods.Select(p => p.Spec.NodeName).Order().SequenceEqual(silos.Select(s => s.NodeName).Order());
        await Eventually.Until(Pods, p => OnePerNode(p, _silos), TimeSpan.FromSeconds(60), "one running pod on each of 3 nodes");
        var get = await kubectl.RunAsync("get", "ds", "agent");
        output.WriteLine(get.Out);
        Assert.Matches(@"agent\s+3\s+3\s+3\s+3\s+3\s+<none>\s+\d+s", get.Out);

        // A 4th machine joins: its node gets the daemon pod.
        var d = await Add("d");
        var joined = DateTime.UtcNow;
        await Eventually.Until(Pods, p => OnePerNode(p, _silos), TimeSpan.FromSeconds(30), "a daemon pod Running on the new node");
        output.WriteLine($"4th node's daemon pod Running {(DateTime.UtcNow - joined).TotalSeconds:0.0} s after its silo was ready");
        Assert.Single(await Engine.ListAsync(d.NodeName));

        // A new image rolls over every node, one at a time.
        r = await kubectl.RunAsync("set", "image", "daemonset/agent", "agent=nginx:stable");
        Assert.True(r.ExitCode == 0, r.ToString());
        var pods = await Eventually.Until(Pods, p => OnePerNode(p, _silos) && p.All(x => x.Spec.Containers[0].Image == "nginx:stable"), TimeSpan.FromSeconds(90), "every node on the new image");
        await Eventually.Until(() => client.GetAsync<V1DaemonSet>("agent"),
            ds => ds!.Status.UpdatedNumberScheduled == 4 && ds.Status.NumberReady == 4 && ds.Status.DesiredNumberScheduled == 4, TimeSpan.FromSeconds(10), "the status to count 4 updated, ready pods");
        foreach (var s in _silos) Assert.Single(await Engine.ListAsync(s.NodeName));
    }
}
