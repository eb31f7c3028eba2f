using System.Text.Json;
using Cluster.Interfaces.Store;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using StackExchange.Redis;

namespace Cluster.Silo.Storage;

/// <summary>
/// Grain state in Redis, laid out on purpose: key "cluster/object/{Kind}/{namespace}/{name}" (a hash with the
/// provider's etag and data fields), data as System.Text.Json so that the catalog can scan one kind and namespace
/// by key prefix and read the objects without Orleans, and renaming a .NET type never breaks stored state.
/// </summary>
public static class RedisObjectStorage
{
    public const string Prefix = "cluster/object/";

    public static ISiloBuilder AddRedisObjectStorage(this ISiloBuilder silo, ConfigurationOptions options, string name)
    {
        silo.AddRedisGrainStorage(name, o =>
        {
            o.ConfigurationOptions = options;
            o.GrainStorageSerializer = new SystemTextJsonStorageSerializer();
            o.GetStorageKey = (_, grainId) => Prefix + grainId.Key.ToString();
        });
        silo.Services.AddSingleton<IObjectCatalog>(_ => new RedisObjectCatalog(options));
        return silo;
    }
}

/// <summary>
/// State as System.Text.Json; an object record as the object's JSON itself (UTF-8 after one marker byte, 0x01, which
/// no JSON text starts with): no second serialization around it. Records written before that are still read.
/// </summary>
public sealed class SystemTextJsonStorageSerializer : IGrainStorageSerializer
{
    public const byte RawRecord = 0x01;

    public BinaryData Serialize<T>(T input) => input is ObjectRecord { Json: { } json }
        ? new BinaryData(Raw(json))
        : new(JsonSerializer.SerializeToUtf8Bytes(input));

    public T Deserialize<T>(BinaryData input)
    {
        var span = input.ToMemory().Span;
        return typeof(T) == typeof(ObjectRecord) ? (T)(object)Record(span)! : JsonSerializer.Deserialize<T>(span)!;
    }

    static byte[] Raw(string json)
    {
        var bytes = new byte[1 + System.Text.Encoding.UTF8.GetByteCount(json)];
        bytes[0] = RawRecord;
        System.Text.Encoding.UTF8.GetBytes(json, bytes.AsSpan(1));
        return bytes;
    }

    /// <summary>The object record in stored bytes, raw or serialized.</summary>
    public static ObjectRecord? Record(ReadOnlySpan<byte> data) => data.Length > 0 && data[0] == RawRecord
        ? new ObjectRecord { Json = System.Text.Encoding.UTF8.GetString(data[1..]) }
        : JsonSerializer.Deserialize<ObjectRecord>(data);
}

/// <summary>
/// Scans the object keys of one kind and namespace (SCAN with a prefix match, then HGET data). Asynchronous all the
/// way (a blocking SCAN would hold a scheduler thread: with a thousand nodes registering at once Redis calls timed
/// out), and each page's reads are pipelined rather than one round trip per object.
/// </summary>
public sealed class RedisObjectCatalog(ConfigurationOptions options) : IObjectCatalog, IDisposable
{
    readonly Lazy<Task<ConnectionMultiplexer>> _redis = new(() => ConnectionMultiplexer.ConnectAsync(options.Clone()));

    public async Task<IReadOnlyList<string>> ScanAsync(string kind, string ns, CancellationToken ct = default)
    {
        var result = new List<string>();
        var db = (await _redis.Value).GetDatabase();
        var page = new List<RedisKey>(1000);
        async Task Read()
        {
            var reads = page.Select(k => db.HashGetAsync(k, "data")).ToList();
            foreach (var data in await Task.WhenAll(reads))
            {
                if (data.IsNullOrEmpty) continue;
                var rec = SystemTextJsonStorageSerializer.Record((byte[])data!);
                if (rec?.Json != null) result.Add(rec.Json);
            }
            page.Clear();
        }
        await foreach (var key in Keys($"{RedisObjectStorage.Prefix}{Escape(kind)}/{Escape(ns)}/*").WithCancellation(ct))
        {
            page.Add(key);
            if (page.Count == 1000) await Read();
        }
        if (page.Count > 0) await Read();
        return result;
    }

    public async Task<IReadOnlyList<string>> NamespacesAsync(string kind, CancellationToken ct = default)
    {
        var prefix = $"{RedisObjectStorage.Prefix}{kind}/";
        var set = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var key in Keys($"{RedisObjectStorage.Prefix}{Escape(kind)}/*").WithCancellation(ct))
        {
            var rest = key.ToString()[prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash >= 0) set.Add(rest[..slash]);
        }
        return set.ToList();
    }

    async IAsyncEnumerable<RedisKey> Keys(string pattern)
    {
        var redis = await _redis.Value;
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (server.IsReplica) continue;
            await foreach (var k in server.KeysAsync(pattern: pattern, pageSize: 1000)) yield return k;
        }
    }

    /// <summary>Glob-escapes a key part (kinds and DNS names never contain glob characters, but be safe).</summary>
    static string Escape(string s) => s.Replace("\\", "\\\\").Replace("*", "\\*").Replace("?", "\\?").Replace("[", "\\[");

    public void Dispose() { if (_redis.IsValueCreated && _redis.Value.IsCompletedSuccessfully) _redis.Value.Result.Dispose(); }
}
