namespace Cluster.Grains.Nodes;

public sealed class NodeAgentOptions
{
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Full resync of every pod even without a signal (backoff expiries, missed events).</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// Between full passes the agent re-reads only the pods it was told changed (their node grain hears of every
    /// write to spec, metadata or deletion); every this often it re-reads them all anyway (kubelet's syncFrequency).
    /// </summary>
    public TimeSpan PodRereadPeriod { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Containers started at the same time (the engine gains little past a few: see docker-engine.md).</summary>
    public int StartConcurrency { get; set; } = 4;
    public string HostIp { get; set; } = "127.0.0.1";
    /// <summary>Capacity reported for pods per node.</summary>
    public int MaxPods { get; set; } = 110;
    /// <summary>
    /// Fencing: when this node cannot record a heartbeat (its silo lost Redis or the cluster) for this long, it stops
    /// its containers, because the rest of the cluster may already have replaced its pods. Zero turns it off.
    /// </summary>
    public TimeSpan FenceAfter { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Where the node keeps its pods' volumes ({root}/{pod uid}/volumes/{name}); under the silo's data directory.</summary>
    public string? VolumesRoot { get; set; }
    /// <summary>How often the agent samples its containers' CPU and memory for the autoscaler (zero: never).</summary>
    public TimeSpan UsagePeriod { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Whether the agent logs its registration (a silo of thousands of simulated nodes logs one line for them all).</summary>
    public bool LogRegistration { get; set; } = true;
}
