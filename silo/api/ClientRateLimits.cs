using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Cluster.Silo.Hosting;
using Microsoft.AspNetCore.RateLimiting;

namespace Cluster.Silo.Api;

/// <summary>
/// Per-client rate limits on the Kubernetes API: a token bucket per source address (--rate-limit requests per
/// second, bursts of twice that; 0 turns it off). A client over its limit gets 429 with Retry-After and a Status body,
/// as the API server's priority and fairness answers; health, version and metrics are never limited.
/// </summary>
public static class ClientRateLimits
{
    public static void Add(IServiceCollection services, SiloSettings settings)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(c =>
            {
                var api = c.Request.Path.StartsWithSegments("/api") || c.Request.Path.StartsWithSegments("/apis");
                if (settings.RateLimit <= 0 || !api) return RateLimitPartition.GetNoLimiter("unlimited");
                var client = c.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, (int)(settings.RateLimit * 2)),
                    TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(settings.RateLimit / 10)),
                    ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                var r = context.HttpContext.Response;
                r.Headers.RetryAfter = "1";
                r.ContentType = "application/json";
                await r.WriteAsync(new JsonObject
                {
                    ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
                    ["message"] = $"too many requests from this client (more than {settings.RateLimit:0} per second), please try again later",
                    ["reason"] = "TooManyRequests", ["details"] = new JsonObject { ["retryAfterSeconds"] = 1 }, ["code"] = 429,
                }.ToJsonString(), ct);
            };
        });
    }
}
