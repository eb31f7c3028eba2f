using System.Collections.Concurrent;
using Cluster.Interfaces.Store;
using Cluster.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using Xunit;

namespace Cluster.Tests.Integration.Storage;

public interface ISqliteStoreTestGrain : IGrainWithStringKey
{
    Task Set(string? json);
    Task<string?> Get();
    Task Clear();
}

public sealed class SqliteStoreTestGrain([PersistentState("object", SqliteStorageTests.Provider)] IPersistentState<ObjectRecord> state)
    : Grain, ISqliteStoreTestGrain
{
    public async Task Set(string? json)
    {
        state.State.Json = json;
        await state.WriteStateAsync();
    }

    public Task<string?> Get() => Task.FromResult(state.State.Json);

    public Task Clear() => state.ClearStateAsync();
}

public interface ISqliteReminderTestGrain : IGrainWithStringKey
{
    Task Start(string name, TimeSpan period);
    Task Stop(string name);
    Task<bool> Has(string name);
}

public sealed class SqliteReminderTestGrain : Grain, ISqliteReminderTestGrain, IRemindable
{
    /// <summary>Ticks received, by "grain key/reminder name" (the test cluster runs in this process).</summary>
    public static readonly ConcurrentDictionary<string, int> Ticks = new();

    public Task Start(string name, TimeSpan period) => this.RegisterOrUpdateReminder(name, period, period);

    public async Task Stop(string name)
    {
        var reminder = await this.GetReminder(name);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }

