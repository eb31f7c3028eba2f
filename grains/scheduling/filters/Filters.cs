using k8s.Models;

namespace Cluster.Grains.Scheduling.Filters;

public sealed class NodeReady : IFilter
{
    public string? Check(PodInfo pod, NodeInfo node) => node.Ready ? null : "node(s) were not ready";
}

public sealed class NodeUnschedulable : IFilter
{
    public string? Check(PodInfo pod, NodeInfo node) =>
        node.Unschedulable && !Tolerates(pod.Pod, new V1Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" })
            ? "node(s) were unschedulable" : null;

    internal static bool Tolerates(V1Pod pod, V1Taint t) => TaintToleration.Tolerated(pod.Spec.Tolerations, t);
}

/// <summary>Requests against allocatable cpu, memory and pod count (NodeResourcesFit).</summary>
public sealed class NodeResourcesFit : IFilter
{
    public string? Check(PodInfo pod, NodeInfo node)
    {
        if (node.PodCount + 1 > node.AllocatablePods) return "Too many pods";
        if (pod.MilliCpu > 0 && node.RequestedMilliCpu + pod.MilliCpu > node.AllocatableMilliCpu) return "Insufficient cpu";
        if (pod.Memory > 0 && node.RequestedMemory + pod.Memory > node.AllocatableMemory) return "Insufficient memory";
        return null;
    }
}

/// <summary>A pod whose claimed volume lives on one node's engine goes to that node (local volumes' node affinity).</summary>
public sealed class VolumeNode : IFilter
{
    public string? Check(PodInfo pod, NodeInfo node) =>
        pod.VolumeNode != null && pod.VolumeNode != node.Name ? "node(s) had volume node affinity conflict" : null;
}

public sealed class NodeSelector : IFilter
{
    public string? Check(PodInfo pod, NodeInfo node)
    {
        if (pod.Pod.Spec.NodeSelector is not { Count: > 0 } selector) return null;
        foreach (var (k, v) in selector)
            if (!node.Labels.TryGetValue(k, out var nv) || nv != v) return "node(s) didn't match Pod's node affinity/selector";
        return null;
    }
}

public sealed class TaintToleration : IFilter
{
    public string? Check(PodInfo pod, NodeInfo node)
    {
        for (var i = 0; i < node.Taints.Count; i++)
            if (node.Taints[i] is var t && t.Effect is "NoSchedule" or "NoExecute" && !Tolerated(pod.Pod.Spec.Tolerations, t))
                return $"node(s) had untolerated taint {{{t.Key}: {t.Value}}}";
        return null;
    }

    public static bool Tolerated(IList<V1Toleration>? tolerations, V1Taint t) =>
        tolerations?.Any(tol =>
            (string.IsNullOrEmpty(tol.Effect) || tol.Effect == t.Effect) &&
            (tol.OperatorProperty == "Exists"
                ? string.IsNullOrEmpty(tol.Key) || tol.Key == t.Key
                : tol.Key == t.Key && (tol.Value ?? "") == (t.Value ?? ""))) == true;
}
