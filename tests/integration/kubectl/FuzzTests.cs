using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Tests.Integration.Support;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.Kubectl;

/// <summary>
/// Fuzzing the HTTP API: 10,000 mutated manifests and patches (malformed JSON and YAML, deep nesting, huge strings,
/// wrong types, invalid quantities and names, bad patch operations), from fixed seeds so a failure replays. No
/// request may crash the silo or get a 5xx; every refusal is a 4xx with a Status body; and the store holds exactly
/// the objects whose creation was acknowledged (nothing a refused request sent).
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("fuzz-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated", "--rate-limit", "0");
    HttpClient _http = null!;
    public async Task InitializeAsync()
    {
        await _silo.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_silo.ApiPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }
    public async Task DisposeAsync() { _http.Dispose(); output.WriteLine(string.Join("\n", _silo.Log.Split("\n").Where(l => l.Contains("fail:")).Select(l => l.Contains("application. ") ? l[(l.IndexOf("application. ") + 13)..] : l).Select(l => l.Length > 600 ? l[..600] : l).Distinct().Take(30))); await _silo.DisposeAsync(); }

    static readonly (string Path, string Kind, string Json)[] Seeds =
    [
        ("/api/v1/namespaces/default/configmaps", "configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"N","labels":{"a":"b"}},"data":{"k":"v"}}"""),
        ("/api/v1/namespaces/default/secrets", "secrets", """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"N"},"stringData":{"p":"x"}}"""),
        ("/api/v1/namespaces/default/pods", "pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"N"},"spec":{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80}],"resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}]}}"""),
        ("/api/v1/namespaces/default/services", "services", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"N"},"spec":{"selector":{"app":"a"},"ports":[{"port":80,"targetPort":8080}]}}"""),
        ("/apis/apps/v1/namespaces/default/deployments", "deployments", """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"N"},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}"""),
        ("/apis/batch/v1/namespaces/default/jobs", "jobs", """{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"N"},"spec":{"suspend":true,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}"""),
        ("/apis/apps/v1/namespaces/default/statefulsets", "statefulsets", """{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"N"},"spec":{"replicas":0,"serviceName":"s","selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}"""),
        ("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", "horizontalpodautoscalers", """{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"N"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"x","apiVersion":"apps/v1"},"maxReplicas":3}}"""),
    ];

    static readonly JsonNode?[] Odd = [null, 0, -1, 1e308, true, "", "x", new string('z', 100_000), "-12Gi", "1.5.5", "!!", "Bad_Name", new JsonArray(), new JsonObject(), new JsonArray(1, "a", null), "\u0000\ud800", "999999999999999999999999"];

    /// <summary>One mutation of a seed: each a different way for a client to be wrong.</summary>
    static (string Body, string ContentType) Mutate(Random r, string seed, string name)
    {
        var node = JsonNode.Parse(seed.Replace("\"N\"", $"\"{name}\""))!;
        switch (r.Next(12))
        {
            case 0: // truncated JSON
                var text = node.ToJsonString();
                return (text[..r.Next(1, text.Length)], "application/json");
            case 1: // random bytes
                var bytes = new byte[r.Next(1, 300)]; r.NextBytes(bytes);
                return (Encoding.Latin1.GetString(bytes), "application/json");
            case 2: // deep nesting
                var depth = r.Next(50, 3000);
                return (node.ToJsonString().TrimEnd('}') + ",\"deep\":" + new string('[', depth) + new string(']', depth) + "}", "application/json");
            case 3: // malformed YAML
                return ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "\n  data: [\n\t- :", "application/yaml");
            default: // structurally valid JSON with wrong values at random places
                for (var i = r.Next(1, 4); i > 0; i--) Poke(r, node);
                return (node.ToJsonString(), "application/json");
        }
    }

    static void Poke(Random r, JsonNode root)
    {
        // Walk to a random container and replace, remove or add something there.
        var at = root;
        for (var steps = r.Next(0, 6); steps > 0; steps--)
        {
            var children = at switch { JsonObject o => o.Select(kv => kv.Value).Where(v => v is JsonObject or JsonArray).ToList(), JsonArray a => a.Where(v => v is JsonObject or JsonArray).ToList(), _ => [] };
            if (children.Count == 0) break;
            at = children[r.Next(children.Count)]!;
        }
        var value = Odd[r.Next(Odd.Length)]?.DeepClone();
        switch (at)
        {
            case JsonObject o when o.Count > 0 && r.Next(3) == 0: o.Remove(o.ElementAt(r.Next(o.Count)).Key); break;
            case JsonObject o when o.Count > 0: o[o.ElementAt(r.Next(o.Count)).Key] = value; break;
            case JsonObject o: o["extra"] = value; break;
            case JsonArray a when a.Count > 0: a[r.Next(a.Count)] = value; break;
            case JsonArray a: a.Add(value); break;
        }
    }

    static (string Body, string ContentType) Patch(Random r) => r.Next(6) switch
    {
        0 => ("""[{"op":"replace","path":"/spec/replicas","value":"many"}]""", "application/json-patch+json"),
        1 => ("""[{"op":"explode","path":"/data"}]""", "application/json-patch+json"),
        2 => ("""{"metadata":{"name":"renamed"}}""", "application/merge-patch+json"),
        3 => ("""{"data":{"k":123},"metadata":{"labels":{"bad key!":"v"}}}""", "application/strategic-merge-patch+json"),
        4 => ("""{"$patch":"explode","data":null}""", "application/strategic-merge-patch+json"),
        _ => ("{" + new string('[', 5000), "application/merge-patch+json"),
    };

    [Fact]
    public async Task TenThousandMutatedRequestsGetFourHundredsAndLeaveTheStoreAsAcknowledged()
    {
        const int Count = 10_000;
        var sw = Stopwatch.StartNew();
        var created = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var statusCounts = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        // The patch targets: one valid object of a few kinds.
        foreach (var (path, _, json) in Seeds.Take(1))
            Assert.Equal(HttpStatusCode.Created, (await _http.PostAsync(path, new StringContent(json.Replace("\"N\"", "\"target\""), Encoding.UTF8, "application/json"))).StatusCode);
        created["configmaps/target"] = "";

        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var r = new Random(i);
            HttpRequestMessage request;
            var name = $"f{i}";
            var seed = Seeds[r.Next(Seeds.Length)];
            if (r.Next(10) == 0)
            {
                var (body, type) = Patch(r);
                request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/target") { Content = new StringContent(body, Encoding.UTF8, type) };
            }
            else
            {
                var (body, type) = Mutate(r, seed.Json, name);
                request = new HttpRequestMessage(r.Next(8) == 0 ? HttpMethod.Put : HttpMethod.Post, r.Next(8) == 0 ? seed.Path + "/" + name : seed.Path)
                {
                    Content = new StringContent(body, Encoding.UTF8, type),
                };
            }
            using var response = await _http.SendAsync(request, ct);
            var code = (int)response.StatusCode;
            statusCounts.AddOrUpdate(code, 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (code >= 500) { failures.Enqueue($"#{i} {request.Method} {request.RequestUri}: {code} {text[..Math.Min(300, text.Length)]}"); return; }
            if (code is 200 or 201)
            {
                // The name the object was stored under (a mutation may have changed it to another valid name).
                if (request.Method != HttpMethod.Patch) created[$"{seed.Kind}/{(string?)JsonNode.Parse(text)?["metadata"]?["name"]}"] = "";
                return;
            }
            JsonNode? status = null;
            try { status = JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { }
            if ((string?)status?["kind"] != "Status" || (int?)status["code"] != code || code is < 400 or >= 500)
                failures.Enqueue($"#{i} {request.Method} {request.RequestUri}: {code} without a Status body: {text[..Math.Min(300, text.Length)]}");
        });
        sw.Stop();
        output.WriteLine($"{Count} requests in {sw.Elapsed.TotalSeconds:0.0} s; status codes: {string.Join(", ", statusCounts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}x{kv.Value}"))}");
        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers, first: {string.Join("\n", failures.Take(5))}");
        Assert.True(statusCounts.Keys.Any(c => c is >= 400 and < 500), "the mutations should be refused");

        // The store holds exactly what was acknowledged.
        foreach (var (path, kind, _) in Seeds)
        {
            var list = JsonNode.Parse(await _http.GetStringAsync(path))!;
            foreach (var item in list["items"]!.AsArray())
            {
                var n = (string)item!["metadata"]!["name"]!;
                if (item["metadata"]!["ownerReferences"] is JsonArray { Count: > 0 }) continue; // made by a controller of an acknowledged object
                Assert.True(created.ContainsKey($"{kind}/{n}"), $"{kind}/{n} is stored but its creation was refused");
            }
        }
        var target = JsonNode.Parse(await _http.GetStringAsync("/api/v1/namespaces/default/configmaps/target"))!;
        Assert.Equal("target", (string?)target["metadata"]!["name"]);
        Assert.True((await _http.GetAsync("/readyz")).IsSuccessStatusCode, "the silo should still be ready");
    }
}
