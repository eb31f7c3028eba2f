using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Grains.Admission.Quota;

/// <summary>What one object counts against a ResourceQuota: object counts, and for pods their requests and limits.</summary>
public static class Usage
{
    public static Dictionary<string, decimal> Of(KindInfo kind, object obj)
    {
        var u = new Dictionary<string, decimal> { [$"count/{kind.Resource}"] = 1 };
        switch (obj)
        {
            case V1Pod p when p.Status?.Phase is not ("Succeeded" or "Failed"):
                u["pods"] = 1;
                foreach (var c in p.Spec?.Containers ?? [])
                {
                    Add(u, "requests.cpu", c.Resources?.Requests, "cpu");
                    Add(u, "requests.memory", c.Resources?.Requests, "memory");
                    Add(u, "limits.cpu", c.Resources?.Limits, "cpu");
                    Add(u, "limits.memory", c.Resources?.Limits, "memory");
                }
                u["cpu"] = u.GetValueOrDefault("requests.cpu");
                u["memory"] = u.GetValueOrDefault("requests.memory");
                break;
            case V1Pod: u.Remove($"count/{kind.Resource}"); break; // finished pods do not count
            case V1Service s:
                u["services"] = 1;
                if (s.Spec?.Type == "NodePort") u["services.nodeports"] = s.Spec.Ports?.Count ?? 0;
                if (s.Spec?.Type == "LoadBalancer") u["services.loadbalancers"] = 1;
                break;
            case V1ConfigMap: u["configmaps"] = 1; break;
            case V1Secret: u["secrets"] = 1; break;
            case V1PersistentVolumeClaim pvc:
                u["persistentvolumeclaims"] = 1;
                Add(u, "requests.storage", pvc.Spec?.Resources?.Requests, "storage");
                break;
        }
        return u;
    }

    static void Add(Dictionary<string, decimal> u, string key, IDictionary<string, ResourceQuantity>? from, string resource)
    {
        if (from != null && from.TryGetValue(resource, out var q)) u[key] = u.GetValueOrDefault(key) + q.ToDecimal();
    }

    /// <summary>The quota's resources this object would take past the hard limits, in Kubernetes' message format.</summary>
    public static string? Exceeded(V1ResourceQuota quota, IReadOnlyDictionary<string, decimal> used, IReadOnlyDictionary<string, decimal> requested)
    {
        var hard = quota.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
        var over = hard.Where(h => requested.TryGetValue(h.Key, out var r) && r > 0 && used.GetValueOrDefault(h.Key) + r > h.Value.ToDecimal())
            .Select(h => h.Key).Order(StringComparer.Ordinal).ToList();
        if (over.Count == 0) return null;
        string List(Func<string, string> value) => string.Join(",", over.Select(k => $"{k}={value(k)}"));
        return $"exceeded quota: {quota.Metadata.Name}, requested: {List(k => Format(k, requested[k]))}, used: {List(k => Format(k, used.GetValueOrDefault(k)))}, limited: {List(k => hard[k].ToString())}";
    }

    /// <summary>Pods must state what a quota tracks (Kubernetes: "must specify requests.cpu").</summary>
    public static string? Missing(V1ResourceQuota quota, V1Pod pod)
    {
        var hard = quota.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
        var missing = new List<string>();
        foreach (var (key, resource, limits) in new[] { ("requests.cpu", "cpu", false), ("cpu", "cpu", false), ("requests.memory", "memory", false), ("memory", "memory", false), ("limits.cpu", "cpu", true), ("limits.memory", "memory", true) })
            if (hard.ContainsKey(key) && pod.Spec.Containers.Any(c => !((limits ? c.Resources?.Limits : c.Resources?.Requests)?.ContainsKey(resource) ?? false)))
                missing.Add(key);
        return missing.Count == 0 ? null : $"failed quota: {quota.Metadata.Name}: must specify {string.Join(",", missing.Distinct().Order(StringComparer.Ordinal))}";
    }

    static string Format(string key, decimal v) => Quantity(key, v).ToString();

    /// <summary>A usage figure as a quantity: cpu in cores or millicores, everything else whole.</summary>
    public static ResourceQuantity Quantity(string key, decimal v) =>
        new(key.EndsWith("cpu", StringComparison.Ordinal) && v != Math.Floor(v) ? $"{(long)(v * 1000)}m" : ((long)v).ToString());
}
