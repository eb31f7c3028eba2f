using Cluster.Tests.Integration.Support;
using Cluster.Tests.Unit.Client;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>The CLI's other verbs and output formats, against a silo with the simulated runtime.</summary>
public sealed class CliVerbsTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("verbs-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
    public Task InitializeAsync() => _silo.StartAsync();
    public async Task DisposeAsync() { output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }
    static string Example(string f) => Path.Combine(RepoPaths.Shared, "examples", f);
    Task<CliRunner.Result> Run(params string[] args) => CliRunner.RunAsync(_silo.Gateway, args);

    [Fact]
    public async Task OutputFormatsDescribeAndWatch()
    {
        Assert.Equal(0, (await Run("apply", "-f", Example("nginx-deployment.yaml"))).ExitCode);
        Assert.Equal("deployment.apps/nginx-deployment unchanged", (await Run("apply", "-f", Example("nginx-deployment.yaml"))).Out.Trim());
        await Eventually.Until(() => Run("get", "deploy"), r => r.Out.Contains(" 3/3 "), TimeSpan.FromSeconds(20), "3/3");

        var yaml = await Run("get", "deployment", "nginx-deployment", "-o", "yaml");
        Assert.Contains("kind: Deployment", yaml.Out);
        Assert.Contains("deployment.kubernetes.io/revision: \"1\"", yaml.Out);
        Assert.Contains("availableReplicas: 3", yaml.Out);
        var json = await Run("get", "pods", "-o", "json");
        Assert.Contains("\"kind\": \"List\"", json.Out);
        var names = await Run("get", "rs", "-o", "name");
        Assert.Matches(@"^replicaset.apps/nginx-deployment-[a-z0-9]+$", names.Out.Trim());
        var wide = await Run("get", "pods", "-o", "wide", "--show-labels");
        Assert.Matches(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\s+LABELS", wide.Out);
        Assert.Contains(_silo.NodeName, wide.Out);
        var all = await Run("get", "pods", "-A", "-l", "app=nginx");
        Assert.Matches(@"NAMESPACE\s+NAME\s+READY", all.Out);

        var describe = await Run("describe", "deployment", "nginx-deployment");
        Assert.Matches(@"Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable", describe.Out);
        Assert.Contains("ScalingReplicaSet", describe.Out);
        Assert.Matches(@"NewReplicaSet:\s+nginx-deployment-[a-z0-9]+ \(3/3 replicas created\)", describe.Out);
        var pod = (await Run("get", "pods", "-o", "name")).Out.Split('\n')[0].Trim();
        var describePod = await Run("describe", pod);
        Assert.Contains("Controlled By:  ReplicaSet/nginx-deployment-", describePod.Out);
        Assert.Contains("Successfully assigned default/", describePod.Out);

        // get -w prints the table, then a row per change.
        var o = new StringWriter();
        var e = new StringWriter();
        using var cts = new CancellationTokenSource();
        var watching = Cluster.Cli.Commands.CliApp.RunAsync(["get", "deployments", "-w", "--server", _silo.Gateway], o, e);
        await Eventually.Until(() => Task.FromResult(o.ToString()), s => s.Contains("nginx-deployment"), TimeSpan.FromSeconds(10), "the initial table");
        Assert.Equal(0, (await Run("scale", "deployment", "nginx-deployment", "--replicas", "4")).ExitCode);
        await Eventually.Until(() => Task.FromResult(o.ToString()), s => s.Contains("/4 "), TimeSpan.FromSeconds(10), "a watched row with 4 desired");
        Assert.False(watching.IsCompleted);
    }

    [Fact]
    public async Task RolloutPauseResumeRestartAndStatus()
    {
        Assert.Equal(0, (await Run("apply", "-f", Example("nginx-deployment.yaml"))).ExitCode);
        Assert.Contains("successfully rolled out", (await Run("rollout", "status", "deployment/nginx-deployment", "--timeout", "30s")).Out);
        Assert.Equal("deployment.apps/nginx-deployment paused", (await Run("rollout", "pause", "deployment/nginx-deployment")).Out.Trim());
        Assert.Equal(0, (await Run("apply", "-f", Example("nginx-deployment-v2.yaml"))).ExitCode);
        await Task.Delay(1500);
        var rs = await Run("get", "rs");
        Assert.Single(rs.Out.Trim().Split('\n').Skip(1)); // paused: no new ReplicaSet
        Assert.Equal("deployment.apps/nginx-deployment resumed", (await Run("rollout", "resume", "deployment/nginx-deployment")).Out.Trim());
        Assert.Contains("successfully rolled out", (await Run("rollout", "status", "deployment/nginx-deployment", "--timeout", "60s")).Out);
        await Eventually.Until(() => Run("get", "rs"), r => r.Out.Trim().Split('\n').Length == 3, TimeSpan.FromSeconds(10), "two ReplicaSets");
        Assert.Equal("deployment.apps/nginx-deployment restarted", (await Run("rollout", "restart", "deployment/nginx-deployment")).Out.Trim());
        Assert.Contains("successfully rolled out", (await Run("rollout", "status", "deployment/nginx-deployment", "--timeout", "60s")).Out);
        var history = await Run("rollout", "history", "deployment/nginx-deployment");
        Assert.Matches(@"3\s+<none>", history.Out);
        var bad = await Run("rollout", "undo", "deployment/nginx-deployment", "--to-revision", "42");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("unable to find specified revision 42", bad.Err);
    }

    [Fact]
    public async Task GenerationChangesOnlyWithTheSpec()
    {
        await using var client = await Cluster.Client.ClusterClient.ConnectAsync(_silo.Gateway);
        Assert.Equal(0, (await Run("apply", "-f", Example("nginx-deployment.yaml"))).ExitCode);
        var d = await Eventually.Until(() => client.GetAsync<k8s.Models.V1Deployment>("nginx-deployment"), x => x?.Status?.ObservedGeneration == 1 && x.Status.AvailableReplicas == 3, TimeSpan.FromSeconds(20), "observed generation 1");
        Assert.Equal(1, d!.Metadata.Generation);
        d.Metadata.Labels = new Dictionary<string, string> { ["team"] = "web" };
        d = await client.UpdateAsync(d);
        Assert.Equal(1, d.Metadata.Generation); // metadata only
        d.Spec.Replicas = 2;
        d = await client.UpdateAsync(d);
        Assert.Equal(2, d.Metadata.Generation);
        await Eventually.Until(() => client.GetAsync<k8s.Models.V1Deployment>("nginx-deployment"), x => x?.Status?.ObservedGeneration == 2 && x.Status.Replicas == 2, TimeSpan.FromSeconds(20), "observed generation 2");
    }
}
