using Orleans.Concurrency;
using Cluster.Interfaces.Api;

namespace Cluster.Interfaces.Scheduling;

/// <summary>The cluster's scheduler (one activation, key "default"): queues unbound pods and binds them in batches.</summary>
public interface ISchedulerGrain : IGrainWithStringKey
{
    [OneWay] Task Enqueue(ObjectKey pod);
    /// <summary>A pod left its node (deleted or finished): release what it held.</summary>
    [OneWay] Task Forget(ObjectKey pod);
    /// <summary>Nodes changed (joined, became ready, freed capacity): retry pending pods.</summary>
    [OneWay] Task NodesChanged();
    Task<IReadOnlyList<ObjectKey>> Pending();
}