    public async Task<bool> Has(string name) => await this.GetReminder(name) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.AddOrUpdate($"{this.GetPrimaryKeyString()}/{reminderName}", 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

public sealed class SqliteStorageTests : IDisposable
{
    public const string Provider = "store";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sqlite-storage-tests-" + Guid.NewGuid().ToString("N"));
    private string DbPath => Path.Combine(_directory, "cluster.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private async Task<InProcessTestCluster> StartSiloAsync()
    {
        var path = DbPath;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSqliteStorage(path, Provider);
            silo.UseSqliteReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMilliseconds(500));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static async Task StopSiloAsync(InProcessTestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    private static T SiloService<T>(InProcessTestCluster cluster) where T : notnull
        => cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredService<T>();

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task State_survives_silo_restart_and_catalog_finds_it()
    {
        var cluster = await StartSiloAsync();
        try
        {
            await cluster.Client.GetGrain<ISqliteStoreTestGrain>("Pod/default/web").Set("""{"kind":"Pod","name":"web"}""");
            await cluster.Client.GetGrain<ISqliteStoreTestGrain>("Pod/default/db").Set("""{"kind":"Pod","name":"db"}""");
            await cluster.Client.GetGrain<ISqliteStoreTestGrain>("Pod/other/x").Set("""{"kind":"Pod","name":"x"}""");
            await cluster.Client.GetGrain<ISqliteStoreTestGrain>("Pod/gone/y").Set(null); // stored, but no object
            await cluster.Client.GetGrain<ISqliteStoreTestGrain>("Node//n1").Set("""{"kind":"Node","name":"n1"}""");
            await cluster.Client.GetGrain<ISqliteStoreTestGrain>("not-an-object-key").Set("""{"x":1}""");
        }
        finally
        {
            await StopSiloAsync(cluster);
        }

        cluster = await StartSiloAsync();
        try
        {
            Assert.Equal("""{"kind":"Pod","name":"web"}""", await cluster.Client.GetGrain<ISqliteStoreTestGrain>("Pod/default/web").Get());
            Assert.Equal("""{"kind":"Node","name":"n1"}""", await cluster.Client.GetGrain<ISqliteStoreTestGrain>("Node//n1").Get());
            Assert.Null(await cluster.Client.GetGrain<ISqliteStoreTestGrain>("Pod/never/written").Get());

            var catalog = SiloService<IObjectCatalog>(cluster);
            Assert.IsType<SqliteObjectCatalog>(catalog);
            Assert.Equal(
                new[] { """{"kind":"Pod","name":"db"}""", """{"kind":"Pod","name":"web"}""" },
                (await catalog.ScanAsync("Pod", "default")).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(new[] { """{"kind":"Pod","name":"x"}""" }, await catalog.ScanAsync("Pod", "other"));
            Assert.Empty(await catalog.ScanAsync("Pod", "gone"));
            Assert.Equal(new[] { """{"kind":"Node","name":"n1"}""" }, await catalog.ScanAsync("Node", ""));
            Assert.Empty(await catalog.ScanAsync("Service", "default"));
            Assert.Equal(new[] { "default", "other" }, await catalog.NamespacesAsync("Pod"));
            Assert.Equal(new[] { "" }, await catalog.NamespacesAsync("Node"));

            await cluster.Client.GetGrain<ISqliteStoreTestGrain>("Pod/default/db").Clear();
            Assert.Equal(new[] { """{"kind":"Pod","name":"web"}""" }, await catalog.ScanAsync("Pod", "default"));

            // A second write after a restart goes through the stored etag.
            await cluster.Client.GetGrain<ISqliteStoreTestGrain>("Pod/default/web").Set("""{"kind":"Pod","name":"web","v":2}""");
            Assert.Equal(new[] { """{"kind":"Pod","name":"web","v":2}""" }, await catalog.ScanAsync("Pod", "default"));
        }
        finally
        {
            await StopSiloAsync(cluster);
        }
    }

    [Fact]
    public async Task Reminder_fires_survives_restart_and_unregisters()
    {
        var key = "r-" + Guid.NewGuid().ToString("N");
        var tickKey = $"{key}/tick";
        var grainId = default(GrainId);

        var cluster = await StartSiloAsync();
        try
        {
            var grain = cluster.Client.GetGrain<ISqliteReminderTestGrain>(key);
            grainId = grain.GetGrainId();
            await grain.Start("tick", TimeSpan.FromSeconds(1));
            await WaitUntil(() => SqliteReminderTestGrain.Ticks.GetValueOrDefault(tickKey) >= 1, TimeSpan.FromSeconds(20), "the first tick");
        }
        finally
        {
            await StopSiloAsync(cluster);
        }

        // The row is on disk while no silo runs.
        using (var database = new SqliteDatabase(DbPath))
        {
            var row = await new SqliteReminderTable(database).ReadRow(grainId, "tick");
            Assert.NotNull(row);
            Assert.Equal(TimeSpan.FromSeconds(1), row.Period);
            Assert.Equal(grainId, row.GrainId);
        }

        SqliteReminderTestGrain.Ticks.TryRemove(tickKey, out _);
        cluster = await StartSiloAsync();
        try
        {
            // Nothing calls the grain: the new silo's reminder service reads the row back and fires it.
            await WaitUntil(() => SqliteReminderTestGrain.Ticks.GetValueOrDefault(tickKey) >= 1, TimeSpan.FromSeconds(20), "a tick after restart");

            var grain = cluster.Client.GetGrain<ISqliteReminderTestGrain>(key);
            Assert.True(await grain.Has("tick"));
            await grain.Stop("tick");
            Assert.False(await grain.Has("tick"));
            var table = SiloService<IReminderTable>(cluster);
            Assert.Null(await table.ReadRow(grainId, "tick"));

            await Task.Delay(1500); // a tick already scheduled may still land; after that none
            var settled = SqliteReminderTestGrain.Ticks.GetValueOrDefault(tickKey);
            await Task.Delay(2500);
            Assert.Equal(settled, SqliteReminderTestGrain.Ticks.GetValueOrDefault(tickKey));
        }
        finally
        {
            await StopSiloAsync(cluster);
        }
    }

    [Fact]
    public async Task Etag_conflicts_are_detected()
    {
        using var database = new SqliteDatabase(DbPath);
        var storage = new SqliteGrainStorage(database);
        var id = GrainId.Create("test", "Pod/default/a");

        var first = new GrainState<ObjectRecord>(new ObjectRecord());
        await storage.ReadStateAsync("object", id, first);
        Assert.False(first.RecordExists);
        Assert.Null(first.ETag);

        first.State!.Json = "{\"v\":1}";
        await storage.WriteStateAsync("object", id, first);
        Assert.True(first.RecordExists);
        Assert.NotNull(first.ETag);
        var etag1 = first.ETag;

        // Another writer that never saw the record.
        var blind = new GrainState<ObjectRecord>(new ObjectRecord { Json = "{\"v\":99}" });
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("object", id, blind));
        Assert.Equal(etag1, ex.StoredEtag);

        // A reader sees the first write, then writes: the first writer's etag goes stale.
        var second = new GrainState<ObjectRecord>(new ObjectRecord());
        await storage.ReadStateAsync("object", id, second);
        Assert.Equal("{\"v\":1}", second.State!.Json);
        Assert.Equal(etag1, second.ETag);
        second.State!.Json = "{\"v\":2}";
        await storage.WriteStateAsync("object", id, second);
        Assert.NotEqual(etag1, second.ETag);

        first.State!.Json = "{\"v\":3}";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("object", id, first));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("object", id, first));
        Assert.Equal(etag1, first.ETag); // unchanged by the failed calls

        var reread = new GrainState<ObjectRecord>(new ObjectRecord());
        await storage.ReadStateAsync("object", id, reread);
        Assert.Equal("{\"v\":2}", reread.State!.Json);
        Assert.Equal(second.ETag, reread.ETag);

        await storage.ClearStateAsync("object", id, second);
        Assert.False(second.RecordExists);
        Assert.Null(second.ETag);
        await storage.ReadStateAsync("object", id, reread);
        Assert.False(reread.RecordExists);
        Assert.Null(reread.State!.Json);

        // The etag from before the clear does not come back to life.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("object", id, first));
        await storage.WriteStateAsync("object", id, second); // null etag after clear: insert
        Assert.True(second.RecordExists);
        Assert.NotEqual(etag1, second.ETag);
    }

    [Fact]
    public async Task Kind_and_namespace_columns_follow_the_key()
    {
        using (var database = new SqliteDatabase(DbPath))
        {
            var storage = new SqliteGrainStorage(database);
            foreach (var key in new[] { "Pod/default/a", "Node//n1", "two/parts", "a/b/c/d", "plain" })
                await storage.WriteStateAsync("object", GrainId.Create("test", key), new GrainState<ObjectRecord>(new ObjectRecord { Json = "{}" }));
        }

        var rows = new Dictionary<string, (string? Kind, string? Ns, string Data)>();
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT grain_key, kind, ns, data, grain_type, state_name FROM grain_state";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Assert.Equal("test", reader.GetString(4));
                Assert.Equal("object", reader.GetString(5));
                rows[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3));
            }

            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode";
            Assert.Equal("wal", pragma.ExecuteScalar() as string);
        }

