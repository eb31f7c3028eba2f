using Cluster.Client;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// The cluster's own Events, which the silo writes in batches straight to storage (EventSink): each is an object like
/// any other, listed with field selectors, streamed to a watcher in resourceVersion order, read, updated and deleted
/// through its grain, and still there after a restart.
/// </summary>
public abstract class EventsTests(ITestOutputHelper output) : IAsyncLifetime
{
    SiloProcess _silo = null!;
    ClusterClient _client = null!;
    protected abstract Task<SiloProcess> Silo();
    protected virtual Task Stopped() => Task.CompletedTask;
    public async Task InitializeAsync() { _silo = await Silo(); await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); }
    public async Task DisposeAsync() { await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); await Stopped(); }

    [Fact]
    public async Task BatchedEventsAreObjectsLikeAnyOther()
    {
        var (_, from) = await _client.ListJsonAsync(Kinds.Event, "default");
        var d = Unit.TestObjects.Deployment("ev", replicas: 12);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        await _client.CreateAsync(d);
        await Eventually.Until(() => _client.ListAsync<V1Pod>(), p => p.Count == 12 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(30), "12 running pods");

        // One Started event per pod (each from its node's agent), found by the field selectors kubectl describe uses.
        var started = await Eventually.Until(() => _client.ListAsync<Corev1Event>(fieldSelector: "reason=Started"), e => e.Count == 12, TimeSpan.FromSeconds(10), "12 Started events");
        var pods = (await _client.ListAsync<V1Pod>()).ToDictionary(p => p.Metadata.Name);
        Assert.Equal(pods.Keys.Order(), started.Select(e => e.InvolvedObject.Name).Order());
        Assert.All(started, e =>
        {
            Assert.Equal(pods[e.InvolvedObject.Name].Metadata.Uid, e.InvolvedObject.Uid);
            Assert.False(string.IsNullOrEmpty(e.Metadata.Uid));
            Assert.NotNull(e.Metadata.CreationTimestamp);
        });
        Assert.Equal(12, started.Select(e => long.Parse(e.Metadata.ResourceVersion)).Distinct().Count());
        // The scheduler's, one per pod: naming the pod (uid, namespace) at the resourceVersion its bind wrote.
        var scheduled = await _client.ListAsync<Corev1Event>(fieldSelector: "reason=Scheduled");
        Assert.Equal(pods.Keys.Order(), scheduled.Select(e => e.InvolvedObject.Name).Order());
        Assert.All(scheduled, e =>
        {
            var pod = pods[e.InvolvedObject.Name];
            Assert.Equal((pod.Metadata.Uid, "default", "Pod", "v1"), (e.InvolvedObject.Uid, e.InvolvedObject.NamespaceProperty, e.InvolvedObject.Kind, e.InvolvedObject.ApiVersion));
            Assert.InRange(long.Parse(e.InvolvedObject.ResourceVersion), 1, long.Parse(pod.Metadata.ResourceVersion) - 1);
            Assert.Equal($"Successfully assigned default/{pod.Metadata.Name} to {pod.Spec.NodeName}", e.Message);
        });
        var one = started[0].InvolvedObject.Name;
        Assert.Single(await _client.ListAsync<Corev1Event>(fieldSelector: $"involvedObject.name={one},reason=Started"));
        // The ReplicaSet's SuccessfulCreate events (25 at most per object: the spam filter).
        var created = await _client.ListAsync<Corev1Event>(fieldSelector: "reason=SuccessfulCreate,involvedObject.kind=ReplicaSet");
        Assert.Equal(12, created.Count);

        // A watcher from before the Deployment sees every event as ADDED, in resourceVersion order.
        var w = await _client.Grains.Index("Event", "default").Watch(new WatchRequest(from, null, "reason=Started", TimeSpan.FromSeconds(2)));
        Assert.False(w.Gone);
        Assert.Equal(12, w.Events.Count);
        Assert.All(w.Events, e => Assert.Equal(WatchTypes.Added, e.Type));
        Assert.True(w.Events.Zip(w.Events.Skip(1)).All(p => p.First.ResourceVersion < p.Second.ResourceVersion));

        // Read, updated and deleted through its grain, which loads what the sink stored.
        var name = started[0].Metadata.Name;
        var got = (await _client.GetAsync<Corev1Event>(name))!;
        Assert.Equal(started[0].Metadata.ResourceVersion, got.Metadata.ResourceVersion);
        got.Message = "changed";
        var updated = await _client.UpdateAsync(got);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion) > long.Parse(got.Metadata.ResourceVersion));
        await _client.DeleteAsync<Corev1Event>(started[1].Metadata.Name);
        Assert.Null(await _client.GetAsync<Corev1Event>(started[1].Metadata.Name));

        // Stored: after a restart the index lists them from storage.
        await _silo.StopAsync();
        await _silo.StartAsync();
        await using var fresh = await ClusterClient.ConnectAsync(_silo.Gateway);
        // (The simulated containers did not survive it, so their agents start them again, with Started events of their own.)
        var after = (await fresh.ListAsync<Corev1Event>(fieldSelector: "reason=Started")).ToDictionary(e => e.Metadata.Name);
        Assert.All(started.Where(e => e.Metadata.Name != started[1].Metadata.Name), e => Assert.Contains(e.Metadata.Name, after.Keys));
        Assert.DoesNotContain(started[1].Metadata.Name, after.Keys);
        Assert.Equal("changed", after[name].Message);
    }
}

public sealed class EmbeddedStoreEventsTests(ITestOutputHelper output) : EventsTests(output)
{
    protected override Task<SiloProcess> Silo() =>
        Task.FromResult(new SiloProcess("events-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated", "--simulated-nodes", "2"));
}

/// <summary>The same against Redis, whose storage checks etags its own way (a record written without one must be new).</summary>
public sealed class RedisEventsTests(ITestOutputHelper output) : EventsTests(output)
{
    readonly RedisServer _redis = new();
    protected override async Task<SiloProcess> Silo()
    {
        await _redis.StartAsync();
        return new SiloProcess("events-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated", "--simulated-nodes", "2", "--redis", _redis.Address);
    }
    protected override async Task Stopped() => await _redis.DisposeAsync();
}
