using Cluster.Client;
using Cluster.Interfaces.Api;
using Cluster.Grains.Store;
using Cluster.Interfaces.Store;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>List and watch through the index grains: selectors, paging, events from a resourceVersion, 410 Gone after a restart.</summary>
public sealed class ListWatchTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("watch-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
    ClusterClient _client = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); }
    public async Task DisposeAsync() { await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    static V1ConfigMap Cm(string name, string tier) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["tier"] = tier } },
        Data = new Dictionary<string, string> { ["k"] = "v" },
    };

    [Fact]
    public async Task ListThenWatchFromItsVersionMissesNothing()
    {
        await _client.CreateAsync(Cm("a", "front"));
        var (items, rv) = await _client.ListJsonAsync(Kinds.ConfigMap, "default", "tier=front");
        Assert.Single(items);

        await _client.CreateAsync(Cm("b", "front"));
        await _client.CreateAsync(Cm("c", "back"));
        var b = (await _client.GetAsync<V1ConfigMap>("b"))!;
        b.Metadata.Labels["tier"] = "back";          // leaves the selector: a DELETED for this watcher
        await _client.UpdateAsync(b);
        await _client.DeleteAsync<V1ConfigMap>("a");

        var index = _client.Grains.Index("ConfigMap", "default");
        var w = await index.Watch(new WatchRequest(rv, "tier=front", null, TimeSpan.FromSeconds(2)));
        Assert.False(w.Gone);
        Assert.Equal(["ADDED b", "DELETED b", "DELETED a"], w.Events.Select(e => $"{e.Type} {KindOfName(e.Json)}").ToArray());
        Assert.True(w.Events.Zip(w.Events.Skip(1)).All(p => p.First.ResourceVersion < p.Second.ResourceVersion));

        // Nothing new: the long poll waits, then answers empty with the current version.
        var started = DateTime.UtcNow;
        var idle = await index.Watch(new WatchRequest(w.ResourceVersion, "tier=front", null, TimeSpan.FromMilliseconds(500)));
        Assert.Empty(idle.Events);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(400));

        // A change while waiting wakes the watcher.
        var waiting = index.Watch(new WatchRequest(idle.ResourceVersion, null, null, TimeSpan.FromSeconds(10)));
        await _client.CreateAsync(Cm("d", "front"));
        var woke = await waiting;
        Assert.Equal("d", KindOfName(Assert.Single(woke.Events).Json));

        // After a restart the change log is gone: an old version answers Gone (HTTP 410), and the SDK relists.
        await _silo.StopAsync();
        await _silo.StartAsync();
        await using var fresh = await ClusterClient.ConnectAsync(_silo.Gateway);
        var gone = await fresh.Grains.Index("ConfigMap", "default").Watch(new WatchRequest(rv, null, null, TimeSpan.FromSeconds(1)));
        Assert.True(gone.Gone);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        await foreach (var e in fresh.WatchAsync(Kinds.ConfigMap, "default", rv, ct: cts.Token))
        {
            seen.Add($"{e.Type} {KindOfName(e.Json)}");
            if (seen.Count == 3) break;
        }
        Assert.Equal(["ADDED b", "ADDED c", "ADDED d"], seen.Order().ToArray());
    }

    [Fact]
    public async Task PagingWithLimitAndContinue()
    {
        foreach (var n in Enumerable.Range(0, 7)) await _client.CreateAsync(Cm($"p{n}", "x"));
        var index = _client.Grains.Index("ConfigMap", "default");
        var names = new List<string>();
        string? cont = null;
        var pages = 0;
        do
        {
            var page = await index.List(new ListRequest("tier=x", Limit: 3, Continue: cont));
            names.AddRange(page.Items.Select(KindOfName));
            cont = page.Continue;
            pages++;
        } while (cont != null);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(n => $"p{n}"), names);

        // Several by name in one call: those that exist, in the order asked.
        var some = await index.Get(["p5", "nope", "p1"]);
        Assert.Equal(["p5", "p1"], some.Select(KindOfName).ToArray());
    }

    [Fact]
    public async Task FieldSelectorsOnPods()
    {
        var d = Unit.TestObjects.Deployment("fs", replicas: 2);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        await _client.CreateAsync(d);
        await Eventually.Until(() => _client.ListAsync<V1Pod>(fieldSelector: "status.phase=Running"), p => p.Count == 2, TimeSpan.FromSeconds(20), "2 running pods");
        Assert.Equal(2, (await _client.ListAsync<V1Pod>(fieldSelector: $"spec.nodeName={_silo.NodeName}")).Count);
        Assert.Empty(await _client.ListAsync<V1Pod>(fieldSelector: "spec.nodeName=elsewhere"));
        var get = await CliRunner.RunAsync(_silo.Gateway, "get", "pods", "-A", "--field-selector", "status.phase=Running", "-o", "name");
        Assert.Equal(2, get.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("pod/fs-")));
    }

    [Fact]
    public async Task TheIndexAnswersByVersionAsATimeByOwnerAndByNode()
    {
        var index = _client.Grains.Index("ConfigMap", "default");
        long Rv(V1ConfigMap c) => long.Parse(c.Metadata.ResourceVersion);
        var before = IndexGrain.VersionAt(DateTime.UtcNow.AddSeconds(-1));
        var a = await _client.CreateAsync(Cm("v-a", "x"));
        var b = await _client.CreateAsync(Cm("v-b", "x"));
        var c = await _client.CreateAsync(Cm("v-c", "x"));
        string[] Names(IEnumerable<NamedObject> xs) => xs.Select(x => x.Name).Where(n => n.StartsWith("v-")).Order().ToArray();

        var scan = await index.WrittenOutside(Rv(b), Rv(b));
        Assert.Equal(["v-a"], Names(scan.Before));
        Assert.Equal(["v-c"], Names(scan.After));
        Assert.True(scan.SeenUpTo >= Rv(c));
        // Versions follow the clock: none of these was written before this test began, all before a minute from now.
        Assert.Empty(Names((await index.WrittenOutside(before, long.MaxValue)).Before));
        Assert.Equal(["v-a", "v-b", "v-c"], Names((await index.WrittenOutside(IndexGrain.VersionAt(DateTime.UtcNow.AddMinutes(1)), long.MaxValue)).Before));
        // A write moves an object past every earlier version.
        a.Data["k"] = "w";
        await _client.UpdateAsync(a);
        scan = await index.WrittenOutside(Rv(b), Rv(b));
        Assert.Empty(Names(scan.Before));
        Assert.Equal(["v-a", "v-c"], Names(scan.After));

        // Every name, in order, without the JSON.
        var names = await index.Names();
        Assert.Equal(["v-a", "v-b", "v-c"], names.Where(n => n.StartsWith("v-")).ToArray());
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains("default", await _client.Grains.NamespaceNames());

        // The owner uids the objects name, while they name them.
        var owned = Cm("v-owned", "x");
        owned.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "v-b", Uid = b.Metadata.Uid }];
        await _client.CreateAsync(owned);
        Assert.Contains(b.Metadata.Uid, await index.OwnerUids());
        await _client.DeleteAsync<V1ConfigMap>("v-owned");
        Assert.DoesNotContain(b.Metadata.Uid, await index.OwnerUids());

        // A node's pods, by name, without the others.
        await _client.CreateAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "v-pod", NamespaceProperty = "default" },
            Spec = new V1PodSpec { NodeName = _silo.NodeName, Containers = [new V1Container { Name = "c", Image = "busybox" }] },
        });
        var onNode = await _client.Grains.Index("Pod", "default").OnNode(_silo.NodeName);
        Assert.Equal("v-pod", Assert.Single(onNode).Name);
        Assert.Equal("v-pod", ObjectGrains.NameOf(onNode[0].Json));
        Assert.Empty(await _client.Grains.Index("Pod", "default").OnNode("elsewhere"));
    }

    [Fact]
    public async Task TheSweepDeletesOrphansAndExpiredEventsOnly()
    {
        V1ConfigMap Owned(string name, string ownerName, string ownerUid) => new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = "default",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = ownerName, Uid = ownerUid, Controller = true }],
            },
        };
        var parent = await _client.CreateAsync(Cm("gc-parent", "gc"));
        await _client.CreateAsync(Owned("gc-child", "gc-parent", parent.Metadata.Uid));
        await _client.CreateAsync(Owned("gc-orphan", "gc-gone", "no-such-uid"));
        Corev1Event Ev(string name, DateTime last) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
            InvolvedObject = new V1ObjectReference { Kind = "ConfigMap", Name = "gc-parent", NamespaceProperty = "default" },
            Reason = "Test", Message = "m", Type = "Normal", LastTimestamp = last, FirstTimestamp = last,
        };
        await _client.CreateAsync(Ev("gc-old", DateTime.UtcNow.AddHours(-2)));
        await _client.CreateAsync(Ev("gc-new", DateTime.UtcNow));

        var removed = await _client.Grains.GetGrain<Cluster.Grains.Controllers.GarbageCollection.IGarbageCollectorGrain>(0).Sweep();

        Assert.True(removed >= 2, $"removed {removed}");
        Assert.Null(await _client.GetAsync<V1ConfigMap>("gc-orphan"));
        Assert.NotNull(await _client.GetAsync<V1ConfigMap>("gc-child"));
        Assert.NotNull(await _client.GetAsync<V1ConfigMap>("gc-parent"));
        Assert.Null(await _client.GetAsync<Corev1Event>("gc-old"));
        Assert.NotNull(await _client.GetAsync<Corev1Event>("gc-new"));
    }

    static string KindOfName(string json) => k8s.KubernetesJson.Deserialize<V1ConfigMap>(json).Metadata.Name;
}

