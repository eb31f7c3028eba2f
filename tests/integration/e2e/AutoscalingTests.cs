using System.Net;
using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// HorizontalPodAutoscalers on the real engine: one on the request rate through a Service (the service proxy's
/// count) scales a Deployment up under load and back down after its stabilization window; one on CPU (the
/// engine's stats against requests) scales up a busy Deployment. kubectl shows TARGETS.
/// </summary>
[Collection("docker")]
public sealed class AutoscalingTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("hpa-" + Guid.NewGuid().ToString("N")[..6]);
    ClusterClient _client = null!;
    Support.Kubectl _kubectl = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); _kubectl = new Support.Kubectl(_silo.ApiPort); }
    public async Task DisposeAsync() { _kubectl.Dispose(); await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    async Task Apply(string yaml)
    {
        var r = await _kubectl.ApplyAsync(yaml);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    async Task<int> Replicas(string name) => (await _client.GetAsync<V1Deployment>(name))!.Spec.Replicas ?? 1;

    [Fact]
    public async Task RequestRateThroughAServiceScalesUpUnderLoadAndDownAfterTheWindow()
    {
        await Apply("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - {name: web, image: nginx:latest, ports: [{containerPort: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              type: NodePort
              selector: {app: web}
              ports: [{port: 80, targetPort: 80}]
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              minReplicas: 1
              maxReplicas: 3
              metrics:
              - type: Object
                object:
                  describedObject: {apiVersion: v1, kind: Service, name: web}
                  metric: {name: requests-per-second}
                  target: {type: AverageValue, averageValue: "2"}
              behavior:
                scaleDown:
                  stabilizationWindowSeconds: 5
                  policies: [{type: Percent, value: 100, periodSeconds: 1}]
            """);
        await Eventually.Until(() => _client.ListAsync<V1Pod>(), p => p.Count(x => x.Status?.Phase == "Running") == 1, TimeSpan.FromSeconds(30), "one running pod");
        var nodePort = (await _client.GetAsync<V1Service>("web"))!.Spec.Ports[0].NodePort!.Value;

        // Load: a new connection per request (the proxy counts connections), 20 per second, bounded in count and time.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var sent = 0;
        var load = Task.Run(async () =>
        {
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(2) };
            while (!cts.IsCancellationRequested && sent < 1200)
            {
                try
                {
                    using var req = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{nodePort}/") { Version = HttpVersion.Version11 };
                    req.Headers.ConnectionClose = true;
                    using var _ = await http.SendAsync(req, cts.Token);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                Interlocked.Increment(ref sent);
                try { await Task.Delay(50, cts.Token); } catch (OperationCanceledException) { }
            }
        });
        var up = DateTime.UtcNow;
        await Eventually.Until(() => Replicas("web"), n => n == 3, TimeSpan.FromSeconds(45), "the autoscaler to scale web up to 3", TimeSpan.FromSeconds(1));
        output.WriteLine($"scaled to 3 {(DateTime.UtcNow - up).TotalSeconds:0} s after the load began");
        var get = await _kubectl.RunAsync("get", "hpa", "web");
        output.WriteLine(get.Out);
        Assert.Matches(@"web\s+Deployment/web\s+\d+m?/2 \(avg\)\s+1\s+3\s+\d", get.Out);
        cts.Cancel();
        await load;
        output.WriteLine($"{sent} requests sent");

        var down = DateTime.UtcNow;
        await Eventually.Until(() => Replicas("web"), n => n == 1, TimeSpan.FromSeconds(60), "the autoscaler to scale web back down to 1", TimeSpan.FromSeconds(1));
        output.WriteLine($"scaled back to 1 {(DateTime.UtcNow - down).TotalSeconds:0} s after the load stopped");
        await Eventually.Until(() => _client.ListAsync<Corev1Event>(),
            events => events.Any(e => e.Reason == "SuccessfulRescale" && e.Message.StartsWith("New size: 3; reason: requests-per-second metric on Service/web above target")),
            TimeSpan.FromSeconds(10), "the SuccessfulRescale event");
    }

    [Fact]
    public async Task CpuAboveTheTargetScalesUp()
    {
        await Apply("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: busy}
            spec:
              replicas: 1
              selector: {matchLabels: {app: busy}}
              template:
                metadata: {labels: {app: busy}}
                spec:
                  containers:
                  - name: busy
                    image: busybox:latest
                    command: ["sh", "-c", "while :; do :; done"]
                    resources:
                      requests: {cpu: 100m}
                      limits: {cpu: 200m}
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: busy}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: busy}
              minReplicas: 1
              maxReplicas: 2
              metrics:
              - type: Resource
                resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
            """);
        await Eventually.Until(() => Replicas("busy"), n => n == 2, TimeSpan.FromSeconds(60), "the autoscaler to scale busy up to 2 on CPU", TimeSpan.FromSeconds(1));
        var hpa = await Eventually.Until(() => _client.GetAsync<V2HorizontalPodAutoscaler>("busy"), h => h!.Status?.CurrentMetrics?.FirstOrDefault()?.Resource?.Current?.AverageUtilization > 50, TimeSpan.FromSeconds(20), "the CPU utilization in status");
        output.WriteLine($"cpu utilization {hpa!.Status.CurrentMetrics[0].Resource.Current.AverageUtilization}% of requests");
        var get = await _kubectl.RunAsync("get", "hpa", "busy");
        output.WriteLine(get.Out);
        Assert.Matches(@"busy\s+Deployment/busy\s+cpu: \d+%/50%\s+1\s+2\s+\d", get.Out);
        // Stop burning CPU.
        await _kubectl.RunAsync("delete", "hpa", "busy");
        await _kubectl.RunAsync("scale", "deployment", "busy", "--replicas=0");
    }
}
