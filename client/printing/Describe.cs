using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Cluster.Printing;

/// <summary>
/// <c>kubectl describe</c> text (port of k8s.io/kubectl/pkg/describe, kubectl 1.32): specific layouts for
/// Deployment, Pod, ConfigMap, Secret and Namespace, and a generic layout (metadata plus YAML of the
/// remaining fields) for other kinds. Everything goes through Go's tabwriter with describe's settings
/// (minwidth 0, padding 2), so alignment matches kubectl.
/// </summary>
public static class Describer
{
    /// <summary>Describes <paramref name="obj"/>; timestamps are shown in the machine's local time zone, like kubectl.</summary>
    public static string Describe(string kind, object obj, IReadOnlyList<Corev1Event> events, DateTime nowUtc) =>
        Describe(kind, obj, events, nowUtc, replicaSets: null, timeZone: null);

    /// <summary>
    /// Describes <paramref name="obj"/>. <paramref name="events"/> may hold more than the object's events: only events
    /// whose involvedObject matches are shown (null means no events). <paramref name="replicaSets"/> are the candidate
    /// ReplicaSets of a Deployment, used for its OldReplicaSets/NewReplicaSet lines (omitted when none are given, as
    /// kubectl does when no ReplicaSet exists). <paramref name="timeZone"/> is the zone for absolute times (default: local).
    /// </summary>
    public static string Describe(string kind, object obj, IReadOnlyList<Corev1Event>? events, DateTime nowUtc,
        IReadOnlyList<V1ReplicaSet>? replicaSets, TimeZoneInfo? timeZone)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var ctx = new Ctx(nowUtc, timeZone ?? TimeZoneInfo.Local);
        string canonical = Columns.NormalizeKind(kind) ?? kind;
        var evs = EventsFor(obj, canonical, events);
        var w = new PrefixWriter();
        switch (canonical)
        {
            case "Deployment" when obj is V1Deployment d:
                DescribeDeployment(w, d, replicaSets, evs, ctx);
                break;
            case "Pod" when obj is V1Pod p:
                DescribePod(w, p, evs, ctx);
                break;
            case "ConfigMap" when obj is V1ConfigMap cm:
                DescribeConfigMap(w, cm, evs, ctx);
                break;
            case "Secret" when obj is V1Secret s:
                DescribeSecret(w, s);
                break;
            case "Namespace" when obj is V1Namespace ns:
                DescribeNamespace(w, ns, ctx);
                break;
            default:
                DescribeGeneric(w, canonical, obj, evs, ctx);
                break;
        }
        return w.Render();
    }

    private sealed record Ctx(DateTime Now, TimeZoneInfo Zone);

    // ------------------------------------------------------------------ Deployment

    private static void DescribeDeployment(PrefixWriter w, V1Deployment d, IReadOnlyList<V1ReplicaSet>? replicaSets, List<Corev1Event> events, Ctx ctx)
    {
        var spec = d.Spec;
        var status = d.Status;
        w.Write(0, $"Name:\t{d.Metadata?.Name}\n");
        w.Write(0, $"Namespace:\t{d.Metadata?.NamespaceProperty}\n");
        w.Write(0, $"CreationTimestamp:\t{Rfc1123Z(d.Metadata?.CreationTimestamp, ctx)}\n");
        PrintLabelsMultiline(w, "Labels", d.Metadata?.Labels);
        PrintAnnotationsMultiline(w, "Annotations", d.Metadata?.Annotations);
        w.Write(0, $"Selector:\t{K8sFormat.SelectorString(spec?.Selector)}\n");
        w.Write(0, $"Replicas:\t{spec?.Replicas ?? 0} desired | {status?.UpdatedReplicas ?? 0} updated | {status?.Replicas ?? 0} total | {status?.AvailableReplicas ?? 0} available | {status?.UnavailableReplicas ?? 0} unavailable\n");
        w.Write(0, $"StrategyType:\t{spec?.Strategy?.Type}\n");
        w.Write(0, $"MinReadySeconds:\t{spec?.MinReadySeconds ?? 0}\n");
        if (spec?.Strategy?.RollingUpdate is { } ru)
        {
            w.Write(0, $"RollingUpdateStrategy:\t{IntOrStr(ru.MaxUnavailable)} max unavailable, {IntOrStr(ru.MaxSurge)} max surge\n");
        }
        DescribePodTemplate(w, spec?.Template, ctx);
        if (status?.Conditions is { Count: > 0 } conditions)
        {
            w.Write(0, "Conditions:\n  Type\tStatus\tReason\n");
            w.Write(1, "----\t------\t------\n");
            foreach (var c in conditions)
            {
                w.Write(1, $"{c.Type} \t{c.Status}\t{c.Reason}\n");
            }
        }

        var (oldRSs, newRS) = SplitReplicaSets(d, replicaSets);
        if (oldRSs.Count > 0 || newRS is not null)
        {
            w.Write(0, $"OldReplicaSets:\t{PrintReplicaSets(oldRSs)}\n");
            w.Write(0, $"NewReplicaSet:\t{PrintReplicaSets(newRS is null ? [] : [newRS])}\n");
        }
        DescribeEvents(w, events, ctx);
    }

    private static string PrintReplicaSets(IReadOnlyList<V1ReplicaSet> rss)
    {
        var list = string.Join(", ", rss.Select(rs => $"{rs.Metadata?.Name} ({rs.Status?.Replicas ?? 0}/{rs.Spec?.Replicas ?? 0} replicas created)"));
        return list.Length == 0 ? "<none>" : list;
    }

    /// <summary>
    /// deploymentutil: the new ReplicaSet is the oldest owned one whose pod template equals the Deployment's
    /// (ignoring pod-template-hash); every other owned ReplicaSet is old.
    /// </summary>
    internal static (List<V1ReplicaSet> Old, V1ReplicaSet? New) SplitReplicaSets(V1Deployment d, IReadOnlyList<V1ReplicaSet>? replicaSets)
    {
        if (replicaSets is null || replicaSets.Count == 0)
        {
            return ([], null);
        }
        string? uid = d.Metadata?.Uid;
        string? name = d.Metadata?.Name;
        var owned = replicaSets.Where(rs =>
        {
            var owners = rs.Metadata?.OwnerReferences;
            if (owners is null || owners.Count == 0)
            {
                return false;
            }
            var controller = owners.FirstOrDefault(o => o.Controller == true);
            if (controller is null)
            {
                return false;
            }
            if (!string.IsNullOrEmpty(uid) && !string.IsNullOrEmpty(controller.Uid))
            {
                return controller.Uid == uid;
            }
            return controller.Kind == "Deployment" && controller.Name == name;
        }).ToList();

        var byCreation = owned
            .OrderBy(rs => rs.Metadata?.CreationTimestamp is { } t ? Age.ToUtc(t) : DateTime.MinValue)
            .ThenBy(rs => rs.Metadata?.Name, StringComparer.Ordinal)
            .ToList();
        var template = TemplateWithoutHash(d.Spec?.Template);
        V1ReplicaSet? newRS = byCreation.FirstOrDefault(rs => JsonNode.DeepEquals(TemplateWithoutHash(rs.Spec?.Template), template));
        if (newRS is null)
        {
            string? revision = d.Metadata?.Annotations is { } ann && ann.TryGetValue("deployment.kubernetes.io/revision", out var r) ? r : null;
            if (revision is not null)
            {
                newRS = byCreation.FirstOrDefault(rs =>
                    rs.Metadata?.Annotations is { } a && a.TryGetValue("deployment.kubernetes.io/revision", out var rr) && rr == revision);
            }
        }
        var old = owned.Where(rs => !ReferenceEquals(rs, newRS)).OrderBy(rs => rs.Metadata?.Name, StringComparer.Ordinal).ToList();
        return (old, newRS);
    }

    private static JsonNode? TemplateWithoutHash(V1PodTemplateSpec? template)
    {
        if (template is null)
        {
            return null;
        }
        var node = JsonNode.Parse(KubernetesJson.Serialize(template));
        if (node?["metadata"]?["labels"] is JsonObject labels)
        {
            labels.Remove("pod-template-hash");
            if (labels.Count == 0)
            {
                node["metadata"]!.AsObject().Remove("labels");
            }
        }
        if (node?["metadata"] is JsonObject meta)
        {
            meta.Remove("creationTimestamp");
            if (meta.Count == 0)
            {
                node.AsObject().Remove("metadata");
            }
        }
        return node;
    }

    private static void DescribePodTemplate(PrefixWriter w, V1PodTemplateSpec? template, Ctx ctx)
    {
        w.Write(0, "Pod Template:\n");
        if (template is null)
        {
            w.Write(1, "<unset>");
            return;
        }
        var spec = template.Spec;
        PrintLabelsMultiline(w, "  Labels", template.Metadata?.Labels);
        if (template.Metadata?.Annotations is { Count: > 0 })
        {
            PrintAnnotationsMultiline(w, "  Annotations", template.Metadata.Annotations);
        }
        if (!string.IsNullOrEmpty(spec?.ServiceAccountName))
        {
            w.Write(1, $"Service Account:\t{spec.ServiceAccountName}\n");
        }
        if (spec?.InitContainers is { Count: > 0 })
        {
            DescribeContainers(w, "Init Containers", spec.InitContainers, null, null, "  ", ctx);
        }
        DescribeContainers(w, "Containers", spec?.Containers, null, null, "  ", ctx);
        DescribeVolumes(w, spec?.Volumes, "  ");
        DescribeTopologySpreadConstraints(w, spec?.TopologySpreadConstraints, "  ");
        if (!string.IsNullOrEmpty(spec?.PriorityClassName))
        {
            w.Write(1, $"Priority Class Name:\t{spec.PriorityClassName}\n");
        }
        PrintLabelsMultiline(w, "  Node-Selectors", spec?.NodeSelector);
        PrintTolerationsMultiline(w, "  Tolerations", spec?.Tolerations);
    }

    // ------------------------------------------------------------------ Pod

    private static void DescribePod(PrefixWriter w, V1Pod pod, List<Corev1Event> events, Ctx ctx)
    {
        var spec = pod.Spec;
        var status = pod.Status;
        var meta = pod.Metadata;
        w.Write(0, $"Name:\t{meta?.Name}\n");
        w.Write(0, $"Namespace:\t{meta?.NamespaceProperty}\n");
        if (spec?.Priority is { } priority)
        {
            w.Write(0, $"Priority:\t{priority}\n");
        }
        if (!string.IsNullOrEmpty(spec?.PriorityClassName))
        {
            w.Write(0, $"Priority Class Name:\t{spec.PriorityClassName}\n");
        }
        if (!string.IsNullOrEmpty(spec?.RuntimeClassName))
        {
            w.Write(0, $"Runtime Class Name:\t{spec.RuntimeClassName}\n");
        }
        if (!string.IsNullOrEmpty(spec?.ServiceAccountName))
        {
            w.Write(0, $"Service Account:\t{spec.ServiceAccountName}\n");
        }
        if (string.IsNullOrEmpty(spec?.NodeName))
        {
            w.Write(0, "Node:\t<none>\n");
        }
        else
        {
            w.Write(0, $"Node:\t{spec.NodeName}/{status?.HostIP}\n");
        }
        if (status?.StartTime is not null)
        {
            w.Write(0, $"Start Time:\t{Rfc1123Z(status.StartTime, ctx)}\n");
        }
        PrintLabelsMultiline(w, "Labels", meta?.Labels);
        PrintAnnotationsMultiline(w, "Annotations", meta?.Annotations);
        string phase = status?.Phase ?? string.Empty;
        if (meta?.DeletionTimestamp is not null && phase != "Failed" && phase != "Succeeded")
        {
            w.Write(0, $"Status:\tTerminating (lasts {Age.Since(meta.DeletionTimestamp, ctx.Now)})\n");
            long grace = meta.DeletionGracePeriodSeconds ?? spec?.TerminationGracePeriodSeconds ?? 30;
            w.Write(0, $"Termination Grace Period:\t{grace}s\n");
        }
        else
        {
            w.Write(0, $"Status:\t{phase}\n");
        }
        if (!string.IsNullOrEmpty(status?.Reason))
        {
            w.Write(0, $"Reason:\t{status.Reason}\n");
        }
        if (!string.IsNullOrEmpty(status?.Message))
        {
            w.Write(0, $"Message:\t{status.Message}\n");
        }
        if (spec?.SecurityContext?.SeccompProfile is { } seccomp)
        {
            w.Write(0, $"SeccompProfile:\t{seccomp.Type}\n");
            if (seccomp.Type == "Localhost")
            {
                w.Write(0, $"LocalhostProfile:\t{seccomp.LocalhostProfile}\n");
            }
        }
        w.Write(0, $"IP:\t{status?.PodIP}\n");
        var podIPs = status?.PodIPs;
        if (podIPs is null || podIPs.Count == 0)
        {
            w.Write(0, "IPs:\t<none>\n");
        }
        else
        {
            w.Write(0, "IPs:\n");
            foreach (var ip in podIPs)
            {
                w.Write(1, $"IP:\t{ip.Ip}\n");
            }
        }
        string controlledBy = PrintController(meta);
        if (controlledBy.Length > 0)
        {
            w.Write(0, $"Controlled By:\t{controlledBy}\n");
        }
        if (!string.IsNullOrEmpty(status?.NominatedNodeName))
        {
            w.Write(0, $"NominatedNodeName:\t{status.NominatedNodeName}\n");
        }
        if (spec?.Resources is not null)
        {
            w.Write(0, "Resources:\n");
            DescribeResources(w, spec.Resources, 1);
        }

        if (spec?.InitContainers is { Count: > 0 })
        {
            DescribeContainers(w, "Init Containers", spec.InitContainers, status?.InitContainerStatuses, pod, "", ctx);
        }
        DescribeContainers(w, "Containers", spec?.Containers, status?.ContainerStatuses, pod, "", ctx);
        if (spec?.EphemeralContainers is { Count: > 0 } ephemeral)
        {
            var ec = ephemeral.Select(e => new V1Container
            {
                Name = e.Name, Image = e.Image, Command = e.Command, Args = e.Args, Env = e.Env, EnvFrom = e.EnvFrom,
                Ports = e.Ports, Resources = e.Resources, VolumeMounts = e.VolumeMounts, VolumeDevices = e.VolumeDevices,
                LivenessProbe = e.LivenessProbe, ReadinessProbe = e.ReadinessProbe, StartupProbe = e.StartupProbe,
                SecurityContext = e.SecurityContext,
            }).ToList();
            DescribeContainers(w, "Ephemeral Containers", ec, status?.EphemeralContainerStatuses, pod, "", ctx);
        }
        if (spec?.ReadinessGates is { Count: > 0 } gates)
        {
            w.Write(0, "Readiness Gates:\n  Type\tStatus\n");
            foreach (var g in gates)
            {
                string gateStatus = status?.Conditions?.FirstOrDefault(c => c.Type == g.ConditionType)?.Status ?? "<none>";
                w.Write(1, $"{g.ConditionType} \t{gateStatus} \n");
            }
        }
        if (status?.Conditions is { Count: > 0 } conditions)
        {
            w.Write(0, "Conditions:\n  Type\tStatus\n");
            foreach (var c in conditions)
            {
                w.Write(1, $"{c.Type} \t{c.Status} \n");
            }
        }
        DescribeVolumes(w, spec?.Volumes, "");
        w.Write(0, $"QoS Class:\t{PodQos(pod)}\n");
        PrintLabelsMultiline(w, "Node-Selectors", spec?.NodeSelector);
        PrintTolerationsMultiline(w, "Tolerations", spec?.Tolerations);
        DescribeTopologySpreadConstraints(w, spec?.TopologySpreadConstraints, "");
        DescribeEvents(w, events, ctx);
    }

    private static string PrintController(V1ObjectMeta? meta)
    {
        var owner = meta?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        return owner is null ? string.Empty : $"{owner.Kind}/{owner.Name}";
    }

    private static void DescribeContainers(PrefixWriter w, string label, IList<V1Container>? containers,
        IList<V1ContainerStatus>? containerStatuses, V1Pod? pod, string space, Ctx ctx)
    {
        var statuses = new Dictionary<string, V1ContainerStatus>(StringComparer.Ordinal);
        foreach (var s in containerStatuses ?? [])
        {
            if (s.Name is not null)
            {
                statuses[s.Name] = s;
            }
        }
        var list = containers ?? [];
        w.Write(0, $"{space}{label}:{(list.Count == 0 ? " <none>" : "")}\n");
        foreach (var container in list)
        {
            bool ok = statuses.TryGetValue(container.Name ?? string.Empty, out var status);
            string nameIndent = space.Length > 0 ? " " : "";
            w.Write(1, $"{nameIndent}{container.Name}:\n");
            if (ok)
            {
                w.Write(2, $"Container ID:\t{status!.ContainerID}\n");
            }
            w.Write(2, $"Image:\t{container.Image}\n");
            if (ok)
            {
                w.Write(2, $"Image ID:\t{status!.ImageID}\n");
            }
            string ports = DescribeContainerPorts(container.Ports, hostPorts: false);
            if (ports.Contains(','))
            {
                w.Write(2, $"Ports:\t{ports}\n");
            }
            else
            {
                w.Write(2, $"Port:\t{StringOrNone(ports)}\n");
            }
            string hostPorts = DescribeContainerPorts(container.Ports, hostPorts: true);
            if (hostPorts.Contains(','))
            {
                w.Write(2, $"Host Ports:\t{hostPorts}\n");
            }
            else
            {
                w.Write(2, $"Host Port:\t{StringOrNone(hostPorts)}\n");
            }
            if (container.SecurityContext?.SeccompProfile is { } seccomp)
            {
                w.Write(2, $"SeccompProfile:\t{seccomp.Type}\n");
                if (seccomp.Type == "Localhost")
                {
                    w.Write(3, $"LocalhostProfile:\t{seccomp.LocalhostProfile}\n");
                }
            }
            if (container.Command is { Count: > 0 })
            {
                w.Write(2, "Command:\n");
                foreach (var c in container.Command)
                {
                    foreach (var line in c.Split('\n'))
                    {
                        w.Write(3, line + "\n");
                    }
                }
            }
            if (container.Args is { Count: > 0 })
            {
                w.Write(2, "Args:\n");
                foreach (var a in container.Args)
                {
                    foreach (var line in a.Split('\n'))
                    {
                        w.Write(3, line + "\n");
                    }
                }
            }
            if (ok)
            {
                DescribeStatus(w, "State", status!.State, ctx);
                if (status.LastState?.Terminated is not null)
                {
                    DescribeStatus(w, "Last State", status.LastState, ctx);
                }
                w.Write(2, $"Ready:\t{(status.Ready ? "True" : "False")}\n");
                w.Write(2, $"Restart Count:\t{status.RestartCount}\n");
            }
            DescribeResources(w, container.Resources, 2);
            if (container.LivenessProbe is not null)
            {
                w.Write(2, $"Liveness:\t{DescribeProbe(container.LivenessProbe)}\n");
            }
            if (container.ReadinessProbe is not null)
            {
                w.Write(2, $"Readiness:\t{DescribeProbe(container.ReadinessProbe)}\n");
            }
            if (container.StartupProbe is not null)
            {
                w.Write(2, $"Startup:\t{DescribeProbe(container.StartupProbe)}\n");
            }
            if (container.EnvFrom is { Count: > 0 })
            {
                DescribeContainerEnvFrom(w, container);
            }
            DescribeContainerEnvVars(w, container, pod);
            DescribeContainerVolumes(w, container);
        }
    }

    private static string DescribeContainerPorts(IList<V1ContainerPort>? ports, bool hostPorts)
    {
        if (ports is null)
        {
            return string.Empty;
        }
        return string.Join(", ", ports.Select(p =>
        {
            string protocol = string.IsNullOrEmpty(p.Protocol) ? "TCP" : p.Protocol;
            int port = hostPorts ? p.HostPort ?? 0 : p.ContainerPort;
            string s = $"{port}/{protocol}";
            return string.IsNullOrEmpty(p.Name) ? s : $"{s} ({p.Name})";
        }));
    }

    private static void DescribeStatus(PrefixWriter w, string stateName, V1ContainerState? state, Ctx ctx)
    {
        if (state?.Running is { } running)
        {
            w.Write(2, $"{stateName}:\tRunning\n");
            w.Write(3, $"Started:\t{Rfc1123Z(running.StartedAt, ctx)}\n");
        }
        else if (state?.Waiting is { } waiting)
        {
            w.Write(2, $"{stateName}:\tWaiting\n");
            if (!string.IsNullOrEmpty(waiting.Reason))
            {
                w.Write(3, $"Reason:\t{waiting.Reason}\n");
            }
        }
        else if (state?.Terminated is { } t)
        {
            w.Write(2, $"{stateName}:\tTerminated\n");
            if (!string.IsNullOrEmpty(t.Reason))
            {
                w.Write(3, $"Reason:\t{t.Reason}\n");
            }
            if (!string.IsNullOrEmpty(t.Message))
            {
                w.Write(3, $"Message:\t{t.Message}\n");
            }
            w.Write(3, $"Exit Code:\t{t.ExitCode}\n");
            if ((t.Signal ?? 0) > 0)
            {
                w.Write(3, $"Signal:\t{t.Signal}\n");
            }
            w.Write(3, $"Started:\t{Rfc1123Z(t.StartedAt, ctx)}\n");
            w.Write(3, $"Finished:\t{Rfc1123Z(t.FinishedAt, ctx)}\n");
        }
        else
        {
            w.Write(2, $"{stateName}:\tWaiting\n");
        }
    }

    private static void DescribeResources(PrefixWriter w, V1ResourceRequirements? resources, int level)
    {
        if (resources is null)
        {
            return;
        }
        if (resources.Limits is { Count: > 0 } limits)
        {
            w.Write(level, "Limits:\n");
            foreach (var kv in limits.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(level + 1, $"{kv.Key}:\t{kv.Value}\n");
            }
        }
        if (resources.Requests is { Count: > 0 } requests)
        {
            w.Write(level, "Requests:\n");
            foreach (var kv in requests.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(level + 1, $"{kv.Key}:\t{kv.Value}\n");
            }
        }
    }

    /// <summary>kubectl's DescribeProbe (API server defaults applied to unset fields).</summary>
    internal static string DescribeProbe(V1Probe probe)
    {
        string attrs = $"delay={probe.InitialDelaySeconds ?? 0}s timeout={probe.TimeoutSeconds ?? 1}s period={probe.PeriodSeconds ?? 10}s #success={probe.SuccessThreshold ?? 1} #failure={probe.FailureThreshold ?? 3}";
        if (probe.Exec is { } exec)
        {
            return $"exec [{string.Join(" ", exec.Command ?? [])}] {attrs}";
        }
        if (probe.HttpGet is { } http)
        {
            string scheme = (string.IsNullOrEmpty(http.Scheme) ? "HTTP" : http.Scheme).ToLowerInvariant();
            string port = IntOrStr(http.Port);
            string host = port.Length > 0 ? JoinHostPort(http.Host ?? string.Empty, port) : http.Host ?? string.Empty;
            string path = http.Path ?? string.Empty;
            if (path.Length > 0 && !path.StartsWith('/') && host.Length > 0)
            {
                path = "/" + path;
            }
            return $"http-get {scheme}://{host}{path} {attrs}";
        }
        if (probe.TcpSocket is { } tcp)
        {
            return $"tcp-socket {tcp.Host}:{IntOrStr(tcp.Port)} {attrs}";
        }
        if (probe.Grpc is { } grpc)
        {
            return $"grpc <pod>:{grpc.Port} {grpc.Service} {attrs}";
        }
        return $"unknown {attrs}";
    }

    private static string JoinHostPort(string host, string port) =>
        host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";

    private static void DescribeContainerEnvFrom(PrefixWriter w, V1Container container)
    {
        w.Write(2, "Environment Variables from:\n");
        foreach (var e in container.EnvFrom ?? [])
        {
            string from = "", name = "";
            bool optional = false;
            if (e.ConfigMapRef is { } cm)
            {
                from = "ConfigMap";
                name = cm.Name ?? "";
                optional = cm.Optional == true;
            }
            else if (e.SecretRef is { } sec)
            {
                from = "Secret";
                name = sec.Name ?? "";
                optional = sec.Optional == true;
            }
            if (string.IsNullOrEmpty(e.Prefix))
            {
                w.Write(3, $"{name}\t{from}\tOptional: {GoBool(optional)}\n");
            }
            else
            {
                w.Write(3, $"{name}\t{from} with prefix '{e.Prefix}'\tOptional: {GoBool(optional)}\n");
            }
        }
    }

    private static void DescribeContainerEnvVars(PrefixWriter w, V1Container container, V1Pod? pod)
    {
        var env = container.Env ?? [];
        w.Write(2, $"Environment:{(env.Count == 0 ? "\t<none>" : "")}\n");
        foreach (var e in env)
        {
            if (e.ValueFrom is null)
            {
                var lines = (e.Value ?? string.Empty).Split('\n');
                for (int i = 0; i < lines.Length; i++)
                {
                    w.Write(3, i == 0 ? $"{e.Name}:\t{lines[i]}\n" : $"\t{lines[i]}\n");
                }
                continue;
            }
            var vf = e.ValueFrom;
            if (vf.FieldRef is { } fieldRef)
            {
                string value = pod is null ? string.Empty : ResolveFieldPath(pod, fieldRef.FieldPath ?? string.Empty);
                string apiVersion = string.IsNullOrEmpty(fieldRef.ApiVersion) ? "v1" : fieldRef.ApiVersion;
                w.Write(3, $"{e.Name}:\t{value} ({apiVersion}:{fieldRef.FieldPath})\n");
            }
            else if (vf.ResourceFieldRef is { } rf)
            {
                string value = ExtractContainerResourceValue(rf, container);
                if (value == "0" && (rf.Resource == "limits.cpu" || rf.Resource == "limits.memory"))
                {
                    value = "node allocatable";
                }
                w.Write(3, $"{e.Name}:\t{value} ({rf.Resource})\n");
            }
            else if (vf.SecretKeyRef is { } sk)
            {
                w.Write(3, $"{e.Name}:\t<set to the key '{sk.Key}' in secret '{sk.Name}'>\tOptional: {GoBool(sk.Optional == true)}\n");
            }
            else if (vf.ConfigMapKeyRef is { } ck)
            {
                w.Write(3, $"{e.Name}:\t<set to the key '{ck.Key}' of config map '{ck.Name}'>\tOptional: {GoBool(ck.Optional == true)}\n");
            }
        }
    }

    private static string ExtractContainerResourceValue(V1ResourceFieldSelector fs, V1Container container)
    {
        decimal divisor = fs.Divisor is { } dq && dq.ToDecimal() != 0 ? dq.ToDecimal() : 1m;
        decimal? Get(IDictionary<string, ResourceQuantity>? list, string name) =>
            list is not null && list.TryGetValue(name, out var q) ? q.ToDecimal() : 0m;
        decimal? value = fs.Resource switch
        {
            "limits.cpu" => Get(container.Resources?.Limits, "cpu"),
            "limits.memory" => Get(container.Resources?.Limits, "memory"),
            "limits.ephemeral-storage" => Get(container.Resources?.Limits, "ephemeral-storage"),
            "requests.cpu" => Get(container.Resources?.Requests, "cpu"),
            "requests.memory" => Get(container.Resources?.Requests, "memory"),
            "requests.ephemeral-storage" => Get(container.Resources?.Requests, "ephemeral-storage"),
            _ => null,
        };
        if (value is null)
        {
            return string.Empty;
        }
        if (fs.Resource!.EndsWith(".cpu", StringComparison.Ordinal))
        {
            // ceil(milliValue / divisor.milliValue)
            return ((long)Math.Ceiling(Math.Ceiling(value.Value * 1000m) / Math.Ceiling(divisor * 1000m))).ToString(CultureInfo.InvariantCulture);
        }
        return ((long)Math.Ceiling(Math.Ceiling(value.Value) / Math.Ceiling(divisor))).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The value a downward-API fieldRef resolves to for this pod (kubectl's EnvValueRetriever).</summary>
    private static string ResolveFieldPath(V1Pod pod, string fieldPath)
    {
        var meta = pod.Metadata;
        if (TryMapKey(fieldPath, "metadata.labels", out var labelKey))
        {
            return meta?.Labels is { } l && l.TryGetValue(labelKey, out var v) ? v : string.Empty;
        }
        if (TryMapKey(fieldPath, "metadata.annotations", out var annKey))
        {
            return meta?.Annotations is { } a && a.TryGetValue(annKey, out var v) ? v : string.Empty;
        }
        return fieldPath switch
        {
            "metadata.name" => meta?.Name ?? string.Empty,
            "metadata.namespace" => meta?.NamespaceProperty ?? string.Empty,
            "metadata.uid" => meta?.Uid ?? string.Empty,
            "metadata.labels" => FormatMap(meta?.Labels),
            "metadata.annotations" => FormatMap(meta?.Annotations),
            "spec.nodeName" => pod.Spec?.NodeName ?? string.Empty,
            "spec.serviceAccountName" => pod.Spec?.ServiceAccountName ?? string.Empty,
            "status.hostIP" => pod.Status?.HostIP ?? string.Empty,
            "status.hostIPs" => string.Join(",", (pod.Status?.HostIPs ?? []).Select(h => h.Ip)),
            "status.podIP" => pod.Status?.PodIP ?? string.Empty,
            "status.podIPs" => string.Join(",", (pod.Status?.PodIPs ?? []).Select(p => p.Ip)),
            _ => string.Empty,
        };
    }

    private static bool TryMapKey(string fieldPath, string prefix, out string key)
    {
        key = string.Empty;
        if (!fieldPath.StartsWith(prefix + "['", StringComparison.Ordinal) || !fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            return false;
        }
        key = fieldPath[(prefix.Length + 2)..^2];
        return true;
    }

    private static string FormatMap(IDictionary<string, string>? m) =>
        m is null ? string.Empty : string.Join("\n", m.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}=\"{kv.Value}\""));

    private static void DescribeContainerVolumes(PrefixWriter w, V1Container container)
    {
        var mounts = container.VolumeMounts ?? [];
        string none = mounts.Count == 0 ? "\t<none>" : "";
        w.Write(2, $"Mounts:{none}\n");
        foreach (var m in mounts.OrderBy(m => m.MountPath, StringComparer.Ordinal))
        {
            var flags = new List<string> { m.ReadOnlyProperty == true ? "ro" : "rw" };
            if (!string.IsNullOrEmpty(m.SubPath))
            {
                flags.Add($"path={GoQuote(m.SubPath)}");
            }
            w.Write(3, $"{m.MountPath} from {m.Name} ({string.Join(",", flags)})\n");
        }
        if (container.VolumeDevices is { Count: > 0 } devices)
        {
            w.Write(2, $"Devices:{none}\n");
            foreach (var d in devices.OrderBy(d => d.DevicePath, StringComparer.Ordinal))
            {
                w.Write(3, $"{d.DevicePath} from {d.Name}\n");
            }
        }
    }

    private static void DescribeVolumes(PrefixWriter w, IList<V1Volume>? volumes, string space)
    {
        if (volumes is null || volumes.Count == 0)
        {
            w.Write(0, $"{space}Volumes:\t<none>\n");
            return;
        }
        w.Write(0, $"{space}Volumes:\n");
        foreach (var v in volumes)
        {
            string nameIndent = space.Length > 0 ? " " : "";
            w.Write(1, $"{nameIndent}{v.Name}:\n");
            if (v.HostPath is { } hp)
            {
                w.Write(2, "Type:\tHostPath (bare host directory volume)\n" +
                           $"    Path:\t{hp.Path}\n" +
                           $"    HostPathType:\t{hp.Type ?? "<none>"}\n");
            }
            else if (v.EmptyDir is { } ed)
            {
                string sizeLimit = ed.SizeLimit is { } sl && sl.ToDecimal() > 0 ? sl.ToString() : "<unset>";
                w.Write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n" +
                           $"    Medium:\t{ed.Medium}\n" +
                           $"    SizeLimit:\t{sizeLimit}\n");
            }
            else if (v.Secret is { } sec)
            {
                w.Write(2, "Type:\tSecret (a volume populated by a Secret)\n" +
                           $"    SecretName:\t{sec.SecretName}\n" +
                           $"    Optional:\t{GoBool(sec.Optional == true)}\n");
            }
            else if (v.ConfigMap is { } cm)
            {
                w.Write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n" +
                           $"    Name:\t{cm.Name}\n" +
                           $"    Optional:\t{GoBool(cm.Optional == true)}\n");
            }
            else if (v.PersistentVolumeClaim is { } pvc)
            {
                w.Write(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n" +
                           $"    ClaimName:\t{pvc.ClaimName}\n" +
                           $"    ReadOnly:\t{GoBool(pvc.ReadOnlyProperty == true)}\n");
            }
            else if (v.Projected is { } projected)
            {
                w.Write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
                foreach (var source in projected.Sources ?? [])
                {
                    if (source.Secret is { } ps)
                    {
                        w.Write(2, $"SecretName:\t{ps.Name}\n    SecretOptionalName:\t{GoBoolPtr(ps.Optional)}\n");
                    }
                    else if (source.DownwardAPI is not null)
                    {
                        w.Write(2, "DownwardAPI:\ttrue\n");
                    }
                    else if (source.ConfigMap is { } pc)
                    {
                        w.Write(2, $"ConfigMapName:\t{pc.Name}\n    ConfigMapOptional:\t{GoBoolPtr(pc.Optional)}\n");
                    }
                    else if (source.ServiceAccountToken is { } sat)
                    {
                        w.Write(2, $"TokenExpirationSeconds:\t{sat.ExpirationSeconds ?? 3600}\n");
                    }
                }
            }
            else if (v.DownwardAPI is { } dapi)
            {
                w.Write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
                foreach (var item in dapi.Items ?? [])
                {
                    if (item.FieldRef is not null)
                    {
                        w.Write(3, $"{item.FieldRef.FieldPath} -> {item.Path}\n");
                    }
                    if (item.ResourceFieldRef is not null)
                    {
                        w.Write(3, $"{item.ResourceFieldRef.Resource} -> {item.Path}\n");
                    }
                }
            }
            else if (v.Nfs is { } nfs)
            {
                w.Write(2, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n" +
                           $"    Server:\t{nfs.Server}\n" +
                           $"    Path:\t{nfs.Path}\n" +
                           $"    ReadOnly:\t{GoBool(nfs.ReadOnlyProperty == true)}\n");
            }
            else
            {
                w.Write(1, "<unknown>\n");
            }
        }
    }

    private static void DescribeTopologySpreadConstraints(PrefixWriter w, IList<V1TopologySpreadConstraint>? tscs, string space)
    {
        if (tscs is null || tscs.Count == 0)
        {
            return;
        }
        var sorted = tscs.OrderBy(t => t.TopologyKey, StringComparer.Ordinal).ToList();
        w.Write(0, $"{space}Topology Spread Constraints:\t");
        for (int i = 0; i < sorted.Count; i++)
        {
            var tsc = sorted[i];
            if (i != 0)
            {
                w.Write(0, space);
                w.Write(0, "\t");
            }
            var sb = new StringBuilder($"{tsc.TopologyKey}:{tsc.WhenUnsatisfiable} when max skew {tsc.MaxSkew} is exceeded");
            if (tsc.LabelSelector is not null)
            {
                sb.Append(" for selector ").Append(K8sFormat.FormatLabelSelector(tsc.LabelSelector));
            }
            w.Write(0, sb.Append('\n').ToString());
        }
    }

    /// <summary>The pod's QoS class: status.qosClass, else computed like the kubelet.</summary>
    internal static string PodQos(V1Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Status?.QosClass))
        {
            return pod.Status.QosClass;
        }
        var requests = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var limits = new Dictionary<string, decimal>(StringComparer.Ordinal);
        bool isGuaranteed = true;
        var all = (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []);
        foreach (var c in all)
        {
            foreach (var kv in c.Resources?.Requests ?? new Dictionary<string, ResourceQuantity>())
            {
                if (kv.Key is "cpu" or "memory" && kv.Value.ToDecimal() > 0)
                {
                    requests[kv.Key] = requests.GetValueOrDefault(kv.Key) + kv.Value.ToDecimal();
                }
            }
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var kv in c.Resources?.Limits ?? new Dictionary<string, ResourceQuantity>())
            {
                if (kv.Key is "cpu" or "memory" && kv.Value.ToDecimal() > 0)
                {
                    found.Add(kv.Key);
                    limits[kv.Key] = limits.GetValueOrDefault(kv.Key) + kv.Value.ToDecimal();
                }
            }
            if (!found.Contains("cpu") || !found.Contains("memory"))
            {
                isGuaranteed = false;
            }
        }
        if (requests.Count == 0 && limits.Count == 0)
        {
            return "BestEffort";
        }
        if (isGuaranteed)
        {
            foreach (var kv in requests)
            {
                if (!limits.TryGetValue(kv.Key, out var lim) || lim != kv.Value)
                {
                    isGuaranteed = false;
                    break;
                }
            }
        }
        return isGuaranteed && requests.Count == limits.Count ? "Guaranteed" : "Burstable";
    }

    // ------------------------------------------------------------------ ConfigMap / Secret / Namespace

    private static void DescribeConfigMap(PrefixWriter w, V1ConfigMap cm, List<Corev1Event> events, Ctx ctx)
    {
        w.Write(0, $"Name:\t{cm.Metadata?.Name}\n");
        w.Write(0, $"Namespace:\t{cm.Metadata?.NamespaceProperty}\n");
        PrintLabelsMultiline(w, "Labels", cm.Metadata?.Labels);
        PrintAnnotationsMultiline(w, "Annotations", cm.Metadata?.Annotations);
        w.Write(0, "\nData\n====\n");
        foreach (var kv in (cm.Data ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(0, $"{kv.Key}:\n----\n");
            w.Write(0, $"{kv.Value}\n");
            w.Write(0, "\n");
        }
        w.Write(0, "\nBinaryData\n====\n");
        foreach (var kv in (cm.BinaryData ?? new Dictionary<string, byte[]>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(0, $"{kv.Key}: {kv.Value?.Length ?? 0} bytes\n");
        }
        w.Write(0, "\n");
        DescribeEvents(w, events, ctx);
    }

    private static void DescribeSecret(PrefixWriter w, V1Secret secret)
    {
        w.Write(0, $"Name:\t{secret.Metadata?.Name}\n");
        w.Write(0, $"Namespace:\t{secret.Metadata?.NamespaceProperty}\n");
        PrintLabelsMultiline(w, "Labels", secret.Metadata?.Labels);
        PrintAnnotationsMultiline(w, "Annotations", secret.Metadata?.Annotations);
        string type = K8sFormat.SecretType(secret);
        w.Write(0, $"\nType:\t{type}\n");
        w.Write(0, "\nData\n====\n");
        var data = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var kv in secret.Data ?? new Dictionary<string, byte[]>())
        {
            data[kv.Key] = kv.Value ?? [];
        }
        foreach (var kv in secret.StringData ?? new Dictionary<string, string>())
        {
            data[kv.Key] = Encoding.UTF8.GetBytes(kv.Value ?? string.Empty);
        }
        foreach (var kv in data)
        {
            if (kv.Key == "token" && type == "kubernetes.io/service-account-token")
            {
                w.Write(0, $"{kv.Key}:\t{Encoding.UTF8.GetString(kv.Value)}\n");
            }
            else
            {
                w.Write(0, $"{kv.Key}:\t{kv.Value.Length} bytes\n");
            }
        }
    }

    private static void DescribeNamespace(PrefixWriter w, V1Namespace ns, Ctx ctx)
    {
        w.Write(0, $"Name:\t{ns.Metadata?.Name}\n");
        PrintLabelsMultiline(w, "Labels", ns.Metadata?.Labels);
        PrintAnnotationsMultiline(w, "Annotations", ns.Metadata?.Annotations);
        w.Write(0, $"Status:\t{(string.IsNullOrEmpty(ns.Status?.Phase) ? "Active" : ns.Status.Phase)}\n");
        if (ns.Status?.Conditions is { Count: > 0 } conditions)
        {
            w.Write(0, "Conditions:\n");
            w.Write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
            w.Write(1, "----\t------\t------------------\t------\t-------\n");
            foreach (var c in conditions)
            {
                w.Write(1, $"{c.Type}\t{c.Status}\t{Rfc1123Z(c.LastTransitionTime, ctx)}\t{c.Reason}\t{c.Message}\n");
            }
        }
        w.Write(0, "\n");
        w.Write(0, "No resource quota.\n");
        w.Write(0, "\n");
        w.Write(0, "No LimitRange resource.\n");
    }

    // ------------------------------------------------------------------ generic

    private static void DescribeGeneric(PrefixWriter w, string kind, object obj, List<Corev1Event> events, Ctx ctx)
    {
        var meta = Columns.Meta(obj);
        w.Write(0, $"Name:\t{meta?.Name}\n");
        bool namespaced = Columns.NormalizeKind(kind) is not { } k || Columns.IsNamespaced(k);
        if (namespaced)
        {
            w.Write(0, $"Namespace:\t{meta?.NamespaceProperty}\n");
        }
        PrintLabelsMultiline(w, "Labels", meta?.Labels);
        PrintAnnotationsMultiline(w, "Annotations", meta?.Annotations);
        if (meta?.CreationTimestamp is not null)
        {
            w.Write(0, $"CreationTimestamp:\t{Rfc1123Z(meta.CreationTimestamp, ctx)}\n");
        }
        if (Output.ToNode(obj) is JsonObject root)
        {
            foreach (var kv in root.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (kv.Key is "apiVersion" or "kind" or "metadata")
                {
                    continue;
                }
                string label = SmartLabel(kv.Key);
                switch (kv.Value)
                {
                    case JsonObject o when o.Count > 0:
                    case JsonArray a when a.Count > 0:
                        w.Write(0, $"{label}:\n");
                        foreach (var line in GoYaml.Emit(kv.Value).TrimEnd('\n').Split('\n'))
                        {
                            w.Write(1, line.Length == 0 ? "\n" : line + "\n");
                        }
                        break;
                    case JsonObject:
                    case JsonArray:
                    case null:
                        w.Write(0, $"{label}:\t<none>\n");
                        break;
                    case JsonValue v:
                        string text = v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
                        w.Write(0, $"{label}:\t{text}\n");
                        break;
                }
            }
        }
        DescribeEvents(w, events, ctx);
    }

    /// <summary>"involvedObject" -> "Involved Object", "spec" -> "Spec".</summary>
    internal static string SmartLabel(string field)
    {
        if (field.Any(c => !char.IsLetter(c) && c != '-'))
        {
            return field;
        }
        var parts = new List<string>();
        var current = new StringBuilder();
        for (int i = 0; i < field.Length; i++)
        {
            char c = field[i];
            bool boundary = i > 0 && char.IsUpper(c) &&
                (char.IsLower(field[i - 1]) || (i + 1 < field.Length && char.IsLower(field[i + 1]) && char.IsUpper(field[i - 1])));
            if (boundary && current.Length > 0)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            current.Append(c);
        }
        if (current.Length > 0)
        {
            parts.Add(current.ToString());
        }
        string[] acronyms = ["API", "URL", "UID", "GUID"];
        return string.Join(" ", parts.Select(p =>
            acronyms.Contains(p.ToUpperInvariant()) ? p.ToUpperInvariant()
            : p == p.ToLowerInvariant() ? char.ToUpperInvariant(p[0]) + p[1..] : p));
    }

    // ------------------------------------------------------------------ events

    private static List<Corev1Event> EventsFor(object obj, string kind, IReadOnlyList<Corev1Event>? events)
    {
        var result = new List<Corev1Event>();
        if (events is null)
        {
            return result;
        }
        var meta = Columns.Meta(obj);
        foreach (var e in events)
        {
            var io = e.InvolvedObject;
            if (io is not null)
            {
                if (!string.IsNullOrEmpty(io.Name) && !string.IsNullOrEmpty(meta?.Name) && io.Name != meta.Name)
                {
                    continue;
                }
                if (!string.IsNullOrEmpty(io.NamespaceProperty) && !string.IsNullOrEmpty(meta?.NamespaceProperty) && io.NamespaceProperty != meta.NamespaceProperty)
                {
                    continue;
                }
                if (!string.IsNullOrEmpty(io.Uid) && !string.IsNullOrEmpty(meta?.Uid) && io.Uid != meta.Uid)
                {
                    continue;
                }
                // kubectl clears the kind when searching a pod's events.
                if (kind != "Pod" && !string.IsNullOrEmpty(io.Kind) && io.Kind != kind)
                {
                    continue;
                }
            }
            result.Add(e);
        }
        return result;
    }

    /// <summary>kubectl's DescribeEvents: sorted by lastTimestamp, "Age" with "(xN over ...)" for repeats.</summary>
    private static void DescribeEvents(PrefixWriter w, List<Corev1Event> events, Ctx ctx)
    {
        if (events.Count == 0)
        {
            w.Write(0, "Events:\t<none>\n");
            return;
        }
        w.Write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
        w.Write(1, "----\t------\t----\t----\t-------\n");
        foreach (var e in events.OrderBy(e => e.LastTimestamp is { } t ? Age.ToUtc(t) : DateTime.MinValue))
        {
            string firstTimestampSince = Age.IsZero(e.EventTime) ? Age.Since(e.FirstTimestamp, ctx.Now) : Age.Since(e.EventTime, ctx.Now);
            string interval;
            if (e.Series is not null)
            {
                interval = $"{Age.Since(e.Series.LastObservedTime, ctx.Now)} (x{e.Series.Count ?? 0} over {firstTimestampSince})";
            }
            else if ((e.Count ?? 0) > 1)
            {
                interval = $"{Age.Since(e.LastTimestamp, ctx.Now)} (x{e.Count} over {firstTimestampSince})";
            }
            else
            {
                interval = firstTimestampSince;
            }
            string source = !string.IsNullOrEmpty(e.Source?.Component) ? e.Source.Component : e.ReportingComponent ?? string.Empty;
            w.Write(1, $"{e.Type}\t{e.Reason}\t{interval}\t{source}\t{(e.Message ?? string.Empty).Trim()}\n");
        }
    }

    // ------------------------------------------------------------------ shared printers

    private static void PrintLabelsMultiline(PrefixWriter w, string title, IDictionary<string, string>? labels)
    {
        w.Write(0, $"{title}:\t");
        if (labels is null || labels.Count == 0)
        {
            w.WriteLine("<none>");
            return;
        }
        bool first = true;
        foreach (var kv in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!first)
            {
                w.Write(0, "\t");
            }
            first = false;
            w.Write(0, $"{kv.Key}={kv.Value}\n");
        }
    }

    private const int MaxAnnotationLen = 140;

    private static void PrintAnnotationsMultiline(PrefixWriter w, string title, IDictionary<string, string>? annotations)
    {
        w.Write(0, $"{title}:\t");
        var keys = (annotations ?? new Dictionary<string, string>()).Keys
            .Where(k => k != "kubectl.kubernetes.io/last-applied-configuration")
            .OrderBy(k => k, StringComparer.Ordinal)
            .ToList();
        if (keys.Count == 0)
        {
            w.WriteLine("<none>");
            return;
        }
        const string indent = "\t";
        for (int i = 0; i < keys.Count; i++)
        {
            string key = keys[i];
            if (i != 0)
            {
                w.Write(0, indent);
            }
            string value = annotations![key] ?? string.Empty;
            if (value.EndsWith('\n'))
            {
                value = value[..^1];
            }
            if (Encoding.UTF8.GetByteCount(value) + Encoding.UTF8.GetByteCount(key) + 2 > MaxAnnotationLen || value.Contains('\n'))
            {
                w.Write(0, $"{key}:\n");
                foreach (var s in value.Split('\n'))
                {
                    w.Write(0, $"{indent}  {Shorten(s, MaxAnnotationLen - 2)}\n");
                }
            }
            else
            {
                w.Write(0, $"{key}: {value}\n");
            }
        }
    }

    private static string Shorten(string s, int maxLength)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        if (bytes.Length <= maxLength)
        {
            return s;
        }
        return Encoding.UTF8.GetString(bytes, 0, maxLength) + "...";
    }

    private static void PrintTolerationsMultiline(PrefixWriter w, string title, IList<V1Toleration>? tolerations)
    {
        w.Write(0, $"{title}:\t");
        if (tolerations is null || tolerations.Count == 0)
        {
            w.WriteLine("<none>");
            return;
        }
        bool first = true;
        foreach (var t in tolerations.OrderBy(t => t.Key ?? string.Empty, StringComparer.Ordinal))
        {
            if (!first)
            {
                w.Write(0, "\t");
            }
            first = false;
            var sb = new StringBuilder(t.Key ?? string.Empty);
            if (!string.IsNullOrEmpty(t.Value))
            {
                sb.Append('=').Append(t.Value);
            }
            if (!string.IsNullOrEmpty(t.Effect))
            {
                sb.Append(':').Append(t.Effect);
            }
            if (t.OperatorProperty == "Exists" && string.IsNullOrEmpty(t.Value))
            {
                sb.Append(!string.IsNullOrEmpty(t.Key) || !string.IsNullOrEmpty(t.Effect) ? " op=Exists" : "op=Exists");
            }
            if (t.TolerationSeconds is { } secs)
            {
                sb.Append(" for ").Append(secs).Append('s');
            }
            w.Write(0, sb.Append('\n').ToString());
        }
    }

    // ------------------------------------------------------------------ small helpers

    /// <summary>Go's time.RFC1123Z ("Mon, 02 Jan 2006 15:04:05 -0700") in the given zone; Go's zero time when unset.</summary>
    internal static string Rfc1123Z(DateTime? t, TimeZoneInfo zone)
    {
        if (Age.IsZero(t))
        {
            return "Mon, 01 Jan 0001 00:00:00 +0000";
        }
        var utc = Age.ToUtc(t!.Value);
        var offset = zone.GetUtcOffset(utc);
        var local = utc + offset;
        string sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return local.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture)
            + $" {sign}{abs.Hours:00}{abs.Minutes:00}";
    }

    private static string Rfc1123Z(DateTime? t, Ctx ctx) => Rfc1123Z(t, ctx.Zone);

    private static string IntOrStr(IntOrString? v) => v?.Value ?? string.Empty;

    private static string StringOrNone(string s) => s.Length > 0 ? s : "<none>";

    private static string GoBool(bool b) => b ? "true" : "false";

    private static string GoBoolPtr(bool? b) => b is null ? "<nil>" : GoBool(b.Value);

    private static string GoQuote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>kubectl's PrefixWriter over a Go tabwriter (minwidth 0, tabwidth 8, padding 2).</summary>
    private sealed class PrefixWriter
    {
        private readonly StringBuilder _sb = new();

        public void Write(int level, string text)
        {
            _sb.Append(' ', level * 2).Append(TablePrinter.EscapeTerminal(text));
        }

        public void WriteLine(string text) => _sb.Append(TablePrinter.EscapeTerminal(text)).Append('\n');

        public string Render()
        {
            var tw = new GoTabWriter(0, 8, 2, ' ');
            tw.Write(_sb.ToString());
            return tw.Flush();
        }
    }
}
