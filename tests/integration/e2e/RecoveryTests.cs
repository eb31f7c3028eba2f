using Cluster.Client;
using Cluster.Tests.Integration.Support;
using Cluster.Tests.Unit.Client;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// kill -9 of the silo in the middle of a scale and of a rollout, then a restart: the change completes, no
/// container is duplicated or orphaned, no object is lost. The same after a clean stop, where running containers
/// are re-adopted, not restarted.
/// </summary>
[Collection("docker")]
public sealed class RecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("recover-" + Guid.NewGuid().ToString("N")[..6]);
    public Task InitializeAsync() => _silo.StartAsync();
    public async Task DisposeAsync() { output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    static string Example(string f) => Path.Combine(RepoPaths.Shared, "examples", f);

    /// <summary>Every container belongs to a live pod, one running container per pod, and pods = containers = want.</summary>
    async Task AssertConverged(int want, string image)
    {
        var containers = await Eventually.Until(() => Engine.ListAsync(_silo.NodeName, all: true),
            c => c.Count == want && c.All(x => x.Image == image && x.State == "running"), TimeSpan.FromSeconds(90), $"{want} running {image} containers");
        await using var client = await ClusterClient.ConnectAsync(_silo.Gateway);
        var pods = await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == want && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), $"{want} running pods");
        Assert.Equal(pods.Select(p => p.Metadata.Uid).Order(), containers.Select(c => c.PodUid).Order());
        var d = await Eventually.Until(() => client.GetAsync<V1Deployment>("nginx-deployment"), x => x?.Status?.AvailableReplicas == want && x.Status.UpdatedReplicas == want, TimeSpan.FromSeconds(30), "deployment status");
        Assert.Equal(want, d!.Spec.Replicas);
    }

    [Fact]
    public async Task KillDuringScaleAndRolloutThenRestartCompletesTheChange()
    {
        Assert.Equal(0, (await CliRunner.RunAsync(_silo.Gateway, "apply", "-f", Example("nginx-deployment.yaml"))).ExitCode);
        await AssertConverged(3, "nginx:latest");

        // Scale to 6 and kill -9 at once: the scale is acknowledged, so it must complete after the restart.
        var scale = await CliRunner.RunAsync(_silo.Gateway, "scale", "deployment/nginx-deployment", "--replicas", "6");
        Assert.Equal("deployment.apps/nginx-deployment scaled", scale.Out.Trim());
        _silo.Kill();
        await _silo.StartAsync();
        await AssertConverged(6, "nginx:latest");

        // A rollout to nginx:stable (v2 says 5 replicas), killed half-way through.
        Assert.Equal(0, (await CliRunner.RunAsync(_silo.Gateway, "apply", "-f", Example("nginx-deployment-v2.yaml"))).ExitCode);
        await Eventually.Until(() => Engine.ListAsync(_silo.NodeName), c => c.Any(x => x.Image == "nginx:stable"), TimeSpan.FromSeconds(30), "the rollout to start");
        _silo.Kill();
        await _silo.StartAsync();
        await AssertConverged(5, "nginx:stable");
    }

    [Fact]
    public async Task CleanStopRestartReadoptsRunningContainers()
    {
        Assert.Equal(0, (await CliRunner.RunAsync(_silo.Gateway, "apply", "-f", Example("nginx-deployment.yaml"))).ExitCode);
        await AssertConverged(3, "nginx:latest");
        var before = (await Engine.ListAsync(_silo.NodeName)).Select(c => c.Id).Order().ToList();
        await _silo.StopAsync();
        await _silo.StartAsync();
        await AssertConverged(3, "nginx:latest");
        var after = (await Engine.ListAsync(_silo.NodeName)).Select(c => c.Id).Order().ToList();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task ContainersOfPodsDeletedWhileTheSiloWasDownAreRemoved()
    {
        Assert.Equal(0, (await CliRunner.RunAsync(_silo.Gateway, "apply", "-f", Example("nginx-deployment.yaml"))).ExitCode);
        await AssertConverged(3, "nginx:latest");
        // A container that claims to belong to this node but to no pod: an orphan from an earlier life.
        await Engine.RunAsync("run", "-d", "--label", $"cluster.local/node={_silo.NodeName}", "--label", "cluster.local/pod-uid=not-a-pod",
            "--label", "cluster.local/container=x", "nginx:latest");
        _silo.Kill();
        await _silo.StartAsync();
        await AssertConverged(3, "nginx:latest");
    }
}
