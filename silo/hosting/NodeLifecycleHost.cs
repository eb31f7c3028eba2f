using Cluster.Grains.Nodes;
using Orleans.Runtime;

namespace Cluster.Silo.Hosting;

/// <summary>
/// Keeps the node lifecycle controller and the scheduler alive from every silo (a ping brings each back on a
/// surviving silo when its own dies) and runs it at once when the Orleans membership view changes, so a dead silo's pods are
/// replaced as soon as the cluster declares it dead.
/// </summary>
public sealed class NodeLifecycleHost(IGrainFactory grains, IClusterMembershipService membership, NodeAgentRegistry agents, ILogger<NodeLifecycleHost> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var controller = grains.GetGrain<INodeLifecycleGrain>("default");
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in membership.MembershipUpdates.WithCancellation(ct))
                    try { await controller.Check(); } catch (Exception e) { logger.LogDebug("node check after a membership change failed: {Message}", e.Message); }
            }
            catch (OperationCanceledException) { }
        }, ct);
        var scheduler = grains.GetGrain<Cluster.Interfaces.Scheduling.ISchedulerGrain>("default");
        for (var tick = 0; !ct.IsCancellationRequested; tick++)
        {
            try { await controller.Ping(); } catch (Exception e) when (!ct.IsCancellationRequested) { logger.LogDebug("node controller ping failed: {Message}", e.Message); }
            // The leases of this silo's live agents, every 3 s (one call for all of them).
            if (tick % 3 == 0 && agents.All.Where(a => a.Alive).Select(a => a.NodeName).ToList() is { Count: > 0 } live)
                try { await controller.Renew(live); } catch (Exception e) when (!ct.IsCancellationRequested) { logger.LogDebug("renewing node leases failed: {Message}", e.Message); }
            // The scheduler too, every 5 s: its resync finds unbound pods whose announcement a dead silo lost.
            if (tick % 5 == 0)
                try { await scheduler.Ping(); } catch (Exception e) when (!ct.IsCancellationRequested) { logger.LogDebug("scheduler ping failed: {Message}", e.Message); }
            try { await Task.Delay(1000, ct); } catch (OperationCanceledException) { return; }
        }
    }
}
