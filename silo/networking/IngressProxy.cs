using Cluster.Grains.Store;
using Cluster.Interfaces.Store;
using Cluster.Silo.Hosting;
using k8s.Models;
using Yarp.ReverseProxy.Configuration;

namespace Cluster.Silo.Networking;

/// <summary>
/// This silo's Ingress controller: an L7 proxy (YARP) on the ingress port that routes by the Ingress objects'
/// host and path rules (Exact before Prefix, longer paths first, the default backend last) to Service ports,
/// reached through the service proxy's cluster IPs. Routes follow the objects through index watches.
/// </summary>
public sealed class IngressProxy(IGrainFactory grains, SiloSettings settings, ILogger<IngressProxy> logger) : BackgroundService
{
    WebApplication? _app;
    InMemoryConfigProvider? _config;
    string _lastConfig = "";

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (settings.IngressPort <= 0) return;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{settings.ApiAddress}:{settings.IngressPort}");
        _config = new InMemoryConfigProvider([], []);
        builder.Services.AddSingleton<IProxyConfigProvider>(_config);
        builder.Services.AddReverseProxy();
        _app = builder.Build();
        _app.MapReverseProxy();
        try { await _app.StartAsync(ct); }
        catch (Exception e) { logger.LogWarning("ingress proxy cannot listen on {Address}:{Port}: {Message}", settings.ApiAddress, settings.IngressPort, e.Message); return; }
        logger.LogInformation("ingress proxy listening on http://{Address}:{Port}", settings.ApiAddress, settings.IngressPort);
        var versions = new Dictionary<(string, string), long>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                versions.Clear();
                await Refresh(versions);
                var polls = versions.Select(kv => grains.Index(kv.Key.Item1, kv.Key.Item2).Watch(new WatchRequest(kv.Value, null, null, TimeSpan.FromSeconds(2)))).ToList();
                await (await Task.WhenAny(polls).WaitAsync(ct));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                logger.LogWarning("ingress refresh failed: {Message}", e.Message);
                try { await Task.Delay(1000, ct); } catch (OperationCanceledException) { break; }
            }
        }
        await _app.StopAsync(CancellationToken.None);
    }

    async Task Refresh(Dictionary<(string, string), long> versions)
    {
        var nsList = await grains.Index("Namespace", "").List(new ListRequest());
        versions[("Namespace", "")] = nsList.ResourceVersion;
        var routes = new List<RouteConfig>();
        var clusters = new Dictionary<string, ClusterConfig>();
        foreach (var ns in nsList.Items.Select(ObjectGrains.NameOf))
        {
            var ingList = await grains.Index("Ingress", ns).List(new ListRequest());
            versions[("Ingress", ns)] = ingList.ResourceVersion;
            if (ingList.Items.Count == 0) continue;
            var svcList = await grains.Index("Service", ns).List(new ListRequest());
            versions[("Service", ns)] = svcList.ResourceVersion;
            var services = svcList.Items.Select(Objects.FromJson<V1Service>).ToDictionary(s => s.Metadata.Name);
            foreach (var ing in ingList.Items.Select(Objects.FromJson<V1Ingress>))
            {
                string? Cluster(V1IngressBackend? backend)
                {
                    if (backend?.Service is not { } b || !services.TryGetValue(b.Name, out var svc) || svc.Spec.ClusterIP is null or "None") return null;
                    var port = b.Port?.Number ?? svc.Spec.Ports?.FirstOrDefault(p => p.Name == b.Port?.Name)?.Port;
                    if (port == null) return null;
                    var id = $"{ns}/{b.Name}:{port}";
                    clusters[id] = new ClusterConfig
                    {
                        ClusterId = id,
                        Destinations = new Dictionary<string, DestinationConfig> { ["svc"] = new() { Address = $"http://{svc.Spec.ClusterIP}:{port}" } },
                    };
                    return id;
                }
                var r = 0;
                foreach (var rule in ing.Spec?.Rules ?? [])
                {
                    var p = 0;
                    foreach (var path in rule.Http?.Paths ?? [])
                    {
                        var cluster = Cluster(path.Backend);
                        p++;
                        if (cluster == null) continue;
                        var exact = path.PathType == "Exact";
                        var prefix = path.Path.TrimEnd('/');
                        routes.Add(new RouteConfig
                        {
                            RouteId = $"{ns}/{ing.Metadata.Name}/{r}/{p}",
                            ClusterId = cluster,
                            // Kubernetes: Exact beats Prefix; among prefixes the longest wins; host rules before hostless ones.
                            Order = -(path.Path.Length * 4 + (exact ? 2 : 0) + (string.IsNullOrEmpty(rule.Host) ? 0 : 1)),
                            Match = new RouteMatch
                            {
                                Hosts = string.IsNullOrEmpty(rule.Host) ? null : [rule.Host],
                                Path = exact ? path.Path : prefix + "/{**rest}",
                            },
                        });
                    }
                    r++;
                }
                if (Cluster(ing.Spec?.DefaultBackend) is { } fallback)
                    routes.Add(new RouteConfig { RouteId = $"{ns}/{ing.Metadata.Name}/default", ClusterId = fallback, Order = int.MaxValue, Match = new RouteMatch { Path = "/{**rest}" } });
            }
        }
        var signature = string.Join("|", routes.OrderBy(x => x.RouteId).Select(x => $"{x.RouteId}>{x.ClusterId}>{x.Order}>{x.Match.Path}>{string.Join(',', x.Match.Hosts ?? [])}"))
                        + "#" + string.Join("|", clusters.Values.Select(c => $"{c.ClusterId}>{c.Destinations!["svc"].Address}"));
        if (signature == _lastConfig) return;
        _lastConfig = signature;
        _config!.Update(routes, clusters.Values.ToList());
        logger.LogInformation("ingress routes updated: {Count} routes", routes.Count);
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        if (_app != null) await _app.DisposeAsync();
    }
}
