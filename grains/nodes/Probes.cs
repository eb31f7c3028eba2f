using k8s.Models;

namespace Cluster.Grains.Nodes;

public enum ProbeKind { Startup, Readiness, Liveness }

/// <summary>
/// One probe's running state, as the kubelet keeps it: consecutive successes and failures against
/// successThreshold and failureThreshold, and when it is next due (initialDelaySeconds, then every periodSeconds).
/// </summary>
public sealed class ProbeState(ProbeKind kind, V1Probe probe, DateTime containerStarted)
{
    public ProbeKind Kind { get; } = kind;
    public V1Probe Probe { get; } = probe;
    public DateTime ContainerStarted { get; } = containerStarted;
    public int Successes { get; private set; }
    public int Failures { get; private set; }
    public DateTime? LastRun { get; private set; }
    public string? LastMessage { get; private set; }
    /// <summary>Readiness and startup start out failed; liveness starts out passed (as the kubelet).</summary>
    public bool Passing { get; private set; } = kind == ProbeKind.Liveness;

    TimeSpan Period => TimeSpan.FromSeconds(Probe.PeriodSeconds is > 0 ? Probe.PeriodSeconds.Value : 10);
    public TimeSpan Timeout => TimeSpan.FromSeconds(Probe.TimeoutSeconds is > 0 ? Probe.TimeoutSeconds.Value : 1);
    int SuccessThreshold => Probe.SuccessThreshold is > 0 ? Probe.SuccessThreshold.Value : 1;
    int FailureThreshold => Probe.FailureThreshold is > 0 ? Probe.FailureThreshold.Value : 3;

    public bool Due(DateTime now) =>
        now >= ContainerStarted.AddSeconds(Probe.InitialDelaySeconds ?? 0) && (LastRun == null || now - LastRun >= Period);

    /// <summary>Records a result; true when Passing changed.</summary>
    public bool Record(bool success, string? message, DateTime now)
    {
        LastRun = now;
        LastMessage = message;
        var before = Passing;
        if (success) { Successes++; Failures = 0; if (Successes >= SuccessThreshold) Passing = true; }
        else { Failures++; Successes = 0; if (Failures >= FailureThreshold) Passing = false; }
        return before != Passing;
    }

    /// <summary>Liveness or startup failed past its threshold: the container must be restarted.</summary>
    public bool DemandsRestart => Kind is ProbeKind.Liveness or ProbeKind.Startup && Failures >= FailureThreshold;
}
