using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Grains.Scheduling;

/// <summary>A node as the scheduler sees it in one snapshot: what it offers and what is already placed on it.</summary>
public sealed record NodeInfo(
    string Name, bool Ready, bool Unschedulable, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<V1Taint> Taints,
    long AllocatableMilliCpu, long AllocatableMemory, int AllocatablePods,
    long RequestedMilliCpu, long RequestedMemory, int PodCount, IReadOnlyDictionary<string, int> PodsByOwner)
{
    /// <summary>Its index in <see cref="PodInfo.OwnerCounts"/> (the scheduler's <see cref="Placements.SlotOf"/>); -1: none.</summary>
    public int Slot { get; init; } = -1;
}

/// <summary>A pod waiting for a node: its requests and what filters look at.</summary>
public sealed record PodInfo(ObjectKey Key, V1Pod Pod, long MilliCpu, long Memory, string? OwnerUid, int Priority, long Sequence)
{
    /// <summary>The node the pod's persistent volumes live on, when one of them already holds data (VolumeBinding).</summary>
    public string? VolumeNode { get; init; }

    /// <summary>Pods of the same owner placed on each node, by node slot (past the end: zero); null: read each node's
    /// PodsByOwner instead.</summary>
    public int[]? OwnerCounts { get; init; }

    public static PodInfo From(ObjectKey key, V1Pod pod, long sequence)
    {
        var counted = PlacedPod.Of(pod);
        return new PodInfo(key, pod, counted.MilliCpu, counted.Memory, counted.OwnerUid, pod.Spec.Priority ?? 0, sequence);
    }

    /// <summary>CPU (millicores) and memory (bytes) a pod asks for: the sum over its containers of each one's requests,
    /// or its limits when it states no requests.</summary>
    public static (long MilliCpu, long Memory) Requested(IEnumerable<IDictionary<string, ResourceQuantity>?> perContainer)
    {
        long cpu = 0, mem = 0;
        foreach (var req in perContainer)
        {
            if (req?.TryGetValue("cpu", out var q) == true) cpu += (long)(q.ToDecimal() * 1000m);
            if (req?.TryGetValue("memory", out var m) == true) mem += (long)m.ToDecimal();
        }
        return (cpu, mem);
    }
}

/// <summary>A filter answers null when the pod fits the node, or the reason it does not (Kubernetes' wording).</summary>
public interface IFilter
{
    string? Check(PodInfo pod, NodeInfo node);
}

/// <summary>A scoring strategy picks one node among those that passed every filter.</summary>
public interface IScorer
{
    string Name { get; }
    NodeInfo Pick(PodInfo pod, IReadOnlyList<NodeInfo> feasible);
    /// <summary>Order in which pending pods are taken from the queue.</summary>
    IEnumerable<PodInfo> Order(IEnumerable<PodInfo> pending) => pending.OrderBy(p => p.Sequence);
}
