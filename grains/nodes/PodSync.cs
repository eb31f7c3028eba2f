using Cluster.Grains.Runtime;
using k8s.Models;

namespace Cluster.Grains.Nodes;

public abstract record AgentAction;
public sealed record StartContainer(V1Container Container, int Attempt, string? RemoveFirst) : AgentAction;
public sealed record StopContainer(string Id, TimeSpan Grace) : AgentAction;
public sealed record RemoveContainer(string Id) : AgentAction;

/// <summary>Why a container is not running yet, as the agent last saw it (image pulls, config errors), and when to try again.</summary>
public sealed record Waiting(string Reason, string Message, int Failures, DateTime NextAttempt);

/// <summary>The agent's decision for one pod. Finalize: the pod is terminating and nothing of it runs any more.</summary>
public sealed record PodSyncPlan(IReadOnlyList<AgentAction> Actions, IReadOnlyDictionary<string, Waiting> Waiting, bool Finalize);

/// <summary>
/// The kubelet's per-pod decision as a pure function of (pod, its observed containers, known waiting reasons, now):
/// start what is missing, restart exited containers per restartPolicy with CrashLoopBackOff (10 s doubling to
/// 5 min, reset after 10 min of running), back off image pulls, and stop everything of a terminating pod.
/// </summary>
public static class PodSync
{
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    static readonly TimeSpan BackoffReset = TimeSpan.FromMinutes(10);

    public static TimeSpan Backoff(int failures) =>
        failures <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, InitialBackoff.Ticks * (1L << Math.Min(failures - 1, 10))));

    public static PodSyncPlan Plan(V1Pod pod, IReadOnlyList<RuntimeContainer> observed, IReadOnlyDictionary<string, Waiting> waiting, DateTime now)
    {
        var actions = new List<AgentAction>();
        var nextWaiting = new Dictionary<string, Waiting>();
        if (pod.Metadata.DeletionTimestamp is { } deadline)
        {
            var grace = deadline - now;
            if (grace < TimeSpan.Zero) grace = TimeSpan.Zero;
            foreach (var c in observed.Where(c => c.State == ContainerStates.Running)) actions.Add(new StopContainer(c.Id, grace));
            foreach (var c in observed) actions.Add(new RemoveContainer(c.Id));
            return new PodSyncPlan(actions, nextWaiting, Finalize: true);
        }

        var specNames = new HashSet<string>((pod.Spec.Containers ?? []).Select(c => c.Name));
        // Containers of names the spec no longer has (should not happen: pod specs are immutable) go away.
        foreach (var c in observed.Where(c => !specNames.Contains(c.ContainerName))) actions.Add(new RemoveContainer(c.Id));

        var policy = pod.Spec.RestartPolicy ?? "Always";
        foreach (var spec in pod.Spec.Containers ?? [])
        {
            var mine = observed.Where(c => c.ContainerName == spec.Name).OrderByDescending(c => c.Attempt).ToList();
            var latest = mine.FirstOrDefault();
            // Keep the latest and the one before it (for `logs --previous`); older attempts are removed.
            foreach (var old in mine.Skip(2)) actions.Add(new RemoveContainer(old.Id));
            waiting.TryGetValue(spec.Name, out var w);

            if (latest == null)
            {
                if (w != null && w.NextAttempt > now) { nextWaiting[spec.Name] = Backoff(w); continue; }
                if (w != null) nextWaiting[spec.Name] = w;
                actions.Add(new StartContainer(spec, PreviousRestarts(pod, spec.Name), null));
                continue;
            }
            switch (latest.State)
            {
                case ContainerStates.Running:
                    break;
                case ContainerStates.Created:
                    actions.Add(new StartContainer(spec, latest.Attempt, latest.Id));
                    break;
                default:
                    var restart = policy == "Always" || (policy == "OnFailure" && latest.ExitCode != 0);
                    if (!restart) break;
                    var ranLong = latest.StartedAt is { } s && latest.FinishedAt is { } f && f - s >= BackoffReset;
                    var delay = ranLong ? TimeSpan.Zero : Backoff(latest.Attempt);
                    var due = (latest.FinishedAt ?? now) + delay;
                    if (due > now)
                    {
                        nextWaiting[spec.Name] = new Waiting("CrashLoopBackOff",
                            $"back-off {Seconds(delay)} restarting failed container={spec.Name} pod={pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}({pod.Metadata.Uid})",
                            latest.Attempt, due);
                        break;
                    }
                    var previous = mine.Skip(1).FirstOrDefault();
                    actions.Add(new StartContainer(spec, latest.Attempt + 1, previous?.Id));
                    break;
            }
        }
        return new PodSyncPlan(actions, nextWaiting, Finalize: false);
    }

    static Waiting Backoff(Waiting w) => w.Reason switch
    {
        "ErrImagePull" or "ImagePullBackOff" => w with { Reason = "ImagePullBackOff", Message = w.Message.StartsWith("Back-off") ? w.Message : $"Back-off pulling image: {w.Message}" },
        _ => w,
    };

    static string Seconds(TimeSpan t) => t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds}s" : $"{(int)t.TotalSeconds}s";

    /// <summary>Restarts already counted for this container (when its containers were removed outside our control).</summary>
    static int PreviousRestarts(V1Pod pod, string name)
    {
        var s = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == name);
        if (s == null) return 0;
        return s.ContainerID == null ? s.RestartCount : s.RestartCount + 1;
    }
}
