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
                            Command = ["sh", "-c", "mkdir -p /www/blue /www/green && echo $POD_NAME | tee /www/index.html /www/blue/index.html /www/green/index.html >/dev/null && exec httpd -f -p 80 -h /www"],
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
        // The proxy counts what it forwarded per Service (the same figures go out as OpenTelemetry metrics).
        var metrics = System.Text.Json.Nodes.JsonNode.Parse(await _http.GetStringAsync($"http://127.0.0.1:{_silo.ApiPort}/metrics/services"))!;
        var echoStats = metrics["default/echo:80"]!;
        Assert.True((long)echoStats["connections"]! >= 300);
        Assert.True((long)echoStats["bytes"]! > 300 * 20);
        Assert.True((double)echoStats["requestsPerSecond"]! > 0);
        Assert.Equal(0, (long)echoStats["errors"]!);
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
        // (Events are written from a queue, moments after they are recorded.)
        await Eventually.Until(() => _client.ListAsync<Corev1Event>(fieldSelector: $"involvedObject.name={victim.PodName}"),
            events => events.Any(e => e.Reason == "Unhealthy" && e.Message.StartsWith("Liveness probe failed")) && events.Any(e => e.Reason == "Killing"),
            TimeSpan.FromSeconds(10), "the Unhealthy and Killing events");
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

    [Fact]
    public async Task KillingAContainerUnderSteadyLoadLosesAlmostNothing()
    {
        await _client.CreateAsync(Echo(3));
        var port = (await NodePortService()).Spec.Ports[0].NodePort!.Value;
        await Eventually.Until(ReadyEndpoints, n => n == 3, TimeSpan.FromSeconds(60), "3 ready endpoints");
        await Eventually.Until(async () => { try { return await Get(port); } catch { return ""; } }, s => s.StartsWith("echo-"), TimeSpan.FromSeconds(10), "the proxy to answer");

        // 50 requests/s for 20 s; the container of one pod is killed after 5 s.
        var ok = 0; var failed = 0;
        var start = DateTime.UtcNow;
        var victim = (await Engine.ListAsync(_silo.NodeName)).First();
        var killed = false;
        var requests = new List<Task>();
        for (var i = 0; i < 1000; i++)
        {
            var due = start.AddMilliseconds(i * 20);
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            if (!killed && DateTime.UtcNow - start > TimeSpan.FromSeconds(5)) { killed = true; _ = Engine.RunAsync("kill", victim.Id); }
            requests.Add(Task.Run(async () =>
            {
                try { if ((await Get(port)).StartsWith("echo-")) Interlocked.Increment(ref ok); else Interlocked.Increment(ref failed); }
                catch { Interlocked.Increment(ref failed); }
            }));
        }
        await Task.WhenAll(requests);
        output.WriteLine($"{ok} ok, {failed} failed of 1000 while {victim.PodName}'s container was killed and restarted");
        Assert.True(killed);
        Assert.True(failed < 10, $"{failed} of 1000 requests failed");
        var pod = await Eventually.Until(() => _client.GetAsync<V1Pod>(victim.PodName), p => p?.Status?.ContainerStatuses?[0].RestartCount >= 1, TimeSpan.FromSeconds(20), "the restart");
        Assert.NotNull(pod);
    }

    [Fact]
    public async Task TheBriefsServiceBecomesALoadBalancerAndKeepsServing()
    {
        await _client.CreateAsync(Echo(2));
        var manifest = (string f) => Cluster.Client.Manifests.Parse(File.ReadAllText(Path.Combine(Unit.Client.RepoPaths.Shared, "examples", f)), f).Single();
        // The brief's Service selects app=nginx; point our echo pods' label at it through a second deployment label is not needed:
        // apply it, then check it serves the pods it selects (none here) and our echo service's flow below.
        await _client.ApplyAsync(manifest("my-service.yaml"));
        var clusterIp = (await _client.GetAsync<V1Service>("my-service"))!.Spec.ClusterIP;
        await _client.ApplyAsync(manifest("my-service-lb.yaml"));
        var lb = await Eventually.Until(() => _client.GetAsync<V1Service>("my-service"),
            s => s?.Status?.LoadBalancer?.Ingress?.Count > 0 && s.Spec.Ports[0].NodePort > 0, TimeSpan.FromSeconds(10), "an external IP and a node port");
        Assert.Equal(clusterIp, lb!.Spec.ClusterIP);               // same service, same IP
        Assert.Equal("127.0.0.1", lb.Status.LoadBalancer.Ingress[0].Ip);
        var get = await CliRunner.RunAsync(_silo.Gateway, "get", "service", "my-service");
        Assert.Matches(@"my-service\s+LoadBalancer\s+127\.\S+\s+127\.0\.0\.1\s+80:3\d{4}/TCP", get.Out);

        // Serving through the change: an echo service switched from ClusterIP to LoadBalancer answers on both.
        var echo = await _client.CreateAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "echo", NamespaceProperty = "default" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "echo" }, Ports = [new V1ServicePort { Port = 80, TargetPort = 80 }] },
        });
        await Eventually.Until(ReadyEndpoints, n => n == 2, TimeSpan.FromSeconds(60), "2 ready endpoints");
        await Eventually.Until(async () => { try { return (await _http.GetStringAsync($"http://{echo.Spec.ClusterIP}/")).Trim(); } catch { return ""; } }, s => s.StartsWith("echo-"), TimeSpan.FromSeconds(10), "the cluster IP to answer");
        echo = (await _client.GetAsync<V1Service>("echo"))!;
        echo.Spec.Type = "LoadBalancer";
        await _client.UpdateAsync(echo);
        var switched = await Eventually.Until(() => _client.GetAsync<V1Service>("echo"), s => s?.Spec.Ports[0].NodePort > 0 && s.Status?.LoadBalancer?.Ingress?.Count > 0, TimeSpan.FromSeconds(10), "node port");
        Assert.StartsWith("echo-", (await _http.GetStringAsync($"http://{switched!.Spec.ClusterIP}/")).Trim());
        await Eventually.Until(async () => { try { return await Get(switched.Spec.Ports[0].NodePort!.Value); } catch { return ""; } }, s => s.StartsWith("echo-"), TimeSpan.FromSeconds(10), "the node port to answer");
    }

    [Fact]
    public async Task AnIngressRoutesHostsAndPathsToServices()
    {
        // Two deployments and services that answer with their pod names.
        foreach (var app in new[] { "blue", "green" })
        {
            var d = Echo(1);
            d.Metadata.Name = app;
            d.Spec.Selector.MatchLabels["app"] = app;
            d.Spec.Template.Metadata.Labels["app"] = app;
            await _client.CreateAsync(d);
            await _client.CreateAsync(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = app, NamespaceProperty = "default" },
                Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = app }, Ports = [new V1ServicePort { Name = "http", Port = 8000, TargetPort = 80 }] },
            });
        }
        V1IngressBackend To(string svc) => new() { Service = new V1IngressServiceBackend { Name = svc, Port = new V1ServiceBackendPort { Name = "http" } } };
        await _client.CreateAsync(new V1Ingress
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Spec = new V1IngressSpec
            {
                DefaultBackend = To("green"),
                Rules =
                [
                    new V1IngressRule { Host = "blue.example", Http = new V1HTTPIngressRuleValue { Paths = [new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = To("blue") }] } },
                    new V1IngressRule
                    {
                        Host = "shop.example",
                        Http = new V1HTTPIngressRuleValue { Paths =
                        [
                            new V1HTTPIngressPath { Path = "/blue", PathType = "Prefix", Backend = To("blue") },
                            new V1HTTPIngressPath { Path = "/green/index.html", PathType = "Exact", Backend = To("green") },
                        ] },
                    },
                ],
            },
        });
        async Task<string> Via(string host, string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_silo.IngressPort}{path}");
            request.Headers.Host = host;
            using var r = await _http.SendAsync(request);
            return r.IsSuccessStatusCode ? (await r.Content.ReadAsStringAsync()).Trim() : $"HTTP {(int)r.StatusCode}";
        }
        // Each backend answers once its pod is ready; until then the proxy says 502.
        await Eventually.Until(() => Via("blue.example", "/"), s => s.StartsWith("blue-"), TimeSpan.FromSeconds(60), "blue.example to reach blue");
        await Eventually.Until(() => Via("shop.example", "/green/index.html"), s => s.StartsWith("green-"), TimeSpan.FromSeconds(60), "the exact path to reach green");
        Assert.StartsWith("blue-", await Via("shop.example", "/blue/index.html"));
        Assert.StartsWith("green-", await Via("other.example", "/"));          // the default backend
        var table = await CliRunner.RunAsync(_silo.Gateway, "get", "ingress");
        Assert.Matches(@"web\s+<none>\s+blue.example,shop.example\s+127.0.0.1\s+80\s+\d+s", table.Out);
    }
}
