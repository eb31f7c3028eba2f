using System.Text.RegularExpressions;
using Cluster.Client;
using Cluster.Tests.Integration.Support;
using Cluster.Tests.Unit.Client;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// The brief's section 4 with our CLI on the real engine: apply gives 3 running containers and 3/3; v2 rolls to 5
/// containers of nginx:stable within maxUnavailable; rollout undo goes back to nginx:latest; delete removes all.
/// </summary>
[Collection("docker")]
public sealed class BriefDeploymentTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("brief-" + Guid.NewGuid().ToString("N")[..6]);
    static string Example(string f) => Path.Combine(RepoPaths.Shared, "examples", f);

    public Task InitializeAsync() => _silo.StartAsync();
    public async Task DisposeAsync() { output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    async Task<IReadOnlyList<Engine.Container>> Running() => await Engine.ListAsync(_silo.NodeName);

    [Fact]
    public async Task ApplyRollUndoDelete()
    {
        var started = DateTime.UtcNow;
        var apply = await CliRunner.RunProcessAsync(_silo.Gateway, "apply", "-f", Example("nginx-deployment.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal("deployment.apps/nginx-deployment created", apply.Out.Trim());

        await Eventually.Until(Running, c => c.Count == 3 && c.All(x => x.Image == "nginx:latest"), TimeSpan.FromSeconds(60), "3 nginx:latest containers");
        var get = await Eventually.Until(() => CliRunner.RunAsync(_silo.Gateway, "get", "deployment"), r => r.Out.Contains(" 3/3 "), TimeSpan.FromSeconds(30), "3/3");
        output.WriteLine($"apply -> 3/3 Running: {(DateTime.UtcNow - started).TotalSeconds:0.00}s\n{get.Out}");
        var lines = get.Out.Trim().Split('\n');
        Assert.Matches(@"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$", lines[0]);
        Assert.Matches(@"^nginx-deployment\s+3/3\s+3\s+3\s+\d+s$", lines[1]);

        // v2: 5 replicas of nginx:stable. Availability never drops below min(3 available before, 5 - maxUnavailable 1).
        var client = await ClusterClient.ConnectAsync(_silo.Gateway);
        await using var _ = client;
        var lowest = int.MaxValue;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                var d = await client.GetAsync<V1Deployment>("nginx-deployment");
                lowest = Math.Min(lowest, d?.Status?.AvailableReplicas ?? 0);
                await Task.Delay(50);
            }
        });
        var v2 = await CliRunner.RunAsync(_silo.Gateway, "apply", "-f", Example("nginx-deployment-v2.yaml"));
        Assert.Equal("deployment.apps/nginx-deployment configured", v2.Out.Trim());
        await Eventually.Until(Running, c => c.Count == 5 && c.All(x => x.Image == "nginx:stable"), TimeSpan.FromSeconds(90), "5 nginx:stable containers");
        var status = await CliRunner.RunAsync(_silo.Gateway, "rollout", "status", "deployment/nginx-deployment", "--timeout", "60s");
        Assert.Contains("successfully rolled out", status.Out);
        watching.Cancel();
        await watcher;
        Assert.True(lowest >= 3, $"available replicas fell to {lowest} during the rolling update");

        var history = await CliRunner.RunAsync(_silo.Gateway, "rollout", "history", "deployment/nginx-deployment");
        Assert.Matches(new Regex(@"^1\s+<none>$", RegexOptions.Multiline), history.Out);
        Assert.Matches(new Regex(@"^2\s+<none>$", RegexOptions.Multiline), history.Out);

        var undo = await CliRunner.RunAsync(_silo.Gateway, "rollout", "undo", "deployment/nginx-deployment");
        Assert.Equal("deployment.apps/nginx-deployment rolled back", undo.Out.Trim());
        await Eventually.Until(Running, c => c.Count == 5 && c.All(x => x.Image == "nginx:latest"), TimeSpan.FromSeconds(90), "5 nginx:latest containers after undo");

        var del = await CliRunner.RunAsync(_silo.Gateway, "delete", "deployment", "nginx-deployment");
        Assert.Equal("deployment.apps \"nginx-deployment\" deleted", del.Out.Trim());
        await Eventually.Until(() => Engine.ListAsync(_silo.NodeName, all: true), c => c.Count == 0, TimeSpan.FromSeconds(60), "every container removed");
        var after = await CliRunner.RunAsync(_silo.Gateway, "get", "pods");
        Assert.Contains("No resources found in default namespace.", after.Err);
        var rs = await CliRunner.RunAsync(_silo.Gateway, "get", "rs");
        Assert.Contains("No resources found", rs.Err);
    }
}
