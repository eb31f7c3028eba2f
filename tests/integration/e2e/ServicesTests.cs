using System.Net.Sockets;
using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// Services on the real engine, traffic only to 127.0.0.1: balancing through the node port, scaling, readiness
/// gating endpoints, liveness restarts, and the service environment variables.
/// </summary>
[Collection("docker")]
public sealed class ServicesTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("svc-" + Guid.NewGuid().ToString("N")[..6]);
    ClusterClient _client = null!;
    readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, MaxConnectionsPerServer = 1000 }) { Timeout = TimeSpan.FromSeconds(5) };
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); }
    public async Task DisposeAsync() { _http.Dispose(); await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    /// <summary>A web server that answers with its pod name; /healthz exists until a test removes it.</summary>
    static V1Deployment Echo(int replicas, V1Probe? readiness = null, V1Probe? liveness = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "echo", NamespaceProperty = "default" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "echo" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "echo" } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "web", Image = "nginx:latest",
                            Command = ["sh", "-c", "echo $POD_NAME > /www/index.html && exec httpd -f -p 80 -h /www"],
                            Env = [new V1EnvVar { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } }],
                            Ports = [new V1ContainerPort { ContainerPort = 80 }],
                            ReadinessProbe = readiness, LivenessProbe = liveness,
                        },
                    ],
                },
            },
        },
    };

    async Task<V1Service> NodePortService(string? balancing = null)
    {
        var svc = await _client.CreateAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "echo", NamespaceProperty = "default", Annotations = balancing == null ? null : new Dictionary<string, string> { ["cluster.local/load-balancing"] = balancing } },
            Spec = new V1ServiceSpec { Type = "NodePort", Selector = new Dictionary<string, string> { ["app"] = "echo" }, Ports = [new V1ServicePort { Port = 80, TargetPort = 80 }] },
        });
        Assert.InRange(svc.Spec.Ports[0].NodePort ?? 0, 30000, 32767);
        Assert.StartsWith("127.", svc.Spec.ClusterIP);
        return svc;
    }

    async Task<int> ReadyEndpoints() =>
        (await _client.GetAsync<V1Endpoints>("echo"))?.Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0;

    async Task<string> Get(int port) => (await _http.GetStringAsync($"http://127.0.0.1:{port}/")).Trim();

    [Fact]
    public async Task RoundRobinSpreadsEvenlyAndLeastConnectionsAvoidsBusyPods()
    {
        await _client.CreateAsync(Echo(3));
        var svc = await NodePortService();
        var port = svc.Spec.Ports[0].NodePort!.Value;
        await Eventually.Until(ReadyEndpoints, n => n == 3, TimeSpan.FromSeconds(60), "3 ready endpoints");
        await Eventually.Until(async () => { try { return await Get(port); } catch { return ""; } }, s => s.StartsWith("echo-"), TimeSpan.FromSeconds(10), "the proxy to answer");

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++) { var name = await Get(port); counts[name] = counts.GetValueOrDefault(name) + 1; }
        output.WriteLine(string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 80, 120));

        // The cluster IP answers too (a loopback address, so no routes are needed).
        Assert.StartsWith("echo-", (await _http.GetStringAsync($"http://{svc.Spec.ClusterIP}/")).Trim());

        // Least connections: with connections held open to two pods, new requests go to the third.
        var current = (await _client.GetAsync<V1Service>("echo"))!;
        current.Metadata.Annotations = new Dictionary<string, string> { ["cluster.local/load-balancing"] = "least-connections" };
        await _client.UpdateAsync(current);
        await Task.Delay(1000);
        using var held1 = new TcpClient(); await held1.ConnectAsync("127.0.0.1", port);
        await Task.Delay(200);
        using var held2 = new TcpClient(); await held2.ConnectAsync("127.0.0.1", port);
        await Task.Delay(300);
        var answers = new List<string>();
        // One at a time, so each finished request has left the count before the next is placed.
        for (var i = 0; i < 6; i++) { answers.Add(await Get(port)); await Task.Delay(100); }
        Assert.Single(answers.Distinct());
    }

    [Fact]
    public async Task NewPodsGetTrafficSoonAfterTheyAreReady()
    {
        await _client.CreateAsync(Echo(3));
        var port = (await NodePortService()).Spec.Ports[0].NodePort!.Value;
        await Eventually.Until(ReadyEndpoints, n => n == 3, TimeSpan.FromSeconds(60), "3 ready endpoints");
        await _client.ScaleAsync(Cluster.Interfaces.Api.Kinds.Deployment, "default", "echo", 5);
        await Eventually.Until(ReadyEndpoints, n => n == 5, TimeSpan.FromSeconds(60), "5 ready endpoints", TimeSpan.FromMilliseconds(50));
        var ready = DateTime.UtcNow;
        var seen = new HashSet<string>();
        while (seen.Count < 5 && DateTime.UtcNow - ready < TimeSpan.FromSeconds(5)) seen.Add(await Get(port));
        var took = DateTime.UtcNow - ready;
        output.WriteLine($"all 5 pods answered {took.TotalMilliseconds:0} ms after the 5th became ready");
        Assert.Equal(5, seen.Count);
        Assert.True(took < TimeSpan.FromSeconds(2), $"new pods got traffic only after {took.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task UnreadyPodsLeaveTheEndpointsAndLivenessFailuresRestart()
    {
        var readiness = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = 80 }, PeriodSeconds = 1, FailureThreshold = 1 };
        var liveness = new V1Probe { Exec = new V1ExecAction { Command = ["sh", "-c", "test ! -e /www/dead"] }, PeriodSeconds = 1, FailureThreshold = 2 };
        await _client.CreateAsync(Echo(2, readiness, liveness));
        var port = (await NodePortService()).Spec.Ports[0].NodePort!.Value;
        await Eventually.Until(ReadyEndpoints, n => n == 2, TimeSpan.FromSeconds(60), "2 ready endpoints");
        var victim = (await Engine.ListAsync(_silo.NodeName)).First();

        // Readiness: removing /healthz makes the pod unready; it leaves the endpoints and gets no more traffic.
        await Engine.RunAsync("exec", victim.Id, "rm", "/www/healthz");
        var removed = DateTime.UtcNow;
        await Eventually.Until(ReadyEndpoints, n => n == 1, TimeSpan.FromSeconds(10), "the unready pod to leave the endpoints", TimeSpan.FromMilliseconds(50));
        output.WriteLine($"unready pod left the endpoints {(DateTime.UtcNow - removed).TotalMilliseconds:0} ms after its health check broke (probe period 1 s)");
        Assert.True(DateTime.UtcNow - removed < TimeSpan.FromSeconds(3));
        var pod = (await _client.GetAsync<V1Pod>(victim.PodName))!;
        Assert.Contains(pod.Status.Conditions, c => c.Type == "Ready" && c.Status == "False");
        await Task.Delay(200); // the proxy follows the endpoints through a watch
        for (var i = 0; i < 10; i++) Assert.NotEqual(victim.PodName, await Get(port));
        var eps = (await _client.GetAsync<V1Endpoints>("echo"))!;
        Assert.Contains(eps.Subsets.SelectMany(s => s.NotReadyAddresses ?? []), a => a.TargetRef.Name == victim.PodName);

        // Liveness: the container is restarted (restartCount 1) and an Unhealthy event recorded.
        await Engine.RunAsync("exec", victim.Id, "touch", "/www/dead");
        var restarted = await Eventually.Until(() => _client.GetAsync<V1Pod>(victim.PodName),
            p => p?.Status?.ContainerStatuses?[0].RestartCount >= 1, TimeSpan.FromSeconds(30), "a liveness restart");
        var events = await _client.ListAsync<Corev1Event>(fieldSelector: $"involvedObject.name={victim.PodName}");
        Assert.Contains(events, e => e.Reason == "Unhealthy" && e.Message.StartsWith("Liveness probe failed"));
        Assert.Contains(events, e => e.Reason == "Killing");
        // The new container has a fresh /healthz: ready again, back in the endpoints.
        await Eventually.Until(ReadyEndpoints, n => n == 2, TimeSpan.FromSeconds(30), "the restarted pod back in the endpoints");
    }

    [Fact]
    public async Task PodsGetServiceEnvironmentVariables()
    {
        var svc = await NodePortService();
        await _client.CreateAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "client", NamespaceProperty = "default" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox:latest", Command = ["sh", "-c", "echo $ECHO_SERVICE_HOST:$ECHO_SERVICE_PORT $ECHO_PORT; sleep 3600"] }] },
        });
        var logs = await Eventually.Until(async () => { try { return await _client.LogsAsync("default", "client"); } catch { return ""; } },
            l => l.Contains(':'), TimeSpan.FromSeconds(30), "the log line");
        Assert.Equal($"{svc.Spec.ClusterIP}:80 tcp://{svc.Spec.ClusterIP}:80", logs.Trim());
    }
}
