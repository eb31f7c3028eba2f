using System.Text.RegularExpressions;
using Cluster.Tests.Integration.Support;
using Cluster.Tests.Unit.Client;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.Kubectl;

/// <summary>The real kubectl for everything beyond the transcript, against a silo with the simulated runtime.</summary>
public sealed class KubectlVerbsTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("kverbs-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
    Support.Kubectl _k = null!;
    readonly string _dir = Directory.CreateTempSubdirectory("cluster-kverbs-").FullName;
    public async Task InitializeAsync() { await _silo.StartAsync(); _k = new Support.Kubectl(_silo.ApiPort); }
    public async Task DisposeAsync() { _k.Dispose(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); Directory.Delete(_dir, true); }
    static string Example(string f) => Path.Combine(RepoPaths.Shared, "examples", f);

    async Task<CliRunner.Result> Ok(params string[] args)
    {
        var r = await _k.RunAsync(args);
        output.WriteLine($"$ kubectl {string.Join(' ', args)}\n{r.Out}{r.Err}");
        Assert.True(r.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {r}");
        return r;
    }

    [Fact]
    public async Task ScaleRolloutDescribeAndOutputFormats()
    {
        await Ok("apply", "-f", Example("nginx-deployment.yaml"));
        Assert.Contains("successfully rolled out", (await Ok("rollout", "status", "deployment/nginx-deployment", "--timeout=60s")).Out);
        Assert.Equal("deployment.apps/nginx-deployment scaled", (await Ok("scale", "deployment", "nginx-deployment", "--replicas=2")).Out.Trim());
        await Eventually.Until(() => _k.RunAsync("get", "deploy"), r => Regex.IsMatch(r.Out, @"nginx-deployment\s+2/2"), TimeSpan.FromSeconds(20), "2/2");

        await Ok("apply", "-f", Example("nginx-deployment-v2.yaml"));
        var status = await Ok("rollout", "status", "deployment/nginx-deployment", "--timeout=60s");
        Assert.Contains("deployment \"nginx-deployment\" successfully rolled out", status.Out);
        var history = await Ok("rollout", "history", "deployment/nginx-deployment");
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\s+1\s+<none>\s+2\s+<none>", history.Out);
        Assert.Equal("deployment.apps/nginx-deployment rolled back", (await Ok("rollout", "undo", "deployment/nginx-deployment")).Out.Trim());
        await Ok("rollout", "status", "deployment/nginx-deployment", "--timeout=60s");
        var rs = await Ok("get", "rs", "-o", "wide");
        Assert.Equal(2, rs.Out.Trim().Split('\n').Length - 1); // undo re-used revision 1's ReplicaSet
        Assert.Matches(@"nginx-deployment-\w+\s+5\s+5\s+5\s+\S+\s+nginx\s+nginx:latest", rs.Out);

        var describe = await Ok("describe", "deployment", "nginx-deployment");
        Assert.Matches(@"Replicas:\s+5 desired \| 5 updated \| 5 total \| 5 available \| 0 unavailable", describe.Out);
        Assert.Matches(@"NewReplicaSet:\s+nginx-deployment-\w+ \(5/5 replicas created\)", describe.Out);
        Assert.Matches(@"Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled", describe.Out);

        var wide = await Ok("get", "pods", "-o", "wide", "--show-labels", "-l", "app=nginx");
        Assert.Matches(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\s+LABELS", wide.Out);
        Assert.Contains(_silo.NodeName, wide.Out);
        Assert.Contains("app=nginx,pod-template-hash=", wide.Out);
        var all = await Ok("get", "deploy", "-A");
        Assert.Matches(@"default\s+nginx-deployment\s+5/5", all.Out);
        var yaml = await Ok("get", "deployment", "nginx-deployment", "-o", "yaml");
        Assert.Contains("deployment.kubernetes.io/revision: \"3\"", yaml.Out);
        var json = await Ok("get", "pods", "-o", "json");
        Assert.Contains("\"kind\": \"List\"", json.Out);
        var path = await Ok("get", "deployment", "nginx-deployment", "-o", "jsonpath={.spec.template.spec.containers[0].image}");
        Assert.Equal("nginx:latest", path.Out);
        Assert.Equal("deployment.apps/nginx-deployment condition met", (await Ok("wait", "--for=condition=Available", "deployment/nginx-deployment", "--timeout=30s")).Out.Trim());
        var events = await Ok("get", "events");
        Assert.Matches(@"LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE", events.Out);
        Assert.Contains("Successfully assigned default/nginx-deployment-", events.Out);

        await Ok("apply", "-f", Example("my-service.yaml"));
        var endpoints = await Eventually.Until(() => _k.RunAsync("get", "endpoints", "my-service"), r => Regex.IsMatch(r.Out, @"my-service\s+\S+:80,\S+:80,\S+:80 \+ 2 more\.\.\.\s+\d+s"), TimeSpan.FromSeconds(20), "5 endpoints");
        Assert.Matches(@"^NAME\s+ENDPOINTS\s+AGE", endpoints.Out);
        Assert.Matches(@"my-service-\w+\s+IPv4\s+80\s+", (await Ok("get", "endpointslices")).Out);

        var explain = await Ok("explain", "deployment.spec.replicas");
        Assert.Contains("FIELD: replicas <integer>", explain.Out);
        Assert.Contains("Number of desired pods", explain.Out);
        Assert.Contains("<[]Container>", (await Ok("explain", "pods.spec.containers")).Out);

        var nf = await _k.RunAsync("get", "deployment", "nope");
        Assert.Equal(1, nf.ExitCode);
        Assert.Equal("Error from server (NotFound): deployments.apps \"nope\" not found", nf.Err.Trim());
    }

    [Fact]
    public async Task WatchPrintsRowsAsPodsChange()
    {
        await Ok("apply", "-f", Example("nginx-deployment.yaml"));
        await Ok("rollout", "status", "deployment/nginx-deployment", "--timeout=60s");
        var (p, text) = _k.Start("get", "pods", "-w");
        try
        {
            await Eventually.Until(() => Task.FromResult(text()), t => t.Split('\n').Count(l => l.Contains("Running")) >= 3, TimeSpan.FromSeconds(20), "the initial table");
            await Ok("scale", "deployment", "nginx-deployment", "--replicas=4");
            var seen = await Eventually.Until(() => Task.FromResult(text()), t => t.Split('\n').Count(l => l.Contains("Running")) >= 4 && t.Contains("Pending"), TimeSpan.FromSeconds(20), "a new pod in the watch");
            Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE", seen);
            Assert.Single(seen.Split('\n').Where(l => l.StartsWith("NAME")));
            Assert.False(p.HasExited, "kubectl get -w must keep the stream open");
        }
        finally { p.Kill(); }
    }

    [Fact]
    public async Task NamespacesConfigMapsSecretsServerSideApplyAndDeleteByFile()
    {
        Assert.Equal("namespace/team created", (await Ok("create", "namespace", "team")).Out.Trim());   // a protobuf body
        Assert.Matches(@"team\s+Active", (await Ok("get", "ns")).Out);
        await Ok("apply", "-n", "team", "-f", Example("nginx-deployment.yaml"));
        Assert.Matches(@"nginx-deployment", (await Ok("get", "deploy", "-n", "team")).Out);

        var file = Path.Combine(_dir, "cm-secret.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app-config
            data:
              mode: fast
              level: "3"
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: app-secret
            type: Opaque
            stringData:
              password: s3cret
            """);
        var applied = await Ok("apply", "-f", file);
        Assert.Equal("configmap/app-config created\nsecret/app-secret created", applied.Out.Trim());
        var both = await Ok("get", "cm,secret");
        Assert.Matches(@"configmap/app-config\s+2\s+\d+s", both.Out);
        Assert.Matches(@"secret/app-secret\s+Opaque\s+1\s+\d+s", both.Out);
        Assert.Equal("czNjcmV0", (await Ok("get", "secret", "app-secret", "-o", "jsonpath={.data.password}")).Out);

        // Server-side apply over what client-side apply set: a conflict on the fields it would change, until forced.
        var conflict = await _k.RunAsync("apply", "--server-side", "-f", Example("nginx-deployment-v2.yaml"), "-n", "team");
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:", conflict.Err);
        Assert.Contains("- .spec.replicas", conflict.Err);
        Assert.Contains("- .spec.template.spec.containers[name=\"nginx\"].image", conflict.Err);
        Assert.Equal("deployment.apps/nginx-deployment serverside-applied", (await Ok("apply", "--server-side", "--force-conflicts", "-n", "team", "-f", Example("nginx-deployment-v2.yaml"))).Out.Trim());
        Assert.Equal("5", (await Ok("get", "deploy", "nginx-deployment", "-n", "team", "-o", "jsonpath={.spec.replicas}")).Out);
        // A fresh object applied server-side twice by the same manager: no conflict with itself.
        Assert.Equal("deployment.apps/nginx-deployment serverside-applied", (await Ok("apply", "--server-side", "-f", Example("nginx-deployment-v2.yaml"))).Out.Trim());
        Assert.Equal("5", (await Ok("get", "deploy", "nginx-deployment", "-o", "jsonpath={.spec.replicas}")).Out);
        var managers = await Ok("get", "deploy", "nginx-deployment", "-o", "jsonpath={.metadata.managedFields[*].manager}", "--show-managed-fields");
        Assert.Contains("kubectl", managers.Out);

        var deleted = await Ok("delete", "-f", file);
        Assert.Equal("configmap \"app-config\" deleted\nsecret \"app-secret\" deleted", deleted.Out.Trim());
        Assert.Equal("namespace \"team\" deleted", (await Ok("delete", "namespace", "team")).Out.Trim());
        var gone = await _k.RunAsync("get", "ns", "team");
        Assert.Equal(1, gone.ExitCode);
    }

    [Fact]
    public async Task StrictValidationAndBadInputComeBackAsStatus()
    {
        var file = Path.Combine(_dir, "typo.yaml");
        await File.WriteAllTextAsync(file, File.ReadAllText(Example("nginx-deployment.yaml")).Replace("replicas: 3", "replicas: 3\n  replicass: 4"));
        var typo = await _k.RunAsync("apply", "-f", file);
        Assert.Equal(1, typo.ExitCode);
        Assert.Contains("strict decoding error: unknown field \"spec.replicass\"", typo.Err);
        var invalid = Path.Combine(_dir, "invalid.yaml");
        await File.WriteAllTextAsync(invalid, File.ReadAllText(Example("nginx-deployment.yaml")).Replace("replicas: 3", "replicas: -1"));
        var bad = await _k.RunAsync("apply", "-f", invalid);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("The Deployment \"nginx-deployment\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", bad.Err);
        var none = await _k.RunAsync("get", "deploy");
        Assert.Contains("No resources found in default namespace.", none.Err);
        var dry = await Ok("apply", "-f", Example("nginx-deployment.yaml"), "--dry-run=server");
        Assert.Equal("deployment.apps/nginx-deployment created (server dry run)", dry.Out.Trim());
        Assert.Contains("No resources found", (await _k.RunAsync("get", "deploy")).Err);
    }
}
