using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Tests.Integration.Support;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.Kubectl;

/// <summary>The audit log records every mutating request (who, what, when, result) in Kubernetes' audit event
/// format; objects over 1.5 MiB are refused with 413, as etcd refuses them.</summary>
public sealed class AuditAndLimitsTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("audit-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
    Support.Kubectl _kubectl = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _kubectl = new Support.Kubectl(_silo.ApiPort); }
    public async Task DisposeAsync() { _kubectl.Dispose(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    [Fact]
    public async Task MutatingRequestsAreAuditedWithTheirResult()
    {
        Assert.Equal(0, (await _kubectl.RunAsync("create", "configmap", "audited", "--from-literal=k=v")).ExitCode);
        Assert.NotEqual(0, (await _kubectl.RunAsync("create", "configmap", "audited", "--from-literal=k=v")).ExitCode); // 409
        Assert.Equal(0, (await _kubectl.RunAsync("get", "configmap", "audited")).ExitCode); // reads are not audited
        Assert.Equal(0, (await _kubectl.RunAsync("delete", "configmap", "audited")).ExitCode);

        var file = Path.Combine(_silo.DataDir, "audit", "audit.log");
        var events = (await File.ReadAllLinesAsync(file)).Select(l => JsonNode.Parse(l)!).Where(e => (string?)e["objectRef"]?["resource"] == "configmaps").ToList();
        foreach (var e in events) output.WriteLine(e.ToJsonString());
        Assert.Equal(["create:201", "create:409", "delete:200"], events.Select(e => $"{e["verb"]}:{e["responseStatus"]!["code"]}").ToList());
        Assert.All(events, e =>
        {
            Assert.Equal("audit.k8s.io/v1", (string?)e["apiVersion"]);
            Assert.Equal("system:admin", (string?)e["user"]!["username"]); // the insecure local mode's user
            Assert.Equal("127.0.0.1", (string?)e["sourceIPs"]![0]);
            Assert.StartsWith("kubectl/", (string?)e["userAgent"]);
            Assert.Equal("default", (string?)e["objectRef"]!["namespace"]);
            Assert.True(DateTime.Parse((string)e["stageTimestamp"]!) >= DateTime.Parse((string)e["requestReceivedTimestamp"]!));
        });
        Assert.Equal("audited", (string?)events[2]["objectRef"]!["name"]);
    }

    [Fact]
    public async Task ObjectsOverOneAndAHalfMebibytesAreRefused()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_silo.ApiPort}") };
        string Cm(string name, int size) => "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"big\":\"" + new string('x', size) + "\"}}";
        var r = await http.PostAsync("/api/v1/namespaces/default/configmaps", new StringContent(Cm("big", 1_700_000), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        var status = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Contains("larger than 1.5 MiB", (string?)status["message"]);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/namespaces/default/configmaps/big")).StatusCode);
        // Just under the limit is fine.
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/api/v1/namespaces/default/configmaps", new StringContent(Cm("fits", 1_400_000), Encoding.UTF8, "application/json"))).StatusCode);
    }
}

/// <summary>Per-client rate limits: over its rate a client gets 429 with Retry-After and a Status body, and is
/// served again a moment later; health checks are never limited.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    readonly SiloProcess _silo = new("rate-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated", "--rate-limit", "20");
    public Task InitializeAsync() => _silo.StartAsync();
    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task AClientOverItsRateGets429WithRetryAfter()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_silo.ApiPort}") };
        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 120; i++)
        {
            var r = await http.GetAsync("/api/v1/namespaces/default/configmaps");
            codes.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests) limited ??= r;
        }
        Assert.Contains(HttpStatusCode.OK, codes);
        Assert.NotNull(limited);
        Assert.Equal("1", limited!.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
        var status = JsonNode.Parse(await limited.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("TooManyRequests", (string?)status["reason"]);
        Assert.Equal(429, (int?)status["code"]);
        Assert.True((await http.GetAsync("/healthz")).IsSuccessStatusCode);
        await Task.Delay(1100);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/namespaces/default/configmaps")).StatusCode);
    }
}

/// <summary>List and watch limits: a client may hold only so many watch streams; the next one gets 429 with a Status
/// body until one closes.</summary>
public sealed class ListWatchLimitTests : IAsyncLifetime
{
    readonly SiloProcess _silo = new("lw-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated", "--max-watches-per-client", "2");
    public Task InitializeAsync() => _silo.StartAsync();
    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task AClientGetsOnlySoManyWatches()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_silo.ApiUrl), Timeout = Timeout.InfiniteTimeSpan };
        async Task<HttpResponseMessage> Watch() =>
            await http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=30", HttpCompletionOption.ResponseHeadersRead);
        var first = await Watch();
        var second = await Watch();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var third = await Watch();
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("1", third.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
        var status = JsonNode.Parse(await third.Content.ReadAsStringAsync())!;
        Assert.Equal("TooManyRequests", (string?)status["reason"]);
        Assert.Contains("too many watches open by this client (at most 2)", (string?)status["message"]);
        // Lists are not watches; a closed watch frees its slot.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/namespaces/default/configmaps")).StatusCode);
        first.Dispose();
        await Eventually.Until(async () => { var r = await Watch(); var code = r.StatusCode; r.Dispose(); return code; }, c => c == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "a watch slot after one closed");
        second.Dispose();
    }
}
