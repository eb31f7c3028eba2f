using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Grains.Controllers.Endpoints;

public sealed record EndpointsPlan(V1Endpoints Endpoints, V1EndpointSlice Slice);

/// <summary>
/// The endpoints controller as a pure function of (service, the pods its selector matches): Ready pods are
/// addresses, unready ones notReadyAddresses, terminating ones are left out of Endpoints (and marked terminating in
/// the EndpointSlice), so traffic stops reaching a pod as soon as it turns unready or starts terminating.
/// </summary>
public static class EndpointsReconciler
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    /// <summary>Kubernetes' label on the Endpoints of a headless Service (the service records read them).</summary>
    public const string HeadlessLabel = "service.kubernetes.io/headless";

    public static EndpointsPlan Plan(V1Service svc, IReadOnlyList<V1Pod> pods)
    {
        var ns = svc.Metadata.NamespaceProperty;
        var owner = Objects.OwnerReference(svc, Kinds.Service);
        owner.BlockOwnerDeletion = null;
        var subsets = new List<V1EndpointSubset>();
        var sliceEndpoints = new List<V1Endpoint>();
        var slicePorts = new Dictionary<string, Discoveryv1EndpointPort>();
        // Pods that resolve the service's ports the same way share a subset (named target ports may differ per pod).
        foreach (var group in pods.Where(p => p.Status?.PodIP != null || p.Status?.HostIP != null)
                     .GroupBy(p => string.Join(",", Ports(svc, p).Select(x => $"{x.Name}/{x.Port}/{x.Protocol}"))))
        {
            var ports = Ports(svc, group.First());
            if (ports.Count == 0) continue;
            var ready = new List<V1EndpointAddress>();
            var notReady = new List<V1EndpointAddress>();
            foreach (var p in group.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
            {
                var terminating = p.Metadata.DeletionTimestamp != null;
                var isReady = !terminating && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
                var address = new V1EndpointAddress
                {
                    Ip = p.Status?.PodIP ?? p.Status!.HostIP, NodeName = p.Spec.NodeName,
                    // A pod whose subdomain is this service has a name of its own in the service's records.
                    Hostname = !string.IsNullOrEmpty(p.Spec.Hostname) && p.Spec.Subdomain == svc.Metadata.Name ? p.Spec.Hostname : null,
                    TargetRef = new V1ObjectReference { Kind = "Pod", Name = p.Metadata.Name, NamespaceProperty = ns, Uid = p.Metadata.Uid },
                };
                if (!terminating) (isReady ? ready : notReady).Add(address);
                sliceEndpoints.Add(new V1Endpoint
                {
                    Addresses = [address.Ip], NodeName = p.Spec.NodeName, TargetRef = address.TargetRef,
                    Conditions = new V1EndpointConditions { Ready = isReady, Serving = !terminating ? isReady : p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, Terminating = terminating },
                });
            }
            foreach (var port in ports) slicePorts[$"{port.Name}/{port.Port}"] = new Discoveryv1EndpointPort { Name = port.Name, Port = port.Port, Protocol = port.Protocol };
            if (ready.Count + notReady.Count > 0)
                subsets.Add(new V1EndpointSubset
                {
                    Addresses = ready.Count > 0 ? ready : null,
                    NotReadyAddresses = notReady.Count > 0 ? notReady : null,
                    Ports = ports,
                });
        }
        var labels = new Dictionary<string, string>(svc.Metadata.Labels ?? new Dictionary<string, string>()) { [ServiceNameLabel] = svc.Metadata.Name };
        var endpointLabels = new Dictionary<string, string>(svc.Metadata.Labels ?? new Dictionary<string, string>());
        if (svc.Spec.ClusterIP == "None") endpointLabels[HeadlessLabel] = "";
        var endpoints = new V1Endpoints
        {
            ApiVersion = "v1", Kind = "Endpoints",
            Metadata = new V1ObjectMeta { Name = svc.Metadata.Name, NamespaceProperty = ns, Labels = endpointLabels.Count > 0 ? endpointLabels : null, OwnerReferences = [owner] },
            Subsets = subsets.Count > 0 ? subsets : null,
        };
        var slice = new V1EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1", Kind = "EndpointSlice", AddressType = "IPv4",
            Metadata = new V1ObjectMeta
            {
                Name = SliceName(svc), NamespaceProperty = ns, OwnerReferences = [owner],
                Labels = new Dictionary<string, string>(labels) { ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io" },
            },
            Endpoints = sliceEndpoints,
            Ports = slicePorts.Values.ToList(),
        };
        return new EndpointsPlan(endpoints, slice);
    }

    public static string SliceName(V1Service svc)
    {
        uint h = 2166136261;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(svc.Metadata.Uid ?? svc.Metadata.Name)) { h ^= b; h *= 16777619; }
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var suffix = new string(Enumerable.Range(0, 5).Select(i => alphabet[(int)((h >> (i * 5)) % (uint)alphabet.Length)]).ToArray());
        return $"{svc.Metadata.Name}-{suffix}";
    }

    /// <summary>The service's ports as this pod serves them (named target ports resolved from its containers).</summary>
    public static List<Corev1EndpointPort> Ports(V1Service svc, V1Pod pod)
    {
        var result = new List<Corev1EndpointPort>();
        foreach (var sp in svc.Spec.Ports ?? [])
        {
            var target = sp.TargetPort?.Value ?? sp.Port.ToString();
            int port;
            if (!int.TryParse(target, out port))
            {
                var named = pod.Spec.Containers?.SelectMany(c => c.Ports ?? []).FirstOrDefault(cp => cp.Name == target);
                if (named == null) continue;
                port = named.ContainerPort;
            }
            result.Add(new Corev1EndpointPort { Name = sp.Name, Port = port, Protocol = sp.Protocol ?? "TCP" });
        }
        return result;
    }
}
