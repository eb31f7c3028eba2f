using Cluster.Tests.Integration.Support;
using Cluster.Tests.Unit.Client;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// The operator pattern on the real engine: a silo hosts the example Website operator (examples/website-operator,
/// a controller grain loaded with --controllers). A Website applied with kubectl gets a Deployment and a Service it
/// owns, its containers run, its status follows them, a spec change reaches the Deployment, and deleting the
/// Website deletes what it owns.
/// </summary>
[Collection("docker")]
public sealed class OperatorTests(ITestOutputHelper output) : IAsyncLifetime
{
    static string Example(string file) => Path.Combine(RepoPaths.Root, "examples", "website-operator", file);
    static string OperatorDll => Example(Path.Combine("bin", SiloProcess.Configuration, "net10.0", "WebsiteOperator.dll"));

    readonly SiloProcess _silo = new("op-" + Guid.NewGuid().ToString("N")[..6], "--controllers", OperatorDll);
    Support.Kubectl _kubectl = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _kubectl = new Support.Kubectl(_silo.ApiPort); }
    public async Task DisposeAsync()
    {
        _kubectl.Dispose();
        output.WriteLine(_silo.Log);
        await _silo.DisposeAsync();
        await Engine.RemoveNodeContainersAsync(_silo.NodeName);
    }

    async Task<string> Jsonpath(string what, string path) => (await _kubectl.RunAsync("get", what, "-o", $"jsonpath={path}")).Out.Trim();

    [Fact]
    public async Task AWebsiteGetsADeploymentAndServiceItsControllerKeepsCurrent()
    {
        var r = await _kubectl.RunAsync("apply", "-f", Example("website-crd.yaml"));
        Assert.True(r.ExitCode == 0, r.ToString());
        r = await _kubectl.RunAsync("wait", "--for=condition=established", "--timeout=20s", "crd/websites.example.com");
        Assert.True(r.ExitCode == 0, r.ToString());
        r = await _kubectl.RunAsync("apply", "-f", Example("website.yaml"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("website.example.com/hello created", r.Out);

        // The controller made a Deployment and a Service owned by the Website; two containers run on the engine.
        await Eventually.Until(() => Jsonpath("website/hello", "{.status.availableReplicas}/{.status.phase}"), s => s == "2/Ready",
            TimeSpan.FromSeconds(60), "the Website to report 2 available replicas");
        Assert.Equal("Website/hello", await Jsonpath("deployment/hello", "{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}"));
        Assert.Equal("Website/hello", await Jsonpath("service/hello", "{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}"));
        Assert.Equal("http://hello.default.svc:80", await Jsonpath("website/hello", "{.status.url}"));
        var running = (await Engine.ListAsync(_silo.NodeName)).Where(c => c.PodName.StartsWith("hello-") && c.State == "running").ToList();
        Assert.Equal(2, running.Count);
        r = await _kubectl.RunAsync("get", "websites");
        Assert.Matches(@"NAME\s+IMAGE\s+DESIRED\s+AVAILABLE\s+PHASE\s+AGE", r.Out);
        Assert.Matches(@"hello\s+nginx:stable\s+2\s+2\s+Ready\s+\d+s", r.Out);

        // A spec change reaches the Deployment; the status follows the pods down.
        r = await _kubectl.RunAsync("patch", "website", "hello", "--type=merge", "-p", """{"spec":{"replicas":1}}""");
        Assert.True(r.ExitCode == 0, r.ToString());
        await Eventually.Until(() => Jsonpath("deployment/hello", "{.spec.replicas}/{.status.availableReplicas}"), s => s == "1/1",
            TimeSpan.FromSeconds(30), "the Deployment to follow the Website to 1 replica");
        await Eventually.Until(() => Jsonpath("website/hello", "{.status.availableReplicas}"), s => s == "1",
            TimeSpan.FromSeconds(30), "the Website status to follow");

        // The status is the controller's: a user's write to the main resource does not change it (status subresource).
        r = await _kubectl.RunAsync("patch", "website", "hello", "--type=merge", "-p", """{"status":{"phase":"Hacked"}}""");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Ready", await Jsonpath("website/hello", "{.status.phase}"));

        // Deleting the Website deletes what it owns, containers included.
        r = await _kubectl.RunAsync("delete", "website", "hello");
        Assert.True(r.ExitCode == 0, r.ToString());
        await Eventually.Until(async () => (await _kubectl.RunAsync("get", "deployments,services", "-o", "name")).Out, o => !o.Contains("/hello"),
            TimeSpan.FromSeconds(30), "the owned Deployment and Service to go");
        await Eventually.Until(async () => (await Engine.ListAsync(_silo.NodeName)).Count(c => c.PodName.StartsWith("hello-") && c.State == "running"), n => n == 0,
            TimeSpan.FromSeconds(30), "the containers to stop");
    }
}