        Assert.Equal(("Pod", "default"), (rows["Pod/default/a"].Kind, rows["Pod/default/a"].Ns));
        Assert.Equal(("Node", ""), (rows["Node//n1"].Kind, rows["Node//n1"].Ns));
        Assert.Equal((null, null), (rows["two/parts"].Kind, rows["two/parts"].Ns));
        Assert.Equal((null, null), (rows["a/b/c/d"].Kind, rows["a/b/c/d"].Ns));
        Assert.Equal((null, null), (rows["plain"].Kind, rows["plain"].Ns));
        Assert.Equal("{}", rows["Pod/default/a"].Data); // an object record is stored as the object's JSON itself
    }

    [Fact]
    public async Task Records_written_before_raw_rows_are_still_read()
    {
        // A file from before the raw column: the record serialized around the object's JSON.
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            Directory.CreateDirectory(_directory);
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = """
                CREATE TABLE grain_state (grain_type TEXT NOT NULL, grain_key TEXT NOT NULL, state_name TEXT NOT NULL, etag INTEGER NOT NULL,
                    data TEXT, kind TEXT, ns TEXT, PRIMARY KEY (grain_type, grain_key, state_name));
                INSERT INTO grain_state VALUES ('test', 'Pod/default/old', 'object', 7, '{"Json":"{\"v\":1}"}', 'Pod', 'default');
                """;
            create.ExecuteNonQuery();
        }
        using var database = new SqliteDatabase(DbPath); // adds the raw column
        var storage = new SqliteGrainStorage(database);
        var id = GrainId.Create("test", "Pod/default/old");
        var state = new GrainState<ObjectRecord>(new ObjectRecord());
        await storage.ReadStateAsync("object", id, state);
        Assert.Equal("{\"v\":1}", state.State.Json);
        Assert.Equal(new[] { "{\"v\":1}" }, await new SqliteObjectCatalog(database).ScanAsync("Pod", "default"));
        Assert.Equal(new[] { "default" }, await new SqliteObjectCatalog(database).NamespacesAsync("Pod"));

        // Its next write is raw, under the same etag rules.
        state.State.Json = "{\"v\":2}";
        await storage.WriteStateAsync("object", id, state);
        var reread = new GrainState<ObjectRecord>(new ObjectRecord());
        await storage.ReadStateAsync("object", id, reread);
        Assert.Equal("{\"v\":2}", reread.State.Json);
        Assert.Equal(state.ETag, reread.ETag);
    }

    [Fact]
    public async Task Concurrent_writes_commit_in_groups_and_each_sees_its_own_outcome()
    {
        using var database = new SqliteDatabase(DbPath);
        var storage = new SqliteGrainStorage(database);
        // 300 writers at once, one of them with a stale etag: the others commit (together), it alone fails.
        var states = Enumerable.Range(0, 300).Select(i => new GrainState<ObjectRecord>(new ObjectRecord { Json = $"{{\"i\":{i}}}" })).ToList();
        states[7].ETag = "12345";
        var writes = states.Select((st, i) => storage.WriteStateAsync("object", GrainId.Create("test", $"Pod/default/p{i}"), st)).ToList();
        var failure = await Assert.ThrowsAsync<InconsistentStateException>(() => writes[7]);
        Assert.Contains("ETag mismatch", failure.Message);
        await Task.WhenAll(writes.Where((_, i) => i != 7));
        var stored = await new SqliteObjectCatalog(database).ScanAsync("Pod", "default");
        Assert.Equal(299, stored.Count);
        Assert.DoesNotContain("{\"i\":7}", stored);
    }

    [Fact]
    public async Task Reminder_table_rows_etags_and_ring_ranges()
    {
        using var database = new SqliteDatabase(DbPath);
        var table = new SqliteReminderTable(database);
        await table.StartAsync();

        var start = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var ids = Enumerable.Range(0, 40).Select(i => GrainId.Create("rem", "g" + i)).ToList();
        foreach (var id in ids)
        {
            var etag = await table.UpsertRow(new ReminderEntry { GrainId = id, ReminderName = "a", StartAt = start, Period = TimeSpan.FromMinutes(1) });
            Assert.False(string.IsNullOrEmpty(etag));
        }
        await table.UpsertRow(new ReminderEntry { GrainId = ids[0], ReminderName = "b", StartAt = start, Period = TimeSpan.FromSeconds(2) });

        var rows0 = await table.ReadRows(ids[0]);
        Assert.Equal(new[] { "a", "b" }, rows0.Reminders.Select(r => r.ReminderName));
        var row = await table.ReadRow(ids[0], "b");
        Assert.NotNull(row);
        Assert.Equal(ids[0], row.GrainId);
        Assert.Equal(start, row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), row.Period);
        Assert.Null(await table.ReadRow(ids[0], "missing"));

        // Upsert replaces the row and its etag; removal needs the current etag.
        var oldEtag = row.ETag;
        var newEtag = await table.UpsertRow(new ReminderEntry { GrainId = ids[0], ReminderName = "b", StartAt = start, Period = TimeSpan.FromSeconds(3) });
        Assert.NotEqual(oldEtag, newEtag);
        Assert.Equal(TimeSpan.FromSeconds(3), (await table.ReadRow(ids[0], "b"))!.Period);
        Assert.False(await table.RemoveRow(ids[0], "b", oldEtag!));
        Assert.False(await table.RemoveRow(ids[0], "b", "not-an-etag"));
        Assert.True(await table.RemoveRow(ids[0], "b", newEtag!));
        Assert.False(await table.RemoveRow(ids[0], "b", newEtag!));
        Assert.Null(await table.ReadRow(ids[0], "b"));

        // Ring semantics: (begin, end] when begin < end, else hash > begin || hash <= end.
        var hashes = ids.Select(id => id.GetUniformHashCode()).OrderBy(h => h).ToList();
        var bounds = new List<uint> { 0, 1, uint.MaxValue, uint.MaxValue - 1, hashes[0], hashes[^1], hashes[5], hashes[20], hashes[20] + 1, hashes[5] - 1 };
        foreach (var begin in bounds)
        foreach (var end in bounds)
        {
            var expected = ids.Where(id =>
            {
                var h = id.GetUniformHashCode();
                return begin < end ? h > begin && h <= end : h > begin || h <= end;
            }).Select(id => id.ToString()).OrderBy(x => x).ToList();
            var actual = (await table.ReadRows(begin, end, CancellationToken.None)).Reminders
                .Select(r => r.GrainId.ToString()).OrderBy(x => x).ToList();
            Assert.Equal(expected, actual);
            var actualNoToken = (await table.ReadRows(begin, end)).Reminders.Count;
            Assert.Equal(expected.Count, actualNoToken);
        }
        Assert.Equal(ids.Count, (await table.ReadRows(7u, 7u)).Reminders.Count); // begin == end: the whole ring

        await table.TestOnlyClearTable();
        Assert.Empty((await table.ReadRows(0u, 0u)).Reminders);
    }

    [Fact]
    public async Task Writes_are_visible_to_a_second_open_without_close()
    {
        // The first handle is never closed (as after kill -9): a second open of the file sees the committed write.
        var first = new SqliteDatabase(DbPath);
        var id = GrainId.Create("test", "Pod/default/durable");
        await new SqliteGrainStorage(first).WriteStateAsync("object", id, new GrainState<ObjectRecord>(new ObjectRecord { Json = "{\"d\":1}" }));

        using var second = new SqliteDatabase(DbPath);
        Assert.Equal(new[] { "{\"d\":1}" }, await new SqliteObjectCatalog(second).ScanAsync("Pod", "default"));
        first.Dispose();
    }

    [Fact]
    public void Database_registration_is_one_path_per_silo()
    {
        var services = new ServiceCollection();
        var builder = new TestSiloBuilder(services);
        builder.AddSqliteStorage(DbPath, "a").AddSqliteStorage(DbPath, "b").UseSqliteReminderService();
        Assert.Throws<InvalidOperationException>(() => builder.AddSqliteStorage(DbPath + ".other", "c"));
        using var provider = services.BuildServiceProvider();
        Assert.Same(provider.GetRequiredService<SqliteDatabase>(), provider.GetRequiredService<SqliteDatabase>());
        Assert.IsType<SqliteGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("a"));
        Assert.IsType<SqliteGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("b"));
        Assert.IsType<SqliteReminderTable>(provider.GetRequiredService<IReminderTable>());
        Assert.IsType<SqliteObjectCatalog>(provider.GetRequiredService<IObjectCatalog>());
    }

    private sealed class TestSiloBuilder(IServiceCollection services) : ISiloBuilder
    {
        public IServiceCollection Services { get; } = services;
        public Microsoft.Extensions.Configuration.IConfiguration Configuration { get; } =
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
    }
}
