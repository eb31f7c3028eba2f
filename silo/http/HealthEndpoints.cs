namespace Cluster.Silo.Http;

/// <summary>/healthz, /readyz and /version: what load balancers, kubectl and operators probe.</summary>
public static class HealthEndpoints
{
    public static readonly object Version = new
    {
        major = "1", minor = "32", gitVersion = "v1.32.0", gitCommit = "cluster", gitTreeState = "clean",
        buildDate = "2026-11-25T00:00:00Z", goVersion = "go1.23.3", compiler = "gc", platform = "linux/amd64",
    };

    public static void Map(WebApplication app, Func<bool> ready)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/livez", () => Results.Text("ok"));
        app.MapGet("/readyz", () => ready() ? Results.Text("ok") : Results.Text("silo starting", statusCode: 503));
        app.MapGet("/version", () => Results.Json(Version));
    }
}
