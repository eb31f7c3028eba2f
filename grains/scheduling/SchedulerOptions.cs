namespace Cluster.Grains.Scheduling;

/// <summary>The silo's `--scheduler` choice.</summary>
public sealed class SchedulerOptions
{
    public string Strategy { get; set; } = "fair-share";
    /// <summary>How often pods that fit nowhere are tried again even when no node changed.</summary>
    public TimeSpan RetryUnschedulable { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Whether a "Scheduled" Event is written per pod (one more write per pod; off for scale runs).</summary>
    public bool RecordScheduledEvents { get; set; } = true;
}
