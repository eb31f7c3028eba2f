using System.Collections.Concurrent;
using System.Reflection;
using System.Threading.Channels;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Tests.Unit.Store;

/// <summary>The silo's copies of small lists: loaded once, kept current by the index's watch, and a Service that appears
/// in a copy wakes its endpoints controller (the notice a pod reading the older copy could not give).</summary>
public class IndexCacheTests
{
    static string Svc(string name, long rv = 1) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"resourceVersion\":\"" + rv
        + "\"},\"spec\":{\"selector\":{\"app\":\"" + name + "\"}}}";

    /// <summary>One index whose watch answers what the test sends, and the grains the cache calls.</summary>
    sealed class Fakes
    {
        public int Lists;
        public List<string> Items = [];
        public readonly Channel<WatchResult> Watches = Channel.CreateUnbounded<WatchResult>();
        public readonly ConcurrentQueue<string> Woken = new();
        public readonly IGrainFactory Grains;

        public Fakes()
        {
            var index = Fake<IIndexGrain>.Of((m, args) => m.Name switch
            {
                nameof(IIndexGrain.List) => Task.FromResult(new ListResult(Items.ToList(), 10 + Interlocked.Increment(ref Lists), null, null)),
                nameof(IIndexGrain.Watch) => Watches.Reader.ReadAsync().AsTask(),
                _ => throw new NotSupportedException(m.Name),
            });
            Grains = Fake<IGrainFactory>.Of((m, args) => m.Name == nameof(IGrainFactory.GetGrain) && args[0] is string key
                ? m.ReturnType == typeof(IIndexGrain) ? index
                : Fake<IServiceGrain>.Of((sm, _) => sm.Name == nameof(IObjectGrain.Reconcile) ? Wake(key) : throw new NotSupportedException(sm.Name))
                : throw new NotSupportedException(m.Name));
        }

        Task Wake(string key) { Woken.Enqueue(key); return Task.CompletedTask; }
    }

    sealed class Lifetime : IHostApplicationLifetime
    {
        public readonly CancellationTokenSource Stopping = new();
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => Stopping.Token;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() => Stopping.Cancel();
    }

    static async Task Until(Func<bool> done, string what)
    {
        for (var i = 0; i < 200 && !done(); i++) await Task.Delay(10);
        Assert.True(done(), what);
    }

    static WatchResult Events(long rv, params (string Type, string Json)[] events) =>
        new(events.Select((e, i) => new WatchEvent(e.Type, rv - events.Length + i + 1, e.Json)).ToList(), rv, false);

    [Fact]
    public async Task LoadsOnceThenFollowsTheWatchAndWakesTheControllersOfServicesThatAppearOrChange()
    {
        var f = new Fakes { Items = [Svc("a")] };
        var life = new Lifetime();
        var cache = new IndexCache(f.Grains, life, NullLogger<IndexCache>.Instance);
        try
        {
            Assert.Equal([Svc("a")], await cache.List("Service", "default"));
            Assert.Equal([Svc("a")], await cache.List("Service", "default"));
            Assert.Equal(1, f.Lists);
            Assert.Empty(f.Woken); // what the first load finds, its reader saw

            await f.Watches.Writer.WriteAsync(Events(12, (WatchTypes.Added, Svc("b")), (WatchTypes.Modified, Svc("a", 2))));
            await Until(() => f.Woken.Count == 2, "both Services' controllers woken");
            Assert.Equal(["Service/default/b", "Service/default/a"], f.Woken.ToArray());
            var now = await cache.List("Service", "default");
            Assert.Equal([Svc("a", 2), Svc("b")], now.Order());

            await f.Watches.Writer.WriteAsync(Events(13, (WatchTypes.Deleted, Svc("a", 2))));
            await Until(() => cache.List("Service", "default").Result.Count == 1, "a gone from the copy");
            Assert.Equal([Svc("b")], await cache.List("Service", "default"));
            Assert.Equal(2, f.Woken.Count); // a deletion wakes nobody
            Assert.Equal(1, f.Lists);
        }
        finally { life.StopApplication(); }
    }

    [Fact]
    public async Task AWatchTooOldToResumeRelistsAndWakesEveryServiceItMayHaveMissed()
    {
        var f = new Fakes { Items = [Svc("a")] };
        var life = new Lifetime();
        var cache = new IndexCache(f.Grains, life, NullLogger<IndexCache>.Instance);
        try
        {
            await cache.List("Service", "default");
            f.Items = [Svc("a", 5), Svc("c", 6)];
            await f.Watches.Writer.WriteAsync(new WatchResult([], 11, Gone: true));
            await Until(() => f.Lists == 2 && f.Woken.Count == 2, "a relist that wakes both");
            Assert.Equal(["Service/default/a", "Service/default/c"], f.Woken.Order().ToArray());
            Assert.Equal([Svc("a", 5), Svc("c", 6)], (await cache.List("Service", "default")).Order());
        }
        finally { life.StopApplication(); }
    }

    [Fact]
    public async Task OtherKindsAreCopiedWithoutWakingAnything()
    {
        var f = new Fakes { Items = [] };
        var life = new Lifetime();
        var cache = new IndexCache(f.Grains, life, NullLogger<IndexCache>.Instance);
        try
        {
            Assert.Empty(await cache.List("Endpoints", "default", "service.kubernetes.io/headless"));
            await f.Watches.Writer.WriteAsync(Events(12, (WatchTypes.Added, Svc("x"))));
            await Until(() => cache.List("Endpoints", "default", "service.kubernetes.io/headless").Result.Count == 1, "the copy updated");
            Assert.Empty(f.Woken);
        }
        finally { life.StopApplication(); }
    }
}

/// <summary>An interface implemented by one function of (method, arguments): enough of a grain or a grain factory for a
/// unit test that calls a few of their methods.</summary>
public class Fake<T> : DispatchProxy where T : class
{
    Func<MethodInfo, object?[], object?> _handler = null!;

    public static T Of(Func<MethodInfo, object?[], object?> handler)
    {
        var proxy = Create<T, Fake<T>>();
        ((Fake<T>)(object)proxy)._handler = handler;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args) => _handler(method!, args ?? []);
}
