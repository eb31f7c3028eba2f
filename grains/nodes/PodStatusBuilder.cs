using Cluster.Grains.Runtime;
using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Grains.Nodes;

/// <summary>Pod status from what the runtime shows, as the kubelet reports it: phase, conditions, containerStatuses.</summary>
public static class PodStatusBuilder
{
    /// <param name="probeReady">Per container, whether its startup and readiness probes pass (absent: no probes, ready when running).</param>
    public static V1PodStatus Build(V1Pod pod, IReadOnlyList<RuntimeContainer> observed, IReadOnlyDictionary<string, Waiting> waiting, string hostIp, DateTime now,
        IReadOnlyDictionary<string, bool>? probeReady = null)
    {
        var prev = pod.Status;
        var statuses = new List<V1ContainerStatus>();
        var policy = pod.Spec.RestartPolicy ?? "Always";
        foreach (var spec in pod.Spec.Containers ?? [])
        {
            var mine = observed.Where(c => c.ContainerName == spec.Name).OrderByDescending(c => c.Attempt).ToList();
            var latest = mine.FirstOrDefault();
            var previous = mine.Skip(1).FirstOrDefault();
            waiting.TryGetValue(spec.Name, out var w);
            var prevStatus = prev?.ContainerStatuses?.FirstOrDefault(s => s.Name == spec.Name);
            var cs = new V1ContainerStatus
            {
                Name = spec.Name, Image = spec.Image, ImageID = latest?.ImageId ?? "",
                RestartCount = latest?.Attempt ?? prevStatus?.RestartCount ?? 0,
                ContainerID = latest == null ? null : $"docker://{latest.Id}",
                Ready = latest?.State == ContainerStates.Running && pod.Metadata.DeletionTimestamp == null
                        && (probeReady == null || !probeReady.TryGetValue(spec.Name, out var probesPass) || probesPass),
                Started = latest?.State == ContainerStates.Running,
                State = new V1ContainerState(),
            };
            if (latest == null)
                cs.State.Waiting = new V1ContainerStateWaiting { Reason = w?.Reason ?? "ContainerCreating", Message = w?.Message };
            else if (latest.State == ContainerStates.Running)
                cs.State.Running = new V1ContainerStateRunning { StartedAt = latest.StartedAt };
            else if (latest.State == ContainerStates.Created)
                cs.State.Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" };
            else if (w != null)
            {
                cs.State.Waiting = new V1ContainerStateWaiting { Reason = w.Reason, Message = w.Message };
                cs.LastState = new V1ContainerState { Terminated = Terminated(latest) };
            }
            else if (policy == "Always" || (policy == "OnFailure" && latest.ExitCode != 0))
            {
                // About to be restarted this very sync.
                cs.State.Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" };
                cs.LastState = new V1ContainerState { Terminated = Terminated(latest) };
            }
            else cs.State.Terminated = Terminated(latest);
            if (cs.LastState == null && previous != null && previous.State == ContainerStates.Exited)
                cs.LastState = new V1ContainerState { Terminated = Terminated(previous) };
            statuses.Add(cs);
        }

        var allReady = statuses.Count > 0 && statuses.All(s => s.Ready);
        string phase;
        if (statuses.All(s => s.State.Terminated != null) && statuses.Count > 0)
            phase = statuses.All(s => s.State.Terminated.ExitCode == 0) ? "Succeeded" : "Failed";
        else if (statuses.Any(s => s.State.Waiting != null && s.ContainerID == null && s.RestartCount == 0 && s.LastState?.Terminated == null))
            phase = "Pending";
        else phase = "Running";
        if (pod.Metadata.DeletionTimestamp != null && prev?.Phase is { } p && phase == "Pending") phase = p;

        var conditions = new List<V1PodCondition>
        {
            Condition(prev, "PodReadyToStartContainers", "True", now),
            Condition(prev, "Initialized", "True", now),
            Condition(prev, "Ready", allReady ? "True" : "False", now, allReady ? null : "ContainersNotReady", allReady ? null : NotReadyMessage(statuses)),
            Condition(prev, "ContainersReady", allReady ? "True" : "False", now, allReady ? null : "ContainersNotReady", allReady ? null : NotReadyMessage(statuses)),
            Condition(prev, "PodScheduled", "True", now),
        };
        var podIp = observed.Where(c => c.State == ContainerStates.Running).Select(c => c.Ip).FirstOrDefault(ip => ip != null) ?? prev?.PodIP;
        return new V1PodStatus
        {
            Phase = phase,
            Conditions = conditions,
            ContainerStatuses = statuses,
            HostIP = hostIp,
            HostIPs = [new V1HostIP { Ip = hostIp }],
            PodIP = podIp,
            PodIPs = podIp == null ? null : [new V1PodIP { Ip = podIp }],
            StartTime = prev?.StartTime ?? now,
            QosClass = prev?.QosClass,
        };
    }

    static string NotReadyMessage(List<V1ContainerStatus> s) =>
        $"containers with unready status: [{string.Join(" ", s.Where(c => !c.Ready).Select(c => c.Name))}]";

    static V1ContainerStateTerminated Terminated(RuntimeContainer c) => new()
    {
        ExitCode = c.ExitCode,
        Reason = c.OomKilled ? "OOMKilled" : c.ExitCode == 0 ? "Completed" : "Error",
        StartedAt = c.StartedAt, FinishedAt = c.FinishedAt, ContainerID = $"docker://{c.Id}",
    };

    static V1PodCondition Condition(V1PodStatus? prev, string type, string status, DateTime now, string? reason = null, string? message = null)
    {
        var p = prev?.Conditions?.FirstOrDefault(c => c.Type == type);
        return new V1PodCondition
        {
            Type = type, Status = status, Reason = reason, Message = message,
            LastTransitionTime = p != null && p.Status == status ? p.LastTransitionTime : now,
        };
    }
}
