using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cluster.Grains.Telemetry;

/// <summary>
/// The cluster's own OpenTelemetry signals. One trace follows a change: the API request, each controller's
/// reconcile it causes, the scheduling and binding of each pod, and the container start on the node. A grain keeps
/// the context of the write that changed it (in memory; traces are best effort) and parents its next reconcile on
/// it; Orleans carries the context on every grain call in between (AddActivityPropagation).
/// </summary>
public static class Telemetry
{
    public const string Name = "Cluster";
    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> ReconcileDuration = Meter.CreateHistogram<double>(
        "cluster.reconcile.duration", "ms", "time one controller reconcile took, by kind");
    public static readonly Histogram<double> SchedulingLatency = Meter.CreateHistogram<double>(
        "cluster.scheduling.latency", "ms", "time from a pod entering the scheduler's queue to its binding");
    public static readonly Histogram<double> ContainerStart = Meter.CreateHistogram<double>(
        "cluster.container.start.duration", "ms", "time to create and start one container on the node's runtime");
    /// <summary>Pods by phase, as the pod grains in this silo see them (the sum over silos is the cluster's).</summary>
    public static readonly UpDownCounter<long> Pods = Meter.CreateUpDownCounter<long>("cluster.pods", description: "pods by phase");

    static int _workQueue;
    static int _schedulerQueue;

    static Telemetry()
    {
        Meter.CreateObservableGauge("cluster.workqueue.depth", () => new[]
        {
            new Measurement<int>(Volatile.Read(ref _workQueue), new KeyValuePair<string, object?>("queue", "reconcile")),
            new Measurement<int>(Volatile.Read(ref _schedulerQueue), new KeyValuePair<string, object?>("queue", "scheduler")),
        }, description: "reconciles waiting to run, and pods waiting in the scheduler's queue, in this silo");
    }

    public static void ReconcileQueued() => Interlocked.Increment(ref _workQueue);
    public static void ReconcileDequeued() => Interlocked.Decrement(ref _workQueue);
    public static void SchedulerQueue(int depth) => Volatile.Write(ref _schedulerQueue, depth);

    public static void PodPhase(string? from, string? to)
    {
        if (from == "") from = null;
        if (to == "") to = null;
        if (from == to) return;
        if (from != null) Pods.Add(-1, new KeyValuePair<string, object?>("phase", from));
        if (to != null) Pods.Add(1, new KeyValuePair<string, object?>("phase", to));
    }

    /// <summary>The current context as a W3C traceparent, to parent later work on (null when nothing is traced).</summary>
    public static string? CurrentParent() => Activity.Current is { } a && a.Recorded ? a.Id : null;

    /// <summary>The current span, only when it continues a caller's trace: a call that arrived untraced gets a new
    /// root span from Orleans' own instrumentation, which belongs to no one's request.</summary>
    public static string? ContinuedParent() => Activity.Current is { } a && a.Recorded && a.ParentSpanId != default ? a.Id : null;

    /// <summary>Starts a span under a recorded traceparent (or a new trace when there is none).</summary>
    public static Activity? Start(string name, string? parent, ActivityKind kind = ActivityKind.Internal)
    {
        if (!Source.HasListeners()) return null;
        if (parent != null && ActivityContext.TryParse(parent, null, out var ctx))
            return Source.StartActivity(name, kind, ctx);
        return Source.StartActivity(name, kind);
    }
}
