using k8s.Models;

namespace Cluster.Grains.Admission.Quota;

/// <summary>
/// LimitRange admission for pods (type Container): containers without requests or limits get the range's
/// defaults (defaultRequest, default), and each must stay within min and max, or the pod is refused with
/// Kubernetes' wording.
/// </summary>
public static class Limits
{
    public static string? Apply(IEnumerable<V1LimitRange> ranges, V1Pod pod)
    {
        foreach (var range in ranges)
            foreach (var item in (range.Spec?.Limits ?? []).Where(l => l.Type == "Container"))
                foreach (var c in pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []))
                {
                    c.Resources ??= new V1ResourceRequirements();
                    var ownLimits = c.Resources.Limits?.Keys.ToHashSet() ?? [];
                    foreach (var (resource, q) in item.DefaultProperty ?? new Dictionary<string, ResourceQuantity>())
                    {
                        c.Resources.Limits ??= new Dictionary<string, ResourceQuantity>();
                        c.Resources.Limits.TryAdd(resource, q);
                    }
                    foreach (var (resource, q) in item.DefaultRequest ?? new Dictionary<string, ResourceQuantity>())
                    {
                        c.Resources.Requests ??= new Dictionary<string, ResourceQuantity>();
                        // Kubernetes: a request defaults to the limit when only the limit is given.
                        c.Resources.Requests.TryAdd(resource, ownLimits.Contains(resource) ? c.Resources.Limits![resource] : q);
                    }
                    foreach (var (resource, min) in item.Min ?? new Dictionary<string, ResourceQuantity>())
                    {
                        var request = Get(c.Resources.Requests, resource);
                        if (request == null) return $"minimum {resource} usage per Container is {min}.  No request is specified";
                        if (request.ToDecimal() < min.ToDecimal()) return $"minimum {resource} usage per Container is {min}, but request is {request}";
                    }
                    foreach (var (resource, max) in item.Max ?? new Dictionary<string, ResourceQuantity>())
                    {
                        var limit = Get(c.Resources.Limits, resource);
                        if (limit == null) return $"maximum {resource} usage per Container is {max}.  No limit is specified";
                        if (limit.ToDecimal() > max.ToDecimal()) return $"maximum {resource} usage per Container is {max}, but limit is {limit}";
                    }
                }
        return null;
    }

    static ResourceQuantity? Get(IDictionary<string, ResourceQuantity>? d, string key) => d != null && d.TryGetValue(key, out var q) ? q : null;
}
