using System.Text.RegularExpressions;
using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.Kubectl;

/// <summary>cordon, uncordon and drain with kubectl (eviction subresource) and the CLI, respecting a PodDisruptionBudget.</summary>
public sealed class DrainTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("drain-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated", "--simulated-nodes", "2", "--scheduler", "round-robin");
    Support.Kubectl _k = null!;
    ClusterClient _client = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _k = new Support.Kubectl(_silo.ApiPort); _client = await ClusterClient.ConnectAsync(_silo.Gateway); }
    public async Task DisposeAsync() { await _client.DisposeAsync(); _k.Dispose(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    [Fact]
    public async Task DrainEvictsWithinTheBudget()
    {
        var n0 = $"{_silo.NodeName}-0"; var n1 = $"{_silo.NodeName}-1";
        await Eventually.Until(() => _client.ListAsync<V1Node>(null), n => n.Count == 2, TimeSpan.FromSeconds(20), "2 nodes");
        var d = Unit.TestObjects.Deployment("web", replicas: 2);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        await _client.CreateAsync(d);
        await _client.CreateAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 2, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } },
        });
        await Eventually.Until(() => _client.ListAsync<V1Pod>(), p => p.Count == 2 && p.All(x => x.Status?.Phase == "Running") && p.Select(x => x.Spec.NodeName).Distinct().Count() == 2, TimeSpan.FromSeconds(20), "one pod per node");
        var pdb = await Eventually.Until(() => _k.RunAsync("get", "pdb"), r => Regex.IsMatch(r.Out, @"web\s+2\s+N/A\s+0\s+\d+s"), TimeSpan.FromSeconds(10), "the budget's status");

        // minAvailable 2 of 2: no eviction allowed, so kubectl drain keeps retrying until its timeout.
        var blocked = await _k.RunAsync("drain", n0, "--timeout=4s");
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("Cannot evict pod as it would violate the pod's disruption budget", blocked.Err);
        Assert.Matches(@$"{n0}\s+Ready,SchedulingDisabled", (await _k.RunAsync("get", "nodes")).Out);

        // Relax the budget: the drain goes through, and the replacement lands on the other node.
        var patch = await _k.RunAsync("patch", "pdb", "web", "--type=merge", "-p", "{\"spec\":{\"minAvailable\":1}}");
        Assert.True(patch.ExitCode == 0, patch.ToString());
        await Eventually.Until(() => _k.RunAsync("get", "pdb"), r => Regex.IsMatch(r.Out, @"web\s+1\s+N/A\s+1\s"), TimeSpan.FromSeconds(10), "one disruption allowed");
        var drained = await _k.RunAsync("drain", n0, "--timeout=30s");
        Assert.True(drained.ExitCode == 0, drained.ToString());
        Assert.Contains($"node/{n0} drained", drained.Out);
        await Eventually.Until(() => _client.ListAsync<V1Pod>(), p => p.Count == 2 && p.All(x => x.Spec.NodeName == n1 && x.Status?.Phase == "Running"), TimeSpan.FromSeconds(20), "both pods on the other node");
        Assert.Equal($"node/{n0} uncordoned", (await _k.RunAsync("uncordon", n0)).Out.Trim());

        // The CLI's drain does the same through the SDK.
        var cli = await CliRunner.RunAsync(_silo.Gateway, "drain", n1, "--timeout", "30");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains($"node/{n1} drained", cli.Out);
        await Eventually.Until(() => _client.ListAsync<V1Pod>(), p => p.Count == 2 && p.All(x => x.Spec.NodeName == n0 && x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "both pods back on the first node");
    }
}
