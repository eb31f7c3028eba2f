using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;

namespace Cluster.Silo.Hosting;

/// <summary>
/// Keeps this silo's <see cref="CustomKinds"/> current: watches the CustomResourceDefinition index and re-reads the
/// definitions whenever one changes, so a schema or printer-column change made through another silo applies here
/// within a poll.
/// </summary>
public sealed class CustomKindWatcher(IGrainFactory grains, ILogger<CustomKindWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var index = grains.Index(Kinds.CustomResourceDefinition.Kind, "");
        long from = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (from == 0)
                {
                    var list = await index.List(new ListRequest());
                    CustomKinds.Set(list.Items.Select(j => k8s.KubernetesJson.Deserialize<k8s.Models.V1CustomResourceDefinition>(j)));
                    from = list.ResourceVersion;
                }
                var changes = await index.Watch(new WatchRequest(from, null, null, WatchRequest.MaxPoll));
                if (changes.Gone) { from = 0; continue; }
                if (changes.Events.Count > 0) await CustomKinds.RefreshAsync(grains);
                from = Math.Max(from, changes.ResourceVersion);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogDebug("watching custom resource definitions failed: {Message}", e.Message);
                from = 0;
                try { await Task.Delay(1000, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
