using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Cluster.Silo.Hosting;

namespace Cluster.Silo.Api;

/// <summary>
/// Limits on the long and heavy requests, so that one client cannot exhaust a silo: at most
/// --max-watches-per-client open watch streams and --max-lists-per-client lists in progress per client (the
/// authenticated user, else the source address), and --max-watches watch streams on the silo in all. Over a limit
/// the request gets 429 with Retry-After and a Status body; kubectl and client-go's informers retry.
/// </summary>
public sealed class ListWatchLimits(SiloSettings settings)
{
    readonly ConcurrentDictionary<string, int> _watches = new(), _lists = new();
    int _allWatches;

    public static void Use(WebApplication app)
    {
        var limits = app.Services.GetRequiredService<ListWatchLimits>();
        app.Use(async (c, next) =>
        {
            if (c.Request.Method != "GET" || !(c.Request.Path.StartsWithSegments("/api") || c.Request.Path.StartsWithSegments("/apis")) || !IsCollection(c))
            {
                await next(c);
                return;
            }
            var watch = c.Request.Query["watch"] is { Count: > 0 } w && w[0] is "true" or "1";
            var client = Security.ApiAuthentication.User(c) is { Name: not "system:anonymous" and not "system:admin" } u ? "user:" + u.Name : "addr:" + c.Connection.RemoteIpAddress;
            var refusal = limits.Enter(client, watch);
            if (refusal != null) { await TooMany(c, refusal); return; }
            try { await next(c); }
            finally { limits.Leave(client, watch); }
        });
    }

    /// <summary>A list or watch: a GET of a collection (the path names a resource but no object).</summary>
    static bool IsCollection(HttpContext c)
    {
        var segments = (c.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var core = segments.FirstOrDefault() == "api";
        return segments.Length > 1 && ApiPath.Parse(segments[1..], core) is { Name: null };
    }

    /// <summary>Takes a slot, or says which limit the request would pass.</summary>
    public string? Enter(string client, bool watch)
    {
        var map = watch ? _watches : _lists;
        var max = watch ? settings.MaxWatchesPerClient : settings.MaxListsPerClient;
        if (watch && settings.MaxWatches > 0 && Interlocked.Increment(ref _allWatches) > settings.MaxWatches)
        {
            Interlocked.Decrement(ref _allWatches);
            return $"too many watches open on this server (at most {settings.MaxWatches}), please try again later";
        }
        var now = map.AddOrUpdate(client, 1, (_, n) => n + 1);
        if (max > 0 && now > max)
        {
            map.AddOrUpdate(client, 0, (_, n) => n - 1);
            if (watch && settings.MaxWatches > 0) Interlocked.Decrement(ref _allWatches);
            return watch ? $"too many watches open by this client (at most {max}), please try again later"
                : $"too many lists in progress for this client (at most {max}), please try again later";
        }
        return null;
    }

    public void Leave(string client, bool watch)
    {
        (watch ? _watches : _lists).AddOrUpdate(client, 0, (_, n) => Math.Max(0, n - 1));
        if (watch && settings.MaxWatches > 0) Interlocked.Decrement(ref _allWatches);
    }

    static Task TooMany(HttpContext c, string message)
    {
        c.Response.StatusCode = 429;
        c.Response.Headers.RetryAfter = "1";
        c.Response.ContentType = "application/json";
        return c.Response.WriteAsync(new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
            ["message"] = message, ["reason"] = "TooManyRequests", ["details"] = new JsonObject { ["retryAfterSeconds"] = 1 }, ["code"] = 429,
        }.ToJsonString());
    }
}
