using k8s.Models;

namespace Cluster.Grains.Admission;

/// <summary>
/// Pod Security admission as Kubernetes has it: the namespace label pod-security.kubernetes.io/enforce picks the
/// level (privileged, baseline, restricted); this cluster enforces baseline where no label says otherwise, so
/// privileged containers, host namespaces, hostPath volumes and added capabilities beyond the default set are
/// refused unless a namespace is labelled privileged. restricted adds runAsNonRoot and allowPrivilegeEscalation=false.
/// </summary>
public static class PodSecurity
{
    public const string EnforceLabel = "pod-security.kubernetes.io/enforce";
    public const string DefaultLevel = "baseline";
    static readonly HashSet<string> BaselineCapabilities =
        ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];

    /// <summary>Null when the pod is allowed at the level; else Kubernetes' "violates PodSecurity" message.</summary>
    public static string? Check(V1PodSpec spec, string? level)
    {
        level ??= DefaultLevel;
        if (level == "privileged") return null;
        var problems = new List<string>();
        var containers = (spec.Containers ?? []).Concat(spec.InitContainers ?? []).Where(c => c != null).ToList();
        var privileged = containers.Where(c => c.SecurityContext?.Privileged == true).Select(c => c.Name).ToList();
        if (privileged.Count > 0)
            problems.Add($"privileged ({Containers(privileged)} must not set securityContext.privileged=true)");
        var hostNs = new[] { (spec.HostNetwork, "hostNetwork"), (spec.HostPID, "hostPID"), (spec.HostIPC, "hostIPC") }.Where(x => x.Item1 == true).Select(x => x.Item2 + "=true").ToList();
        if (hostNs.Count > 0) problems.Add($"host namespaces ({string.Join(", ", hostNs)})");
        var hostPaths = (spec.Volumes ?? []).Where(v => v?.HostPath != null).Select(v => $"\"{v.Name}\"").ToList();
        if (hostPaths.Count > 0) problems.Add($"hostPath volumes (volume{(hostPaths.Count > 1 ? "s" : "")} {string.Join(", ", hostPaths)})");
        var caps = containers.Where(c => c.SecurityContext?.Capabilities?.Add?.Any(a => !BaselineCapabilities.Contains(a)) == true).ToList();
        if (caps.Count > 0)
            problems.Add($"non-default capabilities ({Containers(caps.Select(c => c.Name).ToList())} must not include {string.Join(", ", caps.SelectMany(c => c.SecurityContext.Capabilities.Add).Where(a => !BaselineCapabilities.Contains(a)).Distinct().Select(a => $"\"{a}\""))} in securityContext.capabilities.add)");
        if (level == "restricted")
        {
            var escalating = containers.Where(c => c.SecurityContext?.AllowPrivilegeEscalation != false).Select(c => c.Name).ToList();
            if (escalating.Count > 0) problems.Add($"allowPrivilegeEscalation != false ({Containers(escalating)} must set securityContext.allowPrivilegeEscalation=false)");
            var root = containers.Where(c => (c.SecurityContext?.RunAsNonRoot ?? spec.SecurityContext?.RunAsNonRoot) != true).Select(c => c.Name).ToList();
            if (root.Count > 0) problems.Add($"runAsNonRoot != true (pod or {Containers(root)} must set securityContext.runAsNonRoot=true)");
        }
        return problems.Count == 0 ? null : $"violates PodSecurity \"{level}:latest\": {string.Join(", ", problems)}";
    }

    static string Containers(IReadOnlyList<string> names) =>
        names.Count == 1 ? $"container \"{names[0]}\"" : $"containers {string.Join(", ", names.Select(n => $"\"{n}\""))}";
}
