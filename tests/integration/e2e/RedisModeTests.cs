using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>With --redis, clustering, grain state and reminders live in a real Redis: objects survive kill -9 of the silo.</summary>
public sealed class RedisModeTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly RedisServer _redis = new();
    SiloProcess _silo = null!;

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        _silo = new SiloProcess("redis-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated", "--redis", _redis.Address);
        await _silo.StartAsync();
    }

    public async Task DisposeAsync() { output.WriteLine(_silo.Log); await _silo.DisposeAsync(); await _redis.DisposeAsync(); }

    [Fact]
    public async Task ObjectsLiveInRedisAndSurviveASiloKill()
    {
        var d = Unit.TestObjects.Deployment("web", replicas: 3);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        List<string> uids;
        await using (var client = await ClusterClient.ConnectAsync(_silo.Gateway))
        {
            await client.CreateAsync(d);
            var pods = await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 3 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "3 running pods");
            uids = pods.Select(p => p.Metadata.Uid).Order().ToList();
        }
        var keys = await _redis.CliAsync("--scan", "--pattern", "cluster/object/Deployment/default/*");
        Assert.Contains("cluster/object/Deployment/default/web", keys);
        var stored = await _redis.CliAsync("HGET", "cluster/object/Deployment/default/web", "data");
        Assert.Contains("nginx:latest", stored);

        _silo.Kill();
        await _silo.StartAsync();
        await using (var client = await ClusterClient.ConnectAsync(_silo.Gateway))
        {
            var dep = await client.GetAsync<V1Deployment>("web");
            Assert.NotNull(dep);
            var pods = await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 3, TimeSpan.FromSeconds(30), "3 pods after restart");
            Assert.Equal(uids, pods.Select(p => p.Metadata.Uid).Order().ToList());
            await client.ScaleAsync(Cluster.Interfaces.Api.Kinds.Deployment, "default", "web", 4);
            await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 4 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "4 running pods");
        }
    }

    [Fact]
    public async Task RedisDownForFiveSecondsThenBack()
    {
        await using var client = await ClusterClient.ConnectAsync(_silo.Gateway);
        var d = Unit.TestObjects.Deployment("web", replicas: 2);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        await client.CreateAsync(d);
        await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 2 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "2 running pods");

        await _redis.StopAsync();
        var acknowledged = new List<string>();
        var refused = new List<string>();
        var outage = DateTime.UtcNow;
        for (var i = 0; DateTime.UtcNow - outage < TimeSpan.FromSeconds(5); i++)
        {
            var name = $"during-{i}";
            try
            {
                await client.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["k"] = "v" } });
                acknowledged.Add(name);
            }
            catch (Cluster.Interfaces.Api.ClusterApiException e)
            {
                // A clear, retryable refusal: 503 naming storage, or 504.
                Assert.True(e.Code is 503 or 504, $"unexpected {e.Code}: {e.Message}");
                Assert.Contains("retry", e.Message);
                refused.Add(name);
            }
            catch (TimeoutException) { refused.Add(name); }
            await Task.Delay(250);
        }
        await _redis.StartAsync();
        output.WriteLine($"during the outage: {acknowledged.Count} writes acknowledged, {refused.Count} refused");
        Assert.NotEmpty(refused);

        // Back: writes work, nothing acknowledged was lost, and the deployment still reconciles.
        await Eventually.Until(async () =>
        {
            try { await client.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after", NamespaceProperty = "default" } }); return true; }
            catch (Exception) { return false; }
        }, ok => ok, TimeSpan.FromSeconds(30), "writes to work again");
        foreach (var name in acknowledged) Assert.NotNull(await client.GetAsync<V1ConfigMap>(name));
        await client.ScaleAsync(Cluster.Interfaces.Api.Kinds.Deployment, "default", "web", 3);
        await Eventually.Until(() => client.ListAsync<V1Pod>(), p => p.Count == 3 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "3 running pods after the outage");
    }

    [Fact]
    public async Task AWriteWhoseReplyTimesOutButLandedStandsAndTheObjectStaysWritable()
    {
        await using var client = await ClusterClient.ConnectAsync(_silo.Gateway);
        var cm = await client.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "slow", NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["k"] = "v0" } });

        // Redis holds every write for 7 s, then performs it: the silo hears of a timeout after 5 s (StackExchange.Redis'
        // default), and the write lands after. The grain reads the record back: the write stands.
        Assert.Equal("OK", (await _redis.CliAsync("CLIENT", "PAUSE", "7000", "WRITE")).Trim());
        var sw = System.Diagnostics.Stopwatch.StartNew();
        cm.Data["k"] = "v1";
        var updated = await client.UpdateAsync(cm);
        output.WriteLine($"the update returned after {sw.Elapsed.TotalSeconds:0.0} s");
        Assert.True(sw.Elapsed > TimeSpan.FromSeconds(4.5), $"the write returned after {sw.Elapsed.TotalSeconds:0.0} s, before Redis was writable again");
        Assert.Equal("v1", updated.Data["k"]);
        // (The silo's console log reaches the test through a pipe, moments after the reply.)
        await Eventually.Until(() => Task.FromResult(_silo.Log), log => log.Contains("the store holds the write"), TimeSpan.FromSeconds(5), "the read-back log line");

        // The next write is not refused as a version conflict (the grain's etag was renewed), and Redis holds it.
        updated.Data["k"] = "v2";
        await client.UpdateAsync(updated);
        Assert.Equal("v2", (await client.GetAsync<V1ConfigMap>("slow"))!.Data["k"]);
        Assert.Contains("\"v2\"", await _redis.CliAsync("HGET", "cluster/object/ConfigMap/default/slow", "data"));
    }
}
