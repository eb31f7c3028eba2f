using System.Net.Http.Headers;
using System.Text;
using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// OpenTelemetry across the cluster: two silos (Redis) export over OTLP, configured only by the standard OTEL_*
/// variables, to a collector held in memory by the test. One apply through the HTTP API is followed, under the
/// trace id of the request's traceparent, through the API, the controllers, the scheduler and the agents of both
/// nodes; the cluster's metrics arrive too, and log records carry trace ids.
/// </summary>
[Collection("docker")]
public sealed class TracingTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly RedisServer _redis = new();
    readonly OtlpReceiver _otlp = new();
    SiloProcess _a = null!, _b = null!;

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        await _otlp.StartAsync();
        var cluster = "tr" + Guid.NewGuid().ToString("N")[..6];
        _a = new SiloProcess(cluster + "-a", "--redis", _redis.Address, "--cluster-id", cluster);
        _b = new SiloProcess(cluster + "-b", "--redis", _redis.Address, "--cluster-id", cluster);
        foreach (var s in new[] { _a, _b })
        {
            foreach (var (k, v) in _otlp.Variables) s.Environment[k] = v;
            // The agents' line for each container start is Debug (the Started Event records it); an operator turns it on
            // like this, and then it carries the trace id.
            s.Environment["Logging__LogLevel__NodeAgent"] = "Debug"; // the agents' categories are NodeAgent.{node}
        }
        await _a.StartAsync();
        await _b.StartAsync();
    }

    public async Task DisposeAsync()
    {
        output.WriteLine("--- silo a\n" + _a.Log + "\n--- silo b\n" + _b.Log);
        await _a.DisposeAsync(); await _b.DisposeAsync(); await _otlp.DisposeAsync(); await _redis.DisposeAsync();
    }

    const string CallerSpan = "00f067aa0ba902b7";

    /// <summary>Every span hangs off another span of the same trace, back to the caller's traceparent.</summary>
    static bool Connected(IReadOnlyList<OtlpReceiver.Span> t)
    {
        var ids = t.Select(s => s.SpanId).ToHashSet();
        return t.All(s => ids.Contains(s.ParentSpanId) || s.ParentSpanId == CallerSpan);
    }

    [Fact]
    public async Task OneApplyIsOneTraceFromTheApiThroughSchedulingToContainerStartsOnBothNodes()
    {
        var cluster = _a.NodeName[..^2];
        await using var client = await ClusterClient.ConnectAsync(_a.Gateway, clusterId: cluster);
        await Eventually.Until(() => client.ListAsync<V1Node>(null), n => n.Count == 2 && n.All(x => x.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true), TimeSpan.FromSeconds(30), "2 ready nodes");

        var traceId = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        var d = Unit.TestObjects.Deployment("traced", replicas: 2);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{_a.ApiPort}/apis/apps/v1/namespaces/default/deployments")
        {
            Content = new StringContent(k8s.KubernetesJson.Serialize(d), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{CallerSpan}-01");
        var response = await http.SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);
        await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 2 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(60), "2 running pods");

        bool Has(IReadOnlyList<OtlpReceiver.Span> t, string name, string? instance = null) => t.Any(s => s.Name == name && (instance == null || s.Instance == instance));
        var trace = await Eventually.Until(() => Task.FromResult(_otlp.Spans.Where(s => s.TraceId == traceId).ToList()),
            t => Has(t, "POST deployments.apps", _a.NodeName) && Has(t, "schedule Pod") && Has(t, "start container", _a.NodeName) && Has(t, "start container", _b.NodeName)
                 && Connected(t),
            TimeSpan.FromSeconds(20), "the apply's spans from the API, the scheduler and both node agents");
        foreach (var s in trace) output.WriteLine($"{s.Instance,-12} {s.Name} ({s.SpanId} <- {s.ParentSpanId})");
        Assert.Contains(trace, s => s.Name == "reconcile Deployment");
        Assert.Contains(trace, s => s.Name == "reconcile ReplicaSet");
        Assert.Equal(2, trace.Count(s => s.Name == "schedule Pod"));
        Assert.All(trace, s => Assert.Equal("cluster-silo", s.Service));

        // Log records written inside the trace carry its id (the agents, at Debug, log each container start).
        await Eventually.Until(() => Task.FromResult(_otlp.LogTraceIds.Count(t => t == traceId)), n => n >= 2, TimeSpan.FromSeconds(20), "log records with the trace id");
        await Eventually.Until(() => Task.FromResult(_otlp.MetricNames),
            m => new[] { "cluster.reconcile.duration", "cluster.scheduling.latency", "cluster.container.start.duration", "cluster.pods", "cluster.workqueue.depth" }.All(m.Contains),
            TimeSpan.FromSeconds(20), "the cluster's metrics");
    }
}
