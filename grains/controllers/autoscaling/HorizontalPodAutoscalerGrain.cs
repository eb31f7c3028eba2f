using Cluster.Grains.Events;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Controllers.Autoscaling;

/// <summary>
/// A HorizontalPodAutoscaler (autoscaling/v2) and its controller: every few seconds it reads its target's scale
/// and its metrics, runs <see cref="Autoscaler.Decide"/>, scales the Deployment or StatefulSet, and records status.
/// Metrics: Resource cpu and memory (utilization of requests, or average value) from the node agents' samples of
/// the engine's stats; and, beyond Kubernetes' built-ins, Object metrics of a Service from the silos' service
/// proxies: "requests-per-second" and "error-ratio" (failed connections over all, last 10 s).
/// </summary>
public sealed class HorizontalPodAutoscalerGrain(
    [PersistentState("object", ObjectGrain<V2HorizontalPodAutoscaler>.StorageName)] IPersistentState<ObjectRecord> state,
    ILogger<HorizontalPodAutoscalerGrain> logger) : ObjectGrain<V2HorizontalPodAutoscaler>(state, logger), IHorizontalPodAutoscalerGrain
{
    const string Component = "horizontal-pod-autoscaler";
    public const string RequestsPerSecond = "requests-per-second";
    public const string ErrorRatio = "error-ratio";
    static readonly TimeSpan SyncPeriod = TimeSpan.FromSeconds(5);
    protected override bool IsController => true;
    List<Recommendation> _history = [];
    readonly List<ScaleEvent> _events = [];

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var hpa = Current!;
        var now = Objects.Now();
        var target = hpa.Spec.ScaleTargetRef;
        var targetKey = new ObjectKey(target.Kind, Key.Namespace, target.Name);
        if (target.Kind is not ("Deployment" or "StatefulSet") )
            return await Fail(hpa, "AbleToScale", "FailedGetScale", $"the HPA controller was unable to get the target's current scale: {target.Kind} cannot be scaled by this cluster");
        var r = await GrainFactory.For(targetKey).Get();
        if (!r.Ok) return await Fail(hpa, "AbleToScale", "FailedGetScale", $"the HPA controller was unable to get the target's current scale: {target.Kind.ToLowerInvariant()}s \"{target.Name}\" not found");
        var (replicas, selector, template) = target.Kind == "Deployment"
            ? Read(Objects.FromJson<V1Deployment>(r.Json!))
            : Read(Objects.FromJson<V1StatefulSet>(r.Json!));

        var pods = (await GrainFactory.Index("Pod", Key.Namespace).List(new ListRequest())).Items
            .Select(Objects.FromJson<V1Pod>)
            .Where(p => p.Metadata.DeletionTimestamp == null && p.Status?.Phase == "Running"
                        && selector.Matches((IReadOnlyDictionary<string, string>?)p.Metadata.Labels?.ToDictionary()))
            .ToList();
        var observed = new List<Observed>();
        foreach (var m in hpa.Spec.Metrics ?? [])
            observed.Add(await Observe(m, pods, replicas));

        var decision = Autoscaler.Decide(hpa, replicas, observed, _history, _events, now);
        _history = decision.Recommendations.ToList();
        DateTime? scaledAt = hpa.Status?.LastScaleTime;
        if (decision.Desired != replicas && decision.Reason != "FailedGetMetrics")
        {
            var scaled = target.Kind == "Deployment"
                ? await GrainFactory.GetGrain<IDeploymentGrain>(targetKey.GrainKey).Scale(decision.Desired)
                : await GrainFactory.GetGrain<IStatefulSetGrain>(targetKey.GrainKey).Scale(decision.Desired);
            if (scaled.Ok)
            {
                _events.Add(new ScaleEvent(now, replicas, decision.Desired));
                _events.RemoveAll(e => now - e.At > TimeSpan.FromMinutes(30));
                scaledAt = now;
                var above = decision.Desired > replicas ? "above" : "below";
                var why = observed.FirstOrDefault(o => o.PerPod != null) is { } o ? $"{Describe(o.Spec)} {above} target" : "the bounds";
                await EventRecorder.Record(GrainFactory, hpa, Kind, EventRecorder.Normal, "SuccessfulRescale", $"New size: {decision.Desired}; reason: {why}", Component);
                logger.LogInformation("{Key}: scaled {Kind}/{Name} from {From} to {To}", Key, target.Kind, target.Name, replicas, decision.Desired);
            }
        }
        var status = new V2HorizontalPodAutoscalerStatus
        {
            CurrentReplicas = replicas,
            DesiredReplicas = decision.Reason == "FailedGetMetrics" ? replicas : decision.Desired,
            LastScaleTime = scaledAt,
            ObservedGeneration = hpa.Metadata.Generation,
            CurrentMetrics = observed.All(o => o.Status == null) ? null : observed.Select(o => o.Status ?? new V2MetricStatus { Type = o.Spec.Type }).ToList(),
            Conditions =
            [
                Condition(hpa, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size", now),
                decision.Reason == "FailedGetMetrics"
                    ? Condition(hpa, "ScalingActive", "False", "FailedGetMetrics", decision.Message, now)
                    : Condition(hpa, "ScalingActive", "True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count", now),
                Condition(hpa, "ScalingLimited", decision.Reason is "TooManyReplicas" or "TooFewReplicas" ? "True" : "False", decision.Reason, decision.Message, now),
            ],
        };
        await Mutate(x => { if (Objects.SameJson(x.Status, status)) return false; x.Status = status; return true; });
        return SyncPeriod;
    }

    static (int Replicas, LabelSelector Selector, V1PodTemplateSpec Template) Read(V1Deployment d) =>
        (d.Spec.Replicas ?? 1, LabelSelector.FromModel(d.Spec.Selector), d.Spec.Template);
    static (int Replicas, LabelSelector Selector, V1PodTemplateSpec Template) Read(V1StatefulSet s) =>
        (s.Spec.Replicas ?? 1, LabelSelector.FromModel(s.Spec.Selector), s.Spec.Template);

    async Task<Observed> Observe(V2MetricSpec m, List<V1Pod> pods, int replicas)
    {
        if (m.Type == "Resource" && m.Resource is { } res && res.Name is "cpu" or "memory")
        {
            var usage = new Dictionary<string, PodUsage>();
            foreach (var node in pods.Select(p => p.Spec.NodeName).Where(n => !string.IsNullOrEmpty(n)).Distinct())
                foreach (var u in await GrainFactory.GetGrain<INodeGrain>(new ObjectKey("Node", "", node).GrainKey).Usage())
                    usage[u.PodUid] = u;
            var sampled = pods.Where(p => usage.ContainsKey(p.Metadata.Uid)).ToList();
            if (sampled.Count == 0) return new Observed(m, null, null);
            double Used(V1Pod p) => res.Name == "cpu" ? usage[p.Metadata.Uid].MilliCpu : usage[p.Metadata.Uid].MemoryBytes;
            double Requested(V1Pod p) => p.Spec.Containers.Sum(c => c.Resources?.Requests?.TryGetValue(res.Name, out var q) == true ? (double)q.ToDecimal() * (res.Name == "cpu" ? 1000 : 1) : 0);
            var total = sampled.Sum(Used);
            var average = total / sampled.Count;
            if (res.Target.AverageUtilization is { } _)
            {
                var requested = sampled.Sum(Requested);
                if (requested <= 0) return new Observed(m, null, null); // Kubernetes: "missing request for cpu"
                var utilization = (int)Math.Round(total / requested * 100);
                return new Observed(m, utilization, new V2MetricStatus
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricStatus { Name = res.Name, Current = new V2MetricValueStatus { AverageUtilization = utilization, AverageValue = Quantity(average, res.Name) } },
                });
            }
            return new Observed(m, res.Name == "cpu" ? average / 1000 : average, new V2MetricStatus
            {
                Type = "Resource",
                Resource = new V2ResourceMetricStatus { Name = res.Name, Current = new V2MetricValueStatus { AverageValue = Quantity(average, res.Name) } },
            });
        }
        if (m.Type == "Object" && m.ObjectProperty is { } obj && obj.DescribedObject?.Kind == "Service" && obj.Metric?.Name is RequestsPerSecond or ErrorRatio)
        {
            // Every silo proxies its own share of the traffic: one answer per silo, summed.
            var bySilo = new Dictionary<string, ServiceTraffic>();
            foreach (var json in (await GrainFactory.Index("Node", "").List(new ListRequest())).Items)
            {
                var node = Objects.FromJson<V1Node>(json).Metadata.Name;
                try
                {
                    var t = await GrainFactory.GetGrain<INodeGrain>(new ObjectKey("Node", "", node).GrainKey).Traffic(Key.Namespace, obj.DescribedObject.Name).WaitAsync(TimeSpan.FromSeconds(2));
                    bySilo[t.Silo] = t;
                }
                catch (Exception e) { Logger.LogDebug("traffic of {Service} from {Node} unknown: {Message}", obj.DescribedObject.Name, node, e.Message); }
            }
            var rate = bySilo.Values.Sum(t => t.RequestsPerSecond);
            var value = obj.Metric.Name == RequestsPerSecond ? rate : rate == 0 ? 0 : bySilo.Values.Sum(t => t.ErrorRatio * t.RequestsPerSecond) / rate;
            var perPod = obj.Target.Type == "AverageValue" ? value / Math.Max(1, replicas) : value;
            var current = obj.Target.Type == "AverageValue"
                ? new V2MetricValueStatus { AverageValue = Milli(perPod) }
                : new V2MetricValueStatus { Value = Milli(value) };
            return new Observed(m, perPod, new V2MetricStatus
            {
                Type = "Object",
                ObjectProperty = new V2ObjectMetricStatus { DescribedObject = obj.DescribedObject, Metric = obj.Metric, Current = current },
            });
        }
        return new Observed(m, null, null);
    }

    static ResourceQuantity Quantity(double v, string resource) => resource == "cpu" ? new ResourceQuantity($"{(long)Math.Round(v)}m") : new ResourceQuantity(((long)v).ToString());
    static ResourceQuantity Milli(double v) => new($"{(long)Math.Round(v * 1000)}m");

    static string Describe(V2MetricSpec m) => m.Type switch
    {
        "Resource" => $"{m.Resource.Name} resource" + (m.Resource.Target.AverageUtilization != null ? " utilization (percentage of request)" : ""),
        "Object" => $"{m.ObjectProperty.Metric.Name} metric on {m.ObjectProperty.DescribedObject.Kind}/{m.ObjectProperty.DescribedObject.Name}",
        _ => m.Type,
    };

    static V2HorizontalPodAutoscalerCondition Condition(V2HorizontalPodAutoscaler hpa, string type, string status, string reason, string message, DateTime now)
    {
        var old = hpa.Status?.Conditions?.FirstOrDefault(c => c.Type == type);
        return new V2HorizontalPodAutoscalerCondition
        {
            Type = type, Status = status, Reason = reason, Message = message,
            LastTransitionTime = old != null && old.Status == status ? old.LastTransitionTime : now,
        };
    }

    async Task<TimeSpan?> Fail(V2HorizontalPodAutoscaler hpa, string type, string reason, string message)
    {
        var now = Objects.Now();
        await Mutate(x =>
        {
            x.Status ??= new V2HorizontalPodAutoscalerStatus { DesiredReplicas = 0 };
            var c = Condition(hpa, type, "False", reason, message, now);
            if (x.Status.Conditions?.Any(o => o.Type == type && o.Status == "False" && o.Reason == reason) == true) return false;
            x.Status.Conditions = [c];
            return true;
        });
        return TimeSpan.FromSeconds(15);
    }
}
