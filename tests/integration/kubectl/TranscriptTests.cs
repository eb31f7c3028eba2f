using System.Text.RegularExpressions;
using Cluster.Tests.Integration.Support;
using Cluster.Tests.Unit.Client;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.Kubectl;

/// <summary>
/// The brief's section-4 transcript with the real kubectl, default validation, on the real Docker Engine, against a
/// secure silo: over TLS verified against the cluster CA, with the kubeconfig `cluster config kubeconfig` writes.
/// </summary>
[Collection("docker")]
public sealed class TranscriptTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("kubectl-" + Guid.NewGuid().ToString("N")[..6]) { Secure = true };
    Support.Kubectl _k = null!;
    public async Task InitializeAsync()
    {
        await _silo.StartAsync();
        var file = Path.Combine(_silo.DataDir, "kubectl.kubeconfig");
        var r = await CliRunner.RunAsync(_silo.Gateway, "config", "kubeconfig", "--data-dir", _silo.DataDir, "--kubeconfig", file);
        Assert.True(r.ExitCode == 0, r.ToString());
        var config = await File.ReadAllTextAsync(file);
        Assert.Contains($"server: https://127.0.0.1:{_silo.ApiPort}", config);
        Assert.Contains("certificate-authority-data: ", config);
        Assert.DoesNotContain("insecure-skip-tls-verify", config);
        _k = new Support.Kubectl(file);
    }
    public async Task DisposeAsync() { _k.Dispose(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }
    static string Example(string f) => Path.Combine(RepoPaths.Shared, "examples", f);

    async Task<CliRunner.Result> Ok(params string[] args)
    {
        var r = await _k.RunAsync(args);
        output.WriteLine($"$ kubectl {string.Join(' ', args)}\n{r.Out}{r.Err}");
        Assert.True(r.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {r}");
        return r;
    }

    [Fact]
    public async Task BriefTranscriptRunsAsPrinted()
    {
        Assert.Equal("deployment.apps/nginx-deployment created", (await Ok("apply", "-f", Example("nginx-deployment.yaml"))).Out.Trim());
        var get = await Eventually.Until(() => _k.RunAsync("get", "deployment"), r => r.Out.Contains(" 3/3 "), TimeSpan.FromSeconds(60), "3/3");
        var lines = get.Out.Trim().Split('\n');
        Assert.Matches(@"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$", lines[0]);
        Assert.Matches(@"^nginx-deployment\s+3/3\s+3\s+3\s+\d+s$", lines[1]);
        Assert.Equal(3, (await Engine.ListAsync(_silo.NodeName)).Count);

        Assert.Equal("deployment.apps/nginx-deployment configured", (await Ok("apply", "-f", Example("nginx-deployment-v2.yaml"))).Out.Trim());
        await Eventually.Until(() => Engine.ListAsync(_silo.NodeName), c => c.Count == 5 && c.All(x => x.Image == "nginx:stable"), TimeSpan.FromSeconds(90), "5 nginx:stable containers");
        await Eventually.Until(() => _k.RunAsync("get", "deployment"), r => Regex.IsMatch(r.Out, @"nginx-deployment\s+5/5\s+5\s+5"), TimeSpan.FromSeconds(30), "5/5");

        Assert.Equal("deployment.apps \"nginx-deployment\" deleted", (await Ok("delete", "deployment", "nginx-deployment")).Out.Trim());
        await Eventually.Until(() => Engine.ListAsync(_silo.NodeName, all: true), c => c.Count == 0, TimeSpan.FromSeconds(60), "every container gone");

        Assert.Equal("service/my-service created", (await Ok("apply", "-f", Example("my-service.yaml"))).Out.Trim());
        var svc = await Ok("get", "service");
        var slines = svc.Out.Trim().Split('\n');
        Assert.Matches(@"^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$", slines[0]);
        Assert.Matches(@"^my-service\s+ClusterIP\s+\S+\s+<none>\s+80/TCP\s+\d+s$", slines[1]);
        Assert.Equal("service/my-service configured", (await Ok("apply", "-f", Example("my-service-lb.yaml"))).Out.Trim());
        Assert.Equal("service \"my-service\" deleted", (await Ok("delete", "service", "my-service")).Out.Trim());
    }
}

/// <summary>kubectl logs and logs -f on the real engine.</summary>
[Collection("docker")]
public sealed class KubectlLogsTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("klogs-" + Guid.NewGuid().ToString("N")[..6]);
    Support.Kubectl _k = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _k = new Support.Kubectl(_silo.ApiPort); }
    public async Task DisposeAsync() { _k.Dispose(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    [Fact]
    public async Task LogsAndFollow()
    {
        var created = await _k.RunAsync("create", "deployment", "ticker", "--image=busybox:latest", "--", "sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal("deployment.apps/ticker created", created.Out.Trim());
        var pod = await Eventually.Until(async () => (await _k.RunAsync("get", "pods", "-l", "app=ticker", "-o", "jsonpath={.items[0].metadata.name}")).Out,
            n => n.StartsWith("ticker-"), TimeSpan.FromSeconds(30), "the pod");
        var logs = await Eventually.Until(() => _k.RunAsync("logs", pod), r => r.Out.Contains("tick 1"), TimeSpan.FromSeconds(30), "log lines");
        Assert.StartsWith("tick 0", logs.Out);
        var (p, text) = _k.Start("logs", "-f", pod);
        try
        {
            var first = await Eventually.Until(() => Task.FromResult(text()), t => t.Contains("tick"), TimeSpan.FromSeconds(10), "followed lines");
            var count = first.Split('\n').Count(l => l.StartsWith("tick"));
            await Eventually.Until(() => Task.FromResult(text()), t => t.Split('\n').Count(l => l.StartsWith("tick")) >= count + 2, TimeSpan.FromSeconds(10), "new lines while following");
        }
        finally { p.Kill(); }
        var viaDeployment = await _k.RunAsync("logs", "deployment/ticker", "--tail=1");
        Assert.Matches(@"^tick \d+$", viaDeployment.Out.Trim());
    }
}
