using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Tests.Integration.Support;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.Kubectl;

/// <summary>The REST protocol details kubectl and client-go rely on, checked over plain HTTP.</summary>
public sealed class HttpProtocolTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("http-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
    HttpClient _http = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_silo.ApiPort}") }; }
    public async Task DisposeAsync() { _http.Dispose(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    static StringContent Body(string json, string type = "application/json") => new(json, Encoding.UTF8, type);
    static string Cm(string name, string labels = "{}") => "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":" + labels + "},\"data\":{\"k\":\"v\"}}";
    async Task<(HttpStatusCode Code, JsonNode? Body)> Send(HttpMethod m, string url, HttpContent? content = null)
    {
        using var r = await _http.SendAsync(new HttpRequestMessage(m, url) { Content = content });
        var text = await r.Content.ReadAsStringAsync();
        return (r.StatusCode, text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) : null);
    }

    [Fact]
    public async Task ErrorsAreStatusObjectsWithKubernetesReasons()
    {
        var (code, body) = await Send(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/missing");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("Status", (string?)body!["kind"]);
        Assert.Equal("NotFound", (string?)body["reason"]);
        Assert.Equal("configmaps \"missing\" not found", (string?)body["message"]);

        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Body(Cm("a")))).Code);
        (code, body) = await Send(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Body(Cm("a")));
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("AlreadyExists", (string?)body!["reason"]);

        (code, body) = await Send(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/a", Body(Cm("a").Replace("\"name\":\"a\"", "\"name\":\"a\",\"resourceVersion\":\"1\"")));
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", (string?)body!["reason"]);

        (code, body) = await Send(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Body("{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        (code, body) = await Send(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Body(Cm("big").Replace("\"v\"", "\"" + new string('x', 3 * 1024 * 1024 + 10) + "\"")));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        Assert.Equal("RequestEntityTooLarge", (string?)body!["reason"]);
        (code, body) = await Send(HttpMethod.Post, "/api/v1/namespaces/default/configmaps/a/scale", Body("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, code);
        (code, body) = await Send(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/a", Body("{}", "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, code);
        (code, _) = await Send(HttpMethod.Get, "/apis/apps/v1/namespaces/default/gizmos");
        Assert.Equal(HttpStatusCode.NotFound, code);
    }

    [Fact]
    public async Task PagingWatchResumeBookmarksAndGone()
    {
        for (var i = 0; i < 5; i++) await Send(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Body(Cm($"c{i}", "{\"set\":\"x\"}")));
        var (_, page1) = await Send(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?labelSelector=set%3Dx&limit=2");
        Assert.Equal(2, page1!["items"]!.AsArray().Count);
        var cont = (string)page1["metadata"]!["continue"]!;
        Assert.Equal(3, (long)page1["metadata"]!["remainingItemCount"]!);
        var (_, page2) = await Send(HttpMethod.Get, $"/api/v1/namespaces/default/configmaps?labelSelector=set%3Dx&limit=2&continue={Uri.EscapeDataString(cont)}");
        Assert.Equal(["c2", "c3"], page2!["items"]!.AsArray().Select(x => (string)x!["metadata"]!["name"]!).ToArray());
        var rv = (string)page1["metadata"]!["resourceVersion"]!;

        // A watch from the list's version sees what happened since, in order, then stays open.
        await Send(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/c0");
        await Send(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/c1", Body("{\"data\":{\"k\":\"w\"}}", "application/merge-patch+json"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var stream = await _http.GetStreamAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&allowWatchBookmarks=true&timeoutSeconds=12", cts.Token);
        using var reader = new StreamReader(stream);
        var lines = new List<JsonNode>();
        while (lines.Count < 3 && await reader.ReadLineAsync(cts.Token) is { } line) lines.Add(JsonNode.Parse(line)!);
        Assert.Equal(["DELETED c0", "MODIFIED c1"], lines.Take(2).Select(l => $"{l["type"]} {l["object"]!["metadata"]!["name"]}").ToArray());
        Assert.Equal("BOOKMARK", (string?)lines[2]["type"]);

        // deletecollection with a selector.
        var (code, deleted) = await Send(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps?labelSelector=set%3Dx");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(4, deleted!["items"]!.AsArray().Count);

        // After a restart the change log is gone: an old version gets a 410 Expired ERROR event.
        await _silo.StopAsync();
        await _silo.StartAsync();
        using var again = await _http.GetStreamAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}");
        var gone = JsonNode.Parse((await new StreamReader(again).ReadLineAsync())!)!;
        Assert.Equal("ERROR", (string?)gone["type"]);
        Assert.Equal(410, (int)gone["object"]!["code"]!);
        Assert.Equal("Expired", (string?)gone["object"]!["reason"]);
    }

    [Fact]
    public async Task DeletePreconditionsOrphanAndDryRun()
    {
        var deploy = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"nginx:latest"}]}}}}""";
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments?dryRun=All", Body(deploy))).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/apis/apps/v1/namespaces/default/deployments/d")).Code);
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments", Body(deploy))).Code);
        await Eventually.Until(async () => (await Send(HttpMethod.Get, "/api/v1/namespaces/default/pods")).Body!["items"]!.AsArray().Count, n => n == 2, TimeSpan.FromSeconds(20), "2 pods");

        var (code, body) = await Send(HttpMethod.Delete, "/apis/apps/v1/namespaces/default/deployments/d", Body("""{"preconditions":{"uid":"not-the-uid"}}"""));
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Contains("Precondition failed", (string?)body!["message"]);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Delete, "/apis/apps/v1/namespaces/default/deployments/d", Body("""{"dryRun":["All"]}"""))).Code);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/apis/apps/v1/namespaces/default/deployments/d")).Code);

        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Delete, "/apis/apps/v1/namespaces/default/deployments/d", Body("""{"propagationPolicy":"Orphan"}"""))).Code);
        await Task.Delay(1500);
        var (_, rs) = await Send(HttpMethod.Get, "/apis/apps/v1/namespaces/default/replicasets");
        var orphan = Assert.Single(rs!["items"]!.AsArray());
        Assert.Null(orphan!["metadata"]!["ownerReferences"]);
        Assert.Equal(2, (await Send(HttpMethod.Get, "/api/v1/namespaces/default/pods")).Body!["items"]!.AsArray().Count);
    }
}
