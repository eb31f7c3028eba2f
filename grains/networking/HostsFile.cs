using System.Text;
using k8s.Models;

namespace Cluster.Grains.Networking;

/// <summary>
/// The /etc/hosts of a pod's containers, as the kubelet manages it (localhost, the pod's own name and FQDN,
/// hostAliases), plus what this cluster serves in place of a DNS server: the records of the headless Services in
/// the pod's namespace. A StatefulSet pod web-1 behind headless Service nginx is
/// web-1.nginx.NS.svc.cluster.local (and web-1.nginx); the Service name lists every ready pod. The node agent
/// rewrites the file in place as the Endpoints change.
/// </summary>
public static class HostsFile
{
    public const string ClusterDomain = "cluster.local";

    /// <summary>The pod's hostname: spec.hostname, else its name (cut to 63 characters, as Kubernetes does).</summary>
    public static string Hostname(V1Pod pod) =>
        !string.IsNullOrEmpty(pod.Spec.Hostname) ? pod.Spec.Hostname : pod.Metadata.Name.Length > 63 ? pod.Metadata.Name[..63].TrimEnd('-', '.') : pod.Metadata.Name;

    /// <summary>"nginx.default.svc.cluster.local" for a pod with subdomain nginx, else null.</summary>
    public static string? Domain(V1Pod pod) =>
        string.IsNullOrEmpty(pod.Spec.Subdomain) ? null : $"{pod.Spec.Subdomain}.{pod.Metadata.NamespaceProperty}.svc.{ClusterDomain}";

    /// <param name="pod">The pod whose file this is.</param>
    /// <param name="podIp">Its IP, once a container runs (null before).</param>
    /// <param name="headless">The Endpoints of the headless Services in the pod's namespace.</param>
    public static string Render(V1Pod pod, string? podIp, IEnumerable<V1Endpoints> headless)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var sb = new StringBuilder();
        sb.Append("# Kubernetes-managed hosts file (the node agent rewrites it).\n");
        sb.Append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n");
        var host = Hostname(pod);
        if (podIp != null)
            sb.Append(podIp).Append('\t').Append(Domain(pod) is { } d ? $"{host}.{d}\t{host}" : host).Append('\n');
        if (pod.Spec.HostAliases is { Count: > 0 } aliases)
        {
            sb.Append("\n# Entries added by HostAliases.\n");
            foreach (var a in aliases.Where(a => !string.IsNullOrEmpty(a.Ip) && a.Hostnames?.Count > 0))
                sb.Append(a.Ip).Append('\t').Append(string.Join('\t', a.Hostnames!)).Append('\n');
        }
        var records = new List<(string Ip, string Names)>();
        foreach (var ep in headless.OrderBy(e => e.Metadata.Name, StringComparer.Ordinal))
        {
            var svc = ep.Metadata.Name;
            var fqdn = $"{svc}.{ns}.svc.{ClusterDomain}";
            var addresses = (ep.Subsets ?? []).SelectMany(s => s.Addresses ?? []).Where(a => !string.IsNullOrEmpty(a.Ip))
                .OrderBy(a => a.Hostname ?? a.TargetRef?.Name ?? a.Ip, StringComparer.Ordinal).ToList();
            foreach (var a in addresses.Where(a => !string.IsNullOrEmpty(a.Hostname)))
                records.Add((a.Ip, $"{a.Hostname}.{fqdn}\t{a.Hostname}.{svc}.{ns}\t{a.Hostname}.{svc}"));
            foreach (var a in addresses)
                records.Add((a.Ip, $"{fqdn}\t{svc}.{ns}\t{svc}"));
        }
        if (records.Count > 0)
        {
            sb.Append("\n# Service records of namespace ").Append(ns).Append(" (headless Services).\n");
            foreach (var (ip, names) in records) sb.Append(ip).Append('\t').Append(names).Append('\n');
        }
        return sb.ToString();
    }
}
