using Orleans.Concurrency;
using Cluster.Interfaces.Api;

namespace Cluster.Interfaces.Scheduling;

/// <summary>The cluster's scheduler (one activation, key "default"): queues unbound pods and binds them in batches.</summary>
public interface ISchedulerGrain : IGrainWithStringKey
{
    // Acknowledged (not one-way): a failed call invalidates the caller's cached address of a scheduler whose silo
    // died, so the next try reaches the new activation. Interleaved: they only touch the queue, so a pod being
    // bound by a running batch can still enqueue without a call cycle.
    // The pod's JSON as it stood when it asked, when the caller has it: the batch then needs no read of its own.
    [AlwaysInterleave] Task Enqueue(ObjectKey pod, string? json);
    /// <summary>A pod left its node (deleted or finished): release what it held.</summary>
    [AlwaysInterleave] Task Forget(ObjectKey pod);
    /// <summary>Nodes changed (joined, became ready, freed capacity): retry pending pods.</summary>
    [AlwaysInterleave] Task NodesChanged();
    Task<IReadOnlyList<ObjectKey>> Pending();
    /// <summary>Keeps the scheduler activated (every silo pings it): its periodic resync finds unbound pods whose own
    /// announcement was lost, as kube-scheduler's informers relist.</summary>
    [AlwaysInterleave] Task Ping();
}
