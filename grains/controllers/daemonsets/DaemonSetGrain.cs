using Cluster.Grains.Events;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Controllers.DaemonSets;

/// <summary>A DaemonSet and its controller (see <see cref="DaemonSetReconciler"/>). Nodes joining or changing nudge
/// every DaemonSet (NodeGrain); the reminder is the safety net.</summary>
public sealed class DaemonSetGrain(
    [PersistentState("object", ObjectGrain<V1DaemonSet>.StorageName)] IPersistentState<ObjectRecord> state,
    ILogger<DaemonSetGrain> logger) : ObjectGrain<V1DaemonSet>(state, logger), IDaemonSetGrain
{
    const string Component = "daemonset-controller";
    protected override bool IsController => true;

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var ds = Current!;
        var nodes = (await GrainFactory.Index("Node", "").List(new ListRequest())).Items.Select(Objects.FromJson<V1Node>).ToList();
        var owned = await ControllerPods.Owned(GrainFactory, Key.Namespace, ds.Metadata.Uid);
        var plan = DaemonSetReconciler.Plan(ds, nodes, owned);
        var failed = await ControllerPods.Apply(GrainFactory, ds, Kinds.DaemonSet, Key.Namespace, plan.Create, plan.Delete, Component);
        await Mutate(x => { if (Objects.SameJson(x.Status, plan.Status)) return false; x.Status = plan.Status; return true; });
        if (plan.Create.Count > 0 || plan.Delete.Count > 0) return TimeSpan.FromMilliseconds(200);
        return failed ? TimeSpan.FromSeconds(1) : null;
    }

    /// <summary>Every DaemonSet of the cluster reconciles (a node joined, left, or changed its labels or taints).</summary>
    public static async Task NudgeAll(IGrainFactory grains)
    {
        foreach (var ns in await grains.NamespaceNames())
            foreach (var json in (await grains.Index(Kinds.DaemonSet.Kind, ns).List(new ListRequest())).Items)
                await grains.GetGrain<IDaemonSetGrain>(new ObjectKey(Kinds.DaemonSet.Kind, ns, Objects.FromJson<V1DaemonSet>(json).Metadata.Name).GrainKey).Reconcile();
    }
}
