using k8s.Models;

namespace Cluster.Grains.Controllers.Autoscaling;

/// <summary>One metric as observed now: the value per pod (utilization in percent, or an average value), or null when unknown.</summary>
public sealed record Observed(V2MetricSpec Spec, double? PerPod, V2MetricStatus? Status);

/// <summary>A past recommendation or scaling, for the behavior's stabilization windows and rate policies.</summary>
public sealed record Recommendation(DateTime At, int Replicas);
public sealed record ScaleEvent(DateTime At, int From, int To);

public sealed record AutoscalerDecision(int Desired, IReadOnlyList<Recommendation> Recommendations, string Reason, string Message);

/// <summary>
/// The HorizontalPodAutoscaler's algorithm (autoscaling/v2), as a pure function: for each metric,
/// desired = ceil(current replicas x current / target), ignoring changes within the 10% tolerance; the largest
/// proposal wins; then the behavior: the stabilization window (the highest recommendation of the window when
/// scaling down, the lowest when scaling up), the rate policies (Pods or Percent per period, Max or Min of them),
/// and minReplicas / maxReplicas.
/// </summary>
public static class Autoscaler
{
    public const double Tolerance = 0.1;

    public static AutoscalerDecision Decide(V2HorizontalPodAutoscaler hpa, int current, IReadOnlyList<Observed> metrics,
        IReadOnlyList<Recommendation> history, IReadOnlyList<ScaleEvent> events, DateTime now)
    {
        var min = hpa.Spec.MinReplicas ?? 1;
        var max = hpa.Spec.MaxReplicas;
        if (current == 0 && min > 0) return new AutoscalerDecision(0, history, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");

        int? proposal = null;
        foreach (var m in metrics)
        {
            if (m.PerPod is not { } value || Target(m.Spec) is not { } target || target <= 0) continue;
            var ratio = value / target;
            var p = Math.Abs(ratio - 1) <= Tolerance ? current : (int)Math.Ceiling(ratio * current);
            proposal = Math.Max(proposal ?? 0, p);
        }
        if (proposal == null) return new AutoscalerDecision(current, history, "FailedGetMetrics", "the HPA was unable to compute the replica count: no metric is available");
        var recommendation = proposal.Value;

        var kept = history.Where(r => now - r.At <= TimeSpan.FromSeconds(3600)).Append(new Recommendation(now, recommendation)).ToList();
        var up = hpa.Spec.Behavior?.ScaleUp;
        var down = hpa.Spec.Behavior?.ScaleDown;
        var upWindow = TimeSpan.FromSeconds(up?.StabilizationWindowSeconds ?? 0);
        var downWindow = TimeSpan.FromSeconds(down?.StabilizationWindowSeconds ?? 300);
        // Stabilization: never scale up past what the whole up-window asked for, nor down below the down-window's highest.
        var upLimit = kept.Where(r => now - r.At <= upWindow).Min(r => r.Replicas);
        var downLimit = kept.Where(r => now - r.At <= downWindow).Max(r => r.Replicas);
        var stabilized = current;
        if (upLimit > current) stabilized = upLimit;
        if (downLimit < current) stabilized = downLimit;

        var desired = stabilized;
        string reason = "ScaleWithinRange", message = "the desired count is within the acceptable range";
        if (desired > current) desired = Math.Min(desired, RateLimit(up, current, events, now, scalingUp: true));
        else if (desired < current) desired = Math.Max(desired, RateLimit(down, current, events, now, scalingUp: false));
        if (desired > max) { desired = max; reason = "TooManyReplicas"; message = "the desired replica count is more than the maximum replica count"; }
        if (desired < min) { desired = min; reason = "TooFewReplicas"; message = "the desired replica count is less than the minimum replica count"; }
        return new AutoscalerDecision(desired, kept, reason, message);
    }

    /// <summary>The furthest the policies let the count move from current now (Kubernetes' defaults when none given).</summary>
    static int RateLimit(V2HPAScalingRules? rules, int current, IReadOnlyList<ScaleEvent> events, DateTime now, bool scalingUp)
    {
        var policies = rules?.Policies?.ToList() ?? (scalingUp
            ? [new V2HPAScalingPolicy { Type = "Pods", Value = 4, PeriodSeconds = 15 }, new V2HPAScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 }]
            : [new V2HPAScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 }]);
        if (rules?.SelectPolicy == "Disabled") return current;
        var limits = new List<int>();
        foreach (var p in policies)
        {
            // Replicas at the start of the period: current minus what the period's scalings already changed.
            var changed = events.Where(e => now - e.At <= TimeSpan.FromSeconds(p.PeriodSeconds) && (e.To > e.From) == scalingUp).Sum(e => e.To - e.From);
            var start = current - changed;
            limits.Add(scalingUp
                ? p.Type == "Pods" ? start + p.Value : (int)Math.Ceiling(start * (1 + p.Value / 100.0))
                : p.Type == "Pods" ? start - p.Value : (int)Math.Ceiling(start * (1 - p.Value / 100.0)));
        }
        var select = rules?.SelectPolicy ?? "Max";
        // Max lets the count move the most; Min the least.
        return scalingUp
            ? (select == "Min" ? limits.Min() : limits.Max())
            : (select == "Min" ? limits.Max() : limits.Min());
    }

    /// <summary>The target per pod: a utilization in percent, or an average value (AverageValue, or Value spread over the pods).</summary>
    public static double? Target(V2MetricSpec m)
    {
        var t = m.Type switch
        {
            "Resource" => m.Resource?.Target,
            "Object" => m.ObjectProperty?.Target,
            "Pods" => m.Pods?.Target,
            "ContainerResource" => m.ContainerResource?.Target,
            _ => null,
        };
        if (t == null) return null;
        if (t.AverageUtilization is { } u) return u;
        if (t.AverageValue is { } av) return (double)av.ToDecimal();
        if (t.Value is { } v) return (double)v.ToDecimal();
        return null;
    }
}
