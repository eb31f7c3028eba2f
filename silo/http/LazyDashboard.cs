using Orleans.Dashboard;

namespace Cluster.Silo.Http;

/// <summary>
/// The Orleans dashboard, mapped on its first request. Mapping it reads and compresses every asset it embeds
/// (17 MB, most of it a source map it never serves) into memory; done at start, that was a sixth of an idle silo's
/// memory. The grain profiler behind its statistics runs from the start either way (AddDashboard).
/// </summary>
public static class LazyDashboard
{
    public static void Map(WebApplication app, string prefix)
    {
        RequestDelegate? dashboard = null;
        var gate = new object();
        app.Map(prefix, branch => branch.Run(context =>
        {
            // "/dashboard" -> "/dashboard/", so the page's relative asset paths resolve under the prefix.
            if (!context.Request.Path.HasValue || context.Request.Path.Value == "")
            {
                context.Response.Redirect($"{context.Request.PathBase}/{context.Request.QueryString}", permanent: true);
                return Task.CompletedTask;
            }
            if (dashboard == null)
                lock (gate)
                    dashboard ??= Build(app.Services);
            return dashboard(context);
        }));
    }

    static RequestDelegate Build(IServiceProvider services)
    {
        var builder = new ApplicationBuilder(services);
        builder.UseRouting();
        builder.UseEndpoints(e => e.MapOrleansDashboard());
        return builder.Build();
    }
}