/// <summary>Namespaces: objects need one; deleting one empties it first; built-in ones cannot be deleted.</summary>
public sealed class NamespaceTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("ns-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
    public Task InitializeAsync() => _silo.StartAsync();
    public async Task DisposeAsync() { output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    [Fact]
    public async Task DeletingANamespaceDeletesWhatItHolds()
    {
        await using var client = await ClusterClient.ConnectAsync(_silo.Gateway);
        var missing = await Assert.ThrowsAsync<ClusterApiException>(() => client.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x", NamespaceProperty = "team-a" } }));
        Assert.Equal("namespaces \"team-a\" not found", missing.Message);

        await client.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });
        var d = Unit.TestObjects.Deployment("app", replicas: 2);
        d.Metadata.NamespaceProperty = "team-a"; d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null;
        await client.CreateAsync(d);
        await Eventually.Until(() => client.ListAsync<V1Pod>("team-a"), p => p.Count == 2 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(20), "2 pods in team-a");

        var del = await CliRunner.RunAsync(_silo.Gateway, "delete", "namespace", "team-a");
        Assert.Equal("namespace \"team-a\" deleted", del.Out.Trim());
        Assert.Null(await client.GetAsync<V1Namespace>("team-a", null));
        Assert.Empty(await client.ListAsync<V1Pod>("team-a"));
        Assert.Empty(await client.ListAsync<V1Deployment>("team-a"));

        var forbidden = await CliRunner.RunAsync(_silo.Gateway, "delete", "namespace", "default");
        Assert.Equal(1, forbidden.ExitCode);
        Assert.Equal("Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted", forbidden.Err.Trim());
    }
}
