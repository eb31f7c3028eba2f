using Cluster.Tests.Integration.Support;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>Bad input: one clear line each, a non-zero exit, and nothing stored. Simulated runtime: no containers needed.</summary>
public sealed class BadInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("bad-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
    readonly string _dir = Directory.CreateTempSubdirectory("cluster-bad-").FullName;
    public Task InitializeAsync() => _silo.StartAsync();
    public async Task DisposeAsync() { output.WriteLine(_silo.Log); await _silo.DisposeAsync(); Directory.Delete(_dir, true); }

    string File(string name, string text) { var p = Path.Combine(_dir, name); System.IO.File.WriteAllText(p, text); return p; }

    const string Good = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:latest
        """;

    async Task AssertRefused(string file, params string[] expected)
    {
        var r = await CliRunner.RunAsync(_silo.Gateway, "apply", "-f", file);
        output.WriteLine(r.ToString());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("", r.Out);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        foreach (var e in expected) Assert.Contains(e, line);
    }

    [Fact]
    public async Task EachMistakeGivesOneClearErrorAndStoresNothing()
    {
        await AssertRefused(File("malformed.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [web\n"), "malformed.yaml", "line");
        await AssertRefused(File("unknown.yaml", "apiVersion: example.com/v1\nkind: Gizmo\nmetadata:\n  name: g\n"), "Gizmo", "unknown.yaml");
        await AssertRefused(File("name.yaml", Good.Replace("name: web\nspec", "name: Web_App\nspec")), "Deployment \"Web_App\" is invalid", "metadata.name");
        await AssertRefused(File("selector.yaml", Good.Replace("matchLabels:\n      app: web", "matchLabels:\n      app: other")),
            "spec.template.metadata.labels", "`selector` does not match template `labels`");
        await AssertRefused(File("replicas.yaml", Good.Replace("replicas: 1", "replicas: -3")), "spec.replicas: Invalid value: -3: must be greater than or equal to 0");
        await AssertRefused(File("quantity.yaml", Good.Replace("image: nginx:latest", "image: nginx:latest\n        resources:\n          limits:\n            memory: lots")), "quantity.yaml");
        var missing = await CliRunner.RunAsync(_silo.Gateway, "apply", "-f", Path.Combine(_dir, "nope.yaml"));
        Assert.Equal("error: the path \"" + Path.Combine(_dir, "nope.yaml") + "\" does not exist", missing.Err.Trim());

        var get = await CliRunner.RunAsync(_silo.Gateway, "get", "deployments", "-A");
        Assert.Equal(0, get.ExitCode);
        Assert.Contains("No resources found", get.Err);
        var pods = await CliRunner.RunAsync(_silo.Gateway, "get", "pods", "-A");
        Assert.Contains("No resources found", pods.Err);
    }

    [Fact]
    public async Task UnknownResourceTypeAndMissingObjectAreOneLine()
    {
        var r = await CliRunner.RunAsync(_silo.Gateway, "get", "gizmos");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: the server doesn't have a resource type \"gizmos\"", r.Err.Trim());
        var nf = await CliRunner.RunAsync(_silo.Gateway, "get", "deployment", "nope");
        Assert.Equal(1, nf.ExitCode);
        Assert.Equal("Error from server (NotFound): deployments.apps \"nope\" not found", nf.Err.Trim());
        var sel = await CliRunner.RunAsync(_silo.Gateway, "get", "pods", "-l", "app in web");
        Assert.Equal(1, sel.ExitCode);
        Assert.Contains("unable to parse requirement", sel.Err);
        var noServer = await CliRunner.RunAsync("127.0.0.1:" + SiloProcess.FreePort(), "get", "pods");
        Assert.Equal(1, noServer.ExitCode);
        Assert.Single(noServer.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot reach the cluster", noServer.Err);
    }

    [Fact]
    public async Task StaleResourceVersionIsAConflict()
    {
        await using var client = await Cluster.Client.ClusterClient.ConnectAsync(_silo.Gateway);
        var cm = await client.CreateAsync(new k8s.Models.V1ConfigMap
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "cfg", NamespaceProperty = "default" },
            Data = new Dictionary<string, string> { ["a"] = "1" },
        });
        var first = cm.Metadata.ResourceVersion;
        cm.Data["a"] = "2";
        var updated = await client.UpdateAsync(cm);
        Assert.NotEqual(first, updated.Metadata.ResourceVersion);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion) > long.Parse(first));
        cm.Metadata.ResourceVersion = first;
        cm.Data["a"] = "3";
        var e = await Assert.ThrowsAsync<Cluster.Interfaces.Api.ClusterApiException>(() => client.UpdateAsync(cm));
        Assert.Equal(409, e.Code);
        Assert.Contains("the object has been modified", e.Message);
        Assert.Equal("2", (await client.GetAsync<k8s.Models.V1ConfigMap>("cfg"))!.Data["a"]);
    }
}
