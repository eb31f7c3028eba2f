using System.Globalization;
using k8s.Models;

namespace Cluster.Printing;

/// <summary>
/// The columns <c>kubectl get</c> prints for each kind, by default and with <c>-o wide</c>,
/// with cell values computed like kubectl's printers
/// (k8s.io/kubernetes/pkg/printers/internalversion/printers.go, kubectl 1.32).
/// </summary>
public static class Columns
{
    private sealed record KindInfo(string Kind, string Group, bool Namespaced, string[] Headers, string[] WideHeaders);

    private static readonly Dictionary<string, KindInfo> Kinds = new(StringComparer.Ordinal)
    {
        ["Deployment"] = new("Deployment", "apps", true,
            ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            ["CONTAINERS", "IMAGES", "SELECTOR"]),
        ["ReplicaSet"] = new("ReplicaSet", "apps", true,
            ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            ["CONTAINERS", "IMAGES", "SELECTOR"]),
        ["Pod"] = new("Pod", "", true,
            ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
        ["Service"] = new("Service", "", true,
            ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
            ["SELECTOR"]),
        ["Node"] = new("Node", "", false,
            ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]),
        ["Namespace"] = new("Namespace", "", false,
            ["NAME", "STATUS", "AGE"],
            []),
        ["ConfigMap"] = new("ConfigMap", "", true,
            ["NAME", "DATA", "AGE"],
            []),
        ["Secret"] = new("Secret", "", true,
            ["NAME", "TYPE", "DATA", "AGE"],
            []),
        ["Endpoints"] = new("Endpoints", "", true, ["NAME", "ENDPOINTS", "AGE"], []),
        ["EndpointSlice"] = new("EndpointSlice", "discovery.k8s.io", true, ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], []),
        ["PodDisruptionBudget"] = new("PodDisruptionBudget", "policy", true, ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"], []),
        ["Ingress"] = new("Ingress", "networking.k8s.io", true, ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], []),
        ["DaemonSet"] = new("DaemonSet", "apps", true, ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
        ["StatefulSet"] = new("StatefulSet", "apps", true, ["NAME", "READY", "AGE"], ["CONTAINERS", "IMAGES"]),
        ["PersistentVolumeClaim"] = new("PersistentVolumeClaim", "", true, ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"], ["VOLUMEMODE"]),
        ["PersistentVolume"] = new("PersistentVolume", "", false, ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"], ["VOLUMEMODE"]),
        ["StorageClass"] = new("StorageClass", "storage.k8s.io", false, ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"], []),
        ["HorizontalPodAutoscaler"] = new("HorizontalPodAutoscaler", "autoscaling", true, ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"], []),
        ["ResourceQuota"] = new("ResourceQuota", "", true, ["NAME", "AGE", "REQUEST", "LIMIT"], []),
        ["LimitRange"] = new("LimitRange", "", true, ["NAME", "CREATED AT"], []),
        ["CustomResourceDefinition"] = new("CustomResourceDefinition", "apiextensions.k8s.io", false, ["NAME", "CREATED AT"], []),
        ["Role"] = new("Role", "rbac.authorization.k8s.io", true, ["NAME", "CREATED AT"], []),
        ["ServiceAccount"] = new("ServiceAccount", "", true, ["NAME", "SECRETS", "AGE"], []),
        ["ClusterRole"] = new("ClusterRole", "rbac.authorization.k8s.io", false, ["NAME", "CREATED AT"], []),
        ["RoleBinding"] = new("RoleBinding", "rbac.authorization.k8s.io", true, ["NAME", "ROLE", "AGE"], ["USERS", "GROUPS", "SERVICEACCOUNTS"]),
        ["ClusterRoleBinding"] = new("ClusterRoleBinding", "rbac.authorization.k8s.io", false, ["NAME", "ROLE", "AGE"], ["USERS", "GROUPS", "SERVICEACCOUNTS"]),
        ["Job"] = new("Job", "batch", true, ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
        ["CronJob"] = new("CronJob", "batch", true, ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
        // Event's wide columns are interleaved; see EventRow.
        ["Event"] = new("Event", "", true,
            ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
            []),
    };

    private static readonly string[] EventWideHeaders =
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["deployment"] = "Deployment", ["deployments"] = "Deployment", ["deploy"] = "Deployment",
        ["deployment.apps"] = "Deployment", ["deployments.apps"] = "Deployment",
        ["replicaset"] = "ReplicaSet", ["replicasets"] = "ReplicaSet", ["rs"] = "ReplicaSet",
        ["replicaset.apps"] = "ReplicaSet", ["replicasets.apps"] = "ReplicaSet",
        ["pod"] = "Pod", ["pods"] = "Pod", ["po"] = "Pod",
        ["service"] = "Service", ["services"] = "Service", ["svc"] = "Service",
        ["node"] = "Node", ["nodes"] = "Node", ["no"] = "Node",
        ["namespace"] = "Namespace", ["namespaces"] = "Namespace", ["ns"] = "Namespace",
        ["configmap"] = "ConfigMap", ["configmaps"] = "ConfigMap", ["cm"] = "ConfigMap",
        ["secret"] = "Secret", ["secrets"] = "Secret",
        ["event"] = "Event", ["events"] = "Event", ["ev"] = "Event", ["corev1event"] = "Event",
        ["pdb"] = "PodDisruptionBudget", ["poddisruptionbudget"] = "PodDisruptionBudget", ["poddisruptionbudgets"] = "PodDisruptionBudget",
        ["ingress"] = "Ingress", ["ingresses"] = "Ingress", ["ing"] = "Ingress",
        ["endpoints"] = "Endpoints", ["ep"] = "Endpoints", ["endpointslice"] = "EndpointSlice", ["endpointslices"] = "EndpointSlice",
        ["daemonset"] = "DaemonSet", ["daemonsets"] = "DaemonSet", ["ds"] = "DaemonSet", ["daemonset.apps"] = "DaemonSet", ["daemonsets.apps"] = "DaemonSet",
        ["statefulset"] = "StatefulSet", ["statefulsets"] = "StatefulSet", ["sts"] = "StatefulSet", ["statefulset.apps"] = "StatefulSet", ["statefulsets.apps"] = "StatefulSet",
        ["persistentvolumeclaim"] = "PersistentVolumeClaim", ["persistentvolumeclaims"] = "PersistentVolumeClaim", ["pvc"] = "PersistentVolumeClaim",
        ["persistentvolume"] = "PersistentVolume", ["persistentvolumes"] = "PersistentVolume", ["pv"] = "PersistentVolume",
        ["storageclass"] = "StorageClass", ["storageclasses"] = "StorageClass", ["sc"] = "StorageClass", ["storageclass.storage.k8s.io"] = "StorageClass", ["storageclasses.storage.k8s.io"] = "StorageClass",
        ["hpa"] = "HorizontalPodAutoscaler", ["horizontalpodautoscaler"] = "HorizontalPodAutoscaler", ["horizontalpodautoscalers"] = "HorizontalPodAutoscaler",
        ["horizontalpodautoscaler.autoscaling"] = "HorizontalPodAutoscaler", ["horizontalpodautoscalers.autoscaling"] = "HorizontalPodAutoscaler",
        ["resourcequota"] = "ResourceQuota", ["resourcequotas"] = "ResourceQuota", ["quota"] = "ResourceQuota",
        ["sa"] = "ServiceAccount", ["serviceaccount"] = "ServiceAccount", ["serviceaccounts"] = "ServiceAccount",
        ["role"] = "Role", ["roles"] = "Role", ["clusterrole"] = "ClusterRole", ["clusterroles"] = "ClusterRole",
        ["rolebinding"] = "RoleBinding", ["rolebindings"] = "RoleBinding", ["clusterrolebinding"] = "ClusterRoleBinding", ["clusterrolebindings"] = "ClusterRoleBinding",
        ["crd"] = "CustomResourceDefinition", ["crds"] = "CustomResourceDefinition", ["customresourcedefinition"] = "CustomResourceDefinition", ["customresourcedefinitions"] = "CustomResourceDefinition",
        ["limitrange"] = "LimitRange", ["limitranges"] = "LimitRange", ["limits"] = "LimitRange",
        ["job"] = "Job", ["jobs"] = "Job", ["job.batch"] = "Job", ["jobs.batch"] = "Job",
        ["cronjob"] = "CronJob", ["cronjobs"] = "CronJob", ["cj"] = "CronJob", ["cronjob.batch"] = "CronJob", ["cronjobs.batch"] = "CronJob",
    };

    /// <summary>
    /// Maps a kind, resource name or short name ("Deployment", "deployments", "deploy", "po", ...)
    /// to the Kind name used by this printer, or null when the kind is not supported.
    /// </summary>
    public static string? NormalizeKind(string kind)
    {
        if (string.IsNullOrWhiteSpace(kind))
        {
            return null;
        }
        if (Kinds.ContainsKey(kind))
        {
            return kind;
        }
        return Aliases.TryGetValue(kind.Trim(), out var k) ? k : null;
    }

    /// <summary>The kinds this printer has columns for.</summary>
    public static IReadOnlyList<string> SupportedKinds { get; } = Kinds.Keys.ToArray();

    /// <summary>True for namespaced kinds (they get a NAMESPACE column with -A).</summary>
    public static bool IsNamespaced(string kind) => Info(kind).Namespaced;

    /// <summary>
    /// Headers and rows exactly as <c>kubectl get KIND [-o wide] [-A] [--show-labels]</c> prints them.
    /// <paramref name="objects"/> are the typed models (V1Deployment, V1Pod, ..., Corev1Event).
    /// With <paramref name="allNamespaces"/> a NAMESPACE column comes first (namespaced kinds only, like kubectl);
    /// with <paramref name="showLabels"/> a LABELS column comes last.
    /// </summary>
    public static (IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) Table(
        string kind, IReadOnlyList<object> objects, bool wide, bool allNamespaces, bool showLabels, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var info = Info(kind);
        bool withNamespace = allNamespaces && info.Namespaced;

        var headers = new List<string>();
        if (withNamespace)
        {
            headers.Add("NAMESPACE");
        }
        if (info.Kind == "Event" && wide)
        {
            headers.AddRange(EventWideHeaders);
        }
        else
        {
            headers.AddRange(info.Headers);
            if (wide)
            {
                headers.AddRange(info.WideHeaders);
            }
        }
        if (showLabels)
        {
            headers.Add("LABELS");
        }

        var rows = new List<IReadOnlyList<string>>(objects.Count);
        foreach (var obj in objects)
        {
            var meta = Meta(obj);
            var cells = new List<string>();
            if (withNamespace)
            {
                cells.Add(meta?.NamespaceProperty ?? string.Empty);
            }
            cells.AddRange(info.Kind switch
            {
                "Deployment" => DeploymentRow(Cast<V1Deployment>(obj, info.Kind), wide, nowUtc),
                "ReplicaSet" => ReplicaSetRow(Cast<V1ReplicaSet>(obj, info.Kind), wide, nowUtc),
                "Pod" => PodRow(Cast<V1Pod>(obj, info.Kind), wide, nowUtc),
                "Service" => ServiceRow(Cast<V1Service>(obj, info.Kind), wide, nowUtc),
                "Node" => NodeRow(Cast<V1Node>(obj, info.Kind), wide, nowUtc),
                "Namespace" => NamespaceRow(Cast<V1Namespace>(obj, info.Kind), nowUtc),
                "ConfigMap" => ConfigMapRow(Cast<V1ConfigMap>(obj, info.Kind), nowUtc),
                "Secret" => SecretRow(Cast<V1Secret>(obj, info.Kind), nowUtc),
                "Event" => EventRow(Cast<Corev1Event>(obj, info.Kind), wide, nowUtc),
                "PodDisruptionBudget" => PdbRow(Cast<V1PodDisruptionBudget>(obj, info.Kind), nowUtc),
                "Ingress" => IngressRow(Cast<V1Ingress>(obj, info.Kind), nowUtc),
                "Endpoints" => EndpointsRow(Cast<V1Endpoints>(obj, info.Kind), nowUtc),
                "EndpointSlice" => EndpointSliceRow(Cast<V1EndpointSlice>(obj, info.Kind), nowUtc),
                "DaemonSet" => DaemonSetRow(Cast<V1DaemonSet>(obj, info.Kind), wide, nowUtc),
                "StatefulSet" => StatefulSetRow(Cast<V1StatefulSet>(obj, info.Kind), wide, nowUtc),
                "PersistentVolumeClaim" => ClaimRow(Cast<V1PersistentVolumeClaim>(obj, info.Kind), wide, nowUtc),
                "PersistentVolume" => VolumeRow(Cast<V1PersistentVolume>(obj, info.Kind), wide, nowUtc),
                "StorageClass" => StorageClassRow(Cast<V1StorageClass>(obj, info.Kind), nowUtc),
                "HorizontalPodAutoscaler" => HpaRow(Cast<V2HorizontalPodAutoscaler>(obj, info.Kind), nowUtc),
                "ResourceQuota" => QuotaRow(Cast<V1ResourceQuota>(obj, info.Kind), nowUtc),
                "CustomResourceDefinition" => NameAndCreated(Cast<V1CustomResourceDefinition>(obj, info.Kind).Metadata),
                "ServiceAccount" => new[] { Cast<V1ServiceAccount>(obj, info.Kind).Metadata?.Name ?? "", (Cast<V1ServiceAccount>(obj, info.Kind).Secrets?.Count ?? 0).ToString(), Age.Since(Cast<V1ServiceAccount>(obj, info.Kind).Metadata?.CreationTimestamp, nowUtc) },
                "Role" => NameAndCreated(Cast<V1Role>(obj, info.Kind).Metadata),
                "ClusterRole" => NameAndCreated(Cast<V1ClusterRole>(obj, info.Kind).Metadata),
                "RoleBinding" => BindingRow(Cast<V1RoleBinding>(obj, info.Kind).Metadata, Cast<V1RoleBinding>(obj, info.Kind).RoleRef, Cast<V1RoleBinding>(obj, info.Kind).Subjects, wide, nowUtc),
                "ClusterRoleBinding" => BindingRow(Cast<V1ClusterRoleBinding>(obj, info.Kind).Metadata, Cast<V1ClusterRoleBinding>(obj, info.Kind).RoleRef, Cast<V1ClusterRoleBinding>(obj, info.Kind).Subjects, wide, nowUtc),
                "LimitRange" => NameAndCreated(Cast<V1LimitRange>(obj, info.Kind).Metadata),
                "Job" => JobRow(Cast<V1Job>(obj, info.Kind), wide, nowUtc),
                "CronJob" => CronJobRow(Cast<V1CronJob>(obj, info.Kind), wide, nowUtc),
                _ => throw new ArgumentException($"unsupported kind '{kind}'", nameof(kind)),
            });
            if (showLabels)
            {
                cells.Add(K8sFormat.FormatLabels(meta?.Labels));
            }
            rows.Add(cells);
        }
        return (headers, rows);
    }

    /// <summary>kubectl's NAME and CREATED AT, for kinds it prints no more of.</summary>
    static string[] NameAndCreated(V1ObjectMeta? m) =>
        [m?.Name ?? "", m?.CreationTimestamp?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ") ?? ""];

    static IEnumerable<string> BindingRow(V1ObjectMeta? m, V1RoleRef? role, IList<Rbacv1Subject>? subjects, bool wide, DateTime now)
    {
        yield return m?.Name ?? "";
        yield return role == null ? "" : $"{role.Kind}/{role.Name}";
        yield return Age.Since(m?.CreationTimestamp, now);
        if (!wide) yield break;
        string Of(string kind) => string.Join(", ", (subjects ?? []).Where(s => s.Kind == kind).Select(s => kind == "ServiceAccount" ? $"{s.NamespaceProperty}/{s.Name}" : s.Name));
        yield return Of("User");
        yield return Of("Group");
        yield return Of("ServiceAccount");
    }

    /// <summary>
    /// The name kubectl prints with <c>-o name</c>: "deployment.apps/nginx-deployment", "pod/nginx", "service/web".
    /// </summary>
    public static string Name(string kind, object obj)
    {
        var info = Info(kind);
        string resource = info.Kind.ToLowerInvariant();
        if (info.Group.Length > 0)
        {
            resource += "." + info.Group;
        }
        return resource + "/" + (Meta(obj)?.Name ?? string.Empty);
    }

    // ---------------------------------------------------------------- rows

    internal static IEnumerable<string> DeploymentRow(V1Deployment d, bool wide, DateTime now)
    {
        int desired = d.Spec?.Replicas ?? 0;
        int updated = d.Status?.UpdatedReplicas ?? 0;
        int ready = d.Status?.ReadyReplicas ?? 0;
        int available = d.Status?.AvailableReplicas ?? 0;
        yield return d.Metadata?.Name ?? string.Empty;
        yield return $"{ready}/{desired}";
        yield return updated.ToString(CultureInfo.InvariantCulture);
        yield return available.ToString(CultureInfo.InvariantCulture);
        yield return Age.Since(d.Metadata?.CreationTimestamp, now);
        if (wide)
        {
            var (names, images) = LayoutContainerCells(d.Spec?.Template?.Spec?.Containers);
            yield return names;
            yield return images;
            yield return K8sFormat.SelectorString(d.Spec?.Selector);
        }
    }

    internal static IEnumerable<string> DaemonSetRow(V1DaemonSet ds, bool wide, DateTime now)
    {
        var s = ds.Status;
        yield return ds.Metadata?.Name ?? string.Empty;
        yield return (s?.DesiredNumberScheduled ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return (s?.CurrentNumberScheduled ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return (s?.NumberReady ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return (s?.UpdatedNumberScheduled ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return (s?.NumberAvailable ?? 0).ToString(CultureInfo.InvariantCulture);
        var selector = ds.Spec?.Template?.Spec?.NodeSelector;
        yield return selector == null || selector.Count == 0 ? "<none>" : string.Join(",", selector.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        yield return Age.Since(ds.Metadata?.CreationTimestamp, now);
        if (wide)
        {
            var (names, images) = LayoutContainerCells(ds.Spec?.Template?.Spec?.Containers);
            yield return names;
            yield return images;
            yield return K8sFormat.SelectorString(ds.Spec?.Selector);
        }
    }

    internal static IEnumerable<string> StatefulSetRow(V1StatefulSet s, bool wide, DateTime now)
    {
        yield return s.Metadata?.Name ?? string.Empty;
        yield return $"{s.Status?.ReadyReplicas ?? 0}/{s.Spec?.Replicas ?? 0}";
        yield return Age.Since(s.Metadata?.CreationTimestamp, now);
        if (wide)
        {
            var (names, images) = LayoutContainerCells(s.Spec?.Template?.Spec?.Containers);
            yield return names;
            yield return images;
        }
    }

    /// <summary>kubectl's access-mode abbreviations (RWO, ROX, RWX, RWOP).</summary>
    static string Modes(IList<string>? modes) => string.Join(",", (modes ?? []).Select(m => m switch
    {
        "ReadWriteOnce" => "RWO", "ReadOnlyMany" => "ROX", "ReadWriteMany" => "RWX", "ReadWriteOncePod" => "RWOP", _ => m,
    }));

    static string Storage(IDictionary<string, ResourceQuantity>? capacity) =>
        capacity != null && capacity.TryGetValue("storage", out var q) ? q.ToString() : "";

    internal static IEnumerable<string> ClaimRow(V1PersistentVolumeClaim c, bool wide, DateTime now)
    {
        yield return c.Metadata?.Name ?? string.Empty;
        yield return c.Metadata?.DeletionTimestamp != null ? "Terminating" : c.Status?.Phase ?? "Pending";
        yield return c.Spec?.VolumeName ?? "";
        yield return Storage(c.Status?.Capacity);
        yield return Modes(c.Status?.AccessModes);
        yield return c.Spec?.StorageClassName ?? "<unset>";
        yield return c.Spec?.VolumeAttributesClassName ?? "<unset>";
        yield return Age.Since(c.Metadata?.CreationTimestamp, now);
        if (wide) yield return c.Spec?.VolumeMode ?? "Filesystem";
    }

    internal static IEnumerable<string> VolumeRow(V1PersistentVolume v, bool wide, DateTime now)
    {
        yield return v.Metadata?.Name ?? string.Empty;
        yield return Storage(v.Spec?.Capacity);
        yield return Modes(v.Spec?.AccessModes);
        yield return v.Spec?.PersistentVolumeReclaimPolicy ?? "";
        yield return v.Metadata?.DeletionTimestamp != null ? "Terminating" : v.Status?.Phase ?? "";
        yield return v.Spec?.ClaimRef is { } r ? $"{r.NamespaceProperty}/{r.Name}" : "";
        yield return v.Spec?.StorageClassName ?? "";
        yield return v.Spec?.VolumeAttributesClassName ?? "<unset>";
        yield return v.Status?.Reason ?? "";
        yield return Age.Since(v.Metadata?.CreationTimestamp, now);
        if (wide) yield return v.Spec?.VolumeMode ?? "Filesystem";
    }

    internal static IEnumerable<string> StorageClassRow(V1StorageClass c, DateTime now)
    {
        var isDefault = c.Metadata?.Annotations?.TryGetValue("storageclass.kubernetes.io/is-default-class", out var d) == true && d == "true";
        yield return (c.Metadata?.Name ?? string.Empty) + (isDefault ? " (default)" : "");
        yield return c.Provisioner ?? "";
        yield return c.ReclaimPolicy ?? "Delete";
        yield return c.VolumeBindingMode ?? "Immediate";
        yield return c.AllowVolumeExpansion == true ? "true" : "false";
        yield return Age.Since(c.Metadata?.CreationTimestamp, now);
    }

    /// <summary>printHorizontalPodAutoscaler: TARGETS as kubectl formats them (formatHPAMetrics).</summary>
    internal static IEnumerable<string> HpaRow(V2HorizontalPodAutoscaler h, DateTime now)
    {
        yield return h.Metadata?.Name ?? string.Empty;
        yield return $"{h.Spec?.ScaleTargetRef?.Kind}/{h.Spec?.ScaleTargetRef?.Name}";
        yield return HpaTargets(h);
        yield return h.Spec?.MinReplicas is { } min ? min.ToString(CultureInfo.InvariantCulture) : "<unset>";
        yield return (h.Spec?.MaxReplicas ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return (h.Status?.CurrentReplicas ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return Age.Since(h.Metadata?.CreationTimestamp, now);
    }

    static string HpaTargets(V2HorizontalPodAutoscaler h)
    {
        var specs = h.Spec?.Metrics ?? [];
        if (specs.Count == 0) return "<none>";
        var statuses = h.Status?.CurrentMetrics ?? [];
        var list = new List<string>();
        for (var i = 0; i < specs.Count; i++)
        {
            var m = specs[i];
            var st = i < statuses.Count ? statuses[i] : null;
            switch (m.Type)
            {
                case "Object" when m.ObjectProperty?.Target?.Type == "AverageValue":
                    list.Add($"{st?.ObjectProperty?.Current?.AverageValue?.ToString() ?? "<unknown>"}/{m.ObjectProperty.Target.AverageValue} (avg)");
                    break;
                case "Object":
                    list.Add($"{st?.ObjectProperty?.Current?.Value?.ToString() ?? "<unknown>"}/{m.ObjectProperty?.Target?.Value}");
                    break;
                case "Pods":
                    list.Add($"{st?.Pods?.Current?.AverageValue?.ToString() ?? "<unknown>"}/{m.Pods?.Target?.AverageValue}");
                    break;
                case "Resource" when m.Resource?.Target?.AverageValue != null:
                    list.Add($"{m.Resource.Name}: {st?.Resource?.Current?.AverageValue?.ToString() ?? "<unknown>"}/{m.Resource.Target.AverageValue}");
                    break;
                case "Resource":
                    var current = st?.Resource?.Current?.AverageUtilization is { } u ? $"{u}%" : "<unknown>";
                    var target = m.Resource?.Target?.AverageUtilization is { } t ? $"{t}%" : "<auto>";
                    list.Add($"{m.Resource?.Name}: {current}/{target}");
                    break;
                default:
                    list.Add("<unknown>");
                    break;
            }
        }
        return list.Count > 2 ? string.Join(", ", list.Take(2)) + $" + {list.Count - 2} more..." : string.Join(", ", list);
    }

    /// <summary>printResourceQuota: "resource: used/hard" pairs, requests and limits apart.</summary>
    internal static IEnumerable<string> QuotaRow(V1ResourceQuota q, DateTime now)
    {
        yield return q.Metadata?.Name ?? string.Empty;
        yield return Age.Since(q.Metadata?.CreationTimestamp, now);
        var hard = q.Status?.Hard ?? q.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
        var used = q.Status?.Used ?? new Dictionary<string, ResourceQuantity>();
        string Pairs(bool limits) => string.Join(", ", hard.Keys.Where(k => k.StartsWith("limits.", StringComparison.Ordinal) == limits).Order(StringComparer.Ordinal)
            .Select(k => $"{k}: {(used.TryGetValue(k, out var u) ? u.ToString() : "0")}/{hard[k]}"));
        yield return Pairs(false);
        yield return Pairs(true);
    }

    static bool HasCondition(V1JobStatus? s, string type) => s?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;

    /// <summary>printJob: STATUS from the conditions, COMPLETIONS succeeded/wanted, DURATION start to completion (or now).</summary>
    internal static IEnumerable<string> JobRow(V1Job j, bool wide, DateTime now)
    {
        yield return j.Metadata?.Name ?? string.Empty;
        var s = j.Status;
        yield return HasCondition(s, "Complete") ? "Complete"
            : HasCondition(s, "Failed") ? "Failed"
            : j.Metadata?.DeletionTimestamp != null ? "Terminating"
            : HasCondition(s, "Suspended") ? "Suspended"
            : HasCondition(s, "FailureTarget") ? "FailureTarget"
            : HasCondition(s, "SuccessCriteriaMet") ? "SuccessCriteriaMet"
            : "Running";
        var succeeded = s?.Succeeded ?? 0;
        yield return j.Spec?.Completions is { } c ? $"{succeeded}/{c}"
            : j.Spec?.Parallelism is { } p && p > 1 ? $"{succeeded}/1 of {p}"
            : $"{succeeded}/1";
        yield return s?.StartTime is not { } start ? ""
            : Age.HumanDuration((s.CompletionTime is { } done ? Age.ToUtc(done) : Age.ToUtc(now)) - Age.ToUtc(start));
        yield return Age.Since(j.Metadata?.CreationTimestamp, now);
        if (wide)
        {
            var (names, images) = LayoutContainerCells(j.Spec?.Template?.Spec?.Containers);
            yield return names;
            yield return images;
            yield return K8sFormat.SelectorString(j.Spec?.Selector);
        }
    }

    internal static IEnumerable<string> CronJobRow(V1CronJob cj, bool wide, DateTime now)
    {
        yield return cj.Metadata?.Name ?? string.Empty;
        yield return cj.Spec?.Schedule ?? string.Empty;
        yield return cj.Spec?.TimeZone ?? "<none>";
        yield return cj.Spec?.Suspend == true ? "True" : "False";
        yield return (cj.Status?.Active?.Count ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return cj.Status?.LastScheduleTime is { } last ? Age.Since(last, now) : "<none>";
        yield return Age.Since(cj.Metadata?.CreationTimestamp, now);
        if (wide)
        {
            var (names, images) = LayoutContainerCells(cj.Spec?.JobTemplate?.Spec?.Template?.Spec?.Containers);
            yield return names;
            yield return images;
            yield return K8sFormat.SelectorString(cj.Spec?.JobTemplate?.Spec?.Selector);
        }
    }

    internal static IEnumerable<string> ReplicaSetRow(V1ReplicaSet rs, bool wide, DateTime now)
    {
        yield return rs.Metadata?.Name ?? string.Empty;
        yield return (rs.Spec?.Replicas ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return (rs.Status?.Replicas ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return (rs.Status?.ReadyReplicas ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return Age.Since(rs.Metadata?.CreationTimestamp, now);
        if (wide)
        {
            var (names, images) = LayoutContainerCells(rs.Spec?.Template?.Spec?.Containers);
            yield return names;
            yield return images;
            yield return K8sFormat.FormatLabelSelector(rs.Spec?.Selector);
        }
    }

    /// <summary>The READY, STATUS and RESTARTS cells of a pod, computed like kubectl's printPod.</summary>
    public static (string Ready, string Status, string Restarts) PodStatusCells(V1Pod pod, DateTime nowUtc)
    {
        var spec = pod.Spec;
        var status = pod.Status;
        int restarts = 0;
        int restartableInitContainerRestarts = 0;
        int totalContainers = spec?.Containers?.Count ?? 0;
        int readyContainers = 0;
        DateTime? lastRestartDate = null;
        DateTime? lastRestartableInitContainerRestartDate = null;

        string podPhase = status?.Phase ?? string.Empty;
        string reason = podPhase;
        if (!string.IsNullOrEmpty(status?.Reason))
        {
            reason = status!.Reason;
        }

        // {type:PodScheduled, reason:SchedulingGated} => SchedulingGated
        foreach (var condition in status?.Conditions ?? [])
        {
            if (condition.Type == "PodScheduled" && condition.Reason == "SchedulingGated")
            {
                reason = "SchedulingGated";
            }
        }

        var initContainers = new Dictionary<string, V1Container>(StringComparer.Ordinal);
        foreach (var ic in spec?.InitContainers ?? [])
        {
            if (ic.Name is not null)
            {
                initContainers[ic.Name] = ic;
            }
            if (IsRestartableInitContainer(ic))
            {
                totalContainers++;
            }
        }

        bool initializing = false;
        var initStatuses = status?.InitContainerStatuses ?? [];
        int initCount = spec?.InitContainers?.Count ?? 0;
        for (int i = 0; i < initStatuses.Count; i++)
        {
            var container = initStatuses[i];
            restarts += container.RestartCount;
            var lastTerminated = container.LastState?.Terminated;
            if (lastTerminated is not null)
            {
                lastRestartDate = Later(lastRestartDate, lastTerminated.FinishedAt);
            }
            initContainers.TryGetValue(container.Name ?? string.Empty, out var initSpec);
            bool restartable = IsRestartableInitContainer(initSpec);
            if (restartable)
            {
                restartableInitContainerRestarts += container.RestartCount;
                if (lastTerminated is not null)
                {
                    lastRestartableInitContainerRestartDate = Later(lastRestartableInitContainerRestartDate, lastTerminated.FinishedAt);
                }
            }

            var state = container.State;
            if (state?.Terminated is not null && state.Terminated.ExitCode == 0)
            {
                continue;
            }
            if (restartable && container.Started == true)
            {
                if (container.Ready)
                {
                    readyContainers++;
                }
                continue;
            }
            if (state?.Terminated is not null)
            {
                // initialization failed
                var t = state.Terminated;
                if (string.IsNullOrEmpty(t.Reason))
                {
                    reason = (t.Signal ?? 0) != 0 ? $"Init:Signal:{t.Signal}" : $"Init:ExitCode:{t.ExitCode}";
                }
                else
                {
                    reason = "Init:" + t.Reason;
                }
                initializing = true;
            }
            else if (state?.Waiting is not null && !string.IsNullOrEmpty(state.Waiting.Reason) && state.Waiting.Reason != "PodInitializing")
            {
                reason = "Init:" + state.Waiting.Reason;
                initializing = true;
            }
            else
            {
                reason = $"Init:{i}/{initCount}";
                initializing = true;
            }
            break;
        }

        if (!initializing || IsPodInitializedConditionTrue(status))
        {
            restarts = restartableInitContainerRestarts;
            lastRestartDate = lastRestartableInitContainerRestartDate;
            bool hasRunning = false;
            var statuses = status?.ContainerStatuses ?? [];
            for (int i = statuses.Count - 1; i >= 0; i--)
            {
                var container = statuses[i];
                restarts += container.RestartCount;
                if (container.LastState?.Terminated is { } lt)
                {
                    lastRestartDate = Later(lastRestartDate, lt.FinishedAt);
                }
                var state = container.State;
                if (state?.Waiting is not null && !string.IsNullOrEmpty(state.Waiting.Reason))
                {
                    reason = state.Waiting.Reason;
                }
                else if (state?.Terminated is not null && !string.IsNullOrEmpty(state.Terminated.Reason))
                {
                    reason = state.Terminated.Reason;
                }
                else if (state?.Terminated is not null)
                {
                    var t = state.Terminated;
                    reason = (t.Signal ?? 0) != 0 ? $"Signal:{t.Signal}" : $"ExitCode:{t.ExitCode}";
                }
                else if (container.Ready && state?.Running is not null)
                {
                    hasRunning = true;
                    readyContainers++;
                }
            }

            // change pod status back to "Running" if there is at least one container still reporting as "Running" status
            if (reason == "Completed" && hasRunning)
            {
                reason = HasPodReadyCondition(status) ? "Running" : "NotReady";
            }
        }

        var deletion = pod.Metadata?.DeletionTimestamp;
        if (deletion is not null && status?.Reason == "NodeLost")
        {
            reason = "Unknown";
        }
        else if (deletion is not null && podPhase != "Failed" && podPhase != "Succeeded")
        {
            reason = "Terminating";
        }

        string restartsStr = restarts.ToString(CultureInfo.InvariantCulture);
        if (restarts != 0 && !Age.IsZero(lastRestartDate))
        {
            restartsStr = $"{restarts} ({Age.Since(lastRestartDate, nowUtc)} ago)";
        }

        return ($"{readyContainers}/{totalContainers}", reason, restartsStr);
    }

    internal static IEnumerable<string> PodRow(V1Pod pod, bool wide, DateTime now)
    {
        var (ready, status, restarts) = PodStatusCells(pod, now);
        yield return pod.Metadata?.Name ?? string.Empty;
        yield return ready;
        yield return status;
        yield return restarts;
        yield return Age.Since(pod.Metadata?.CreationTimestamp, now);
        if (wide)
        {
            string podIP = pod.Status?.PodIPs is { Count: > 0 } ips ? ips[0].Ip ?? string.Empty : pod.Status?.PodIP ?? string.Empty;
            string nodeName = pod.Spec?.NodeName ?? string.Empty;
            string nominated = pod.Status?.NominatedNodeName ?? string.Empty;
            yield return podIP.Length == 0 ? "<none>" : podIP;
            yield return nodeName.Length == 0 ? "<none>" : nodeName;
            yield return nominated.Length == 0 ? "<none>" : nominated;

            string readinessGates = "<none>";
            var gates = pod.Spec?.ReadinessGates;
            if (gates is { Count: > 0 })
            {
                int trueConditions = 0;
                foreach (var gate in gates)
                {
                    foreach (var condition in pod.Status?.Conditions ?? [])
                    {
                        if (condition.Type == gate.ConditionType)
                        {
                            if (condition.Status == "True")
                            {
                                trueConditions++;
                            }
                            break;
                        }
                    }
                }
                readinessGates = $"{trueConditions}/{gates.Count}";
            }
            yield return readinessGates;
        }
    }

    internal static IEnumerable<string> ServiceRow(V1Service svc, bool wide, DateTime now)
    {
        var spec = svc.Spec;
        string type = K8sFormat.ServiceType(svc);
        string internalIP = "<none>";
        if (spec?.ClusterIPs is { Count: > 0 } cips)
        {
            internalIP = cips[0];
        }
        else if (!string.IsNullOrEmpty(spec?.ClusterIP))
        {
            internalIP = spec!.ClusterIP;
        }
        string ports = MakePortString(spec?.Ports);
        yield return svc.Metadata?.Name ?? string.Empty;
        yield return type;
        yield return internalIP;
        yield return ServiceExternalIP(svc, wide);
        yield return ports.Length == 0 ? "<none>" : ports;
        yield return Age.Since(svc.Metadata?.CreationTimestamp, now);
        if (wide)
        {
            yield return K8sFormat.FormatLabels(spec?.Selector);
        }
    }

    internal static IEnumerable<string> NodeRow(V1Node node, bool wide, DateTime now)
    {
        var status = new List<string>();
        var ready = node.Status?.Conditions?.LastOrDefault(c => c.Type == "Ready");
        if (ready is not null)
        {
            status.Add(ready.Status == "True" ? "Ready" : "NotReady");
        }
        if (status.Count == 0)
        {
            status.Add("Unknown");
        }
        if (node.Spec?.Unschedulable == true)
        {
            status.Add("SchedulingDisabled");
        }

        string roles = string.Join(",", K8sFormat.FindNodeRoles(node));
        if (roles.Length == 0)
        {
            roles = "<none>";
        }

        var info = node.Status?.NodeInfo;
        yield return node.Metadata?.Name ?? string.Empty;
        yield return string.Join(",", status);
        yield return roles;
        yield return Age.Since(node.Metadata?.CreationTimestamp, now);
        yield return info?.KubeletVersion ?? string.Empty;
        if (wide)
        {
            yield return NodeAddress(node, "InternalIP");
            yield return NodeAddress(node, "ExternalIP");
            yield return string.IsNullOrEmpty(info?.OsImage) ? "<unknown>" : info!.OsImage;
            yield return string.IsNullOrEmpty(info?.KernelVersion) ? "<unknown>" : info!.KernelVersion;
            yield return string.IsNullOrEmpty(info?.ContainerRuntimeVersion) ? "<unknown>" : info!.ContainerRuntimeVersion;
        }
    }

    internal static IEnumerable<string> NamespaceRow(V1Namespace ns, DateTime now)
    {
        yield return ns.Metadata?.Name ?? string.Empty;
        // The API server always defaults status.phase to Active.
        yield return string.IsNullOrEmpty(ns.Status?.Phase) ? "Active" : ns.Status!.Phase;
        yield return Age.Since(ns.Metadata?.CreationTimestamp, now);
    }

    internal static IEnumerable<string> ConfigMapRow(V1ConfigMap cm, DateTime now)
    {
        int count = (cm.Data?.Count ?? 0) + (cm.BinaryData?.Count ?? 0);
        yield return cm.Metadata?.Name ?? string.Empty;
        yield return count.ToString(CultureInfo.InvariantCulture);
        yield return Age.Since(cm.Metadata?.CreationTimestamp, now);
    }

    /// <summary>kubectl's formatEndpoints: up to three ip:port, then " + N more...", or &lt;none&gt;.</summary>
    internal static IEnumerable<string> EndpointsRow(V1Endpoints e, DateTime now)
    {
        yield return e.Metadata?.Name ?? string.Empty;
        var all = new List<string>();
        foreach (var subset in e.Subsets ?? [])
            foreach (var a in subset.Addresses ?? [])
            {
                if (subset.Ports == null || subset.Ports.Count == 0) all.Add(a.Ip);
                else foreach (var port in subset.Ports) all.Add($"{a.Ip}:{port.Port}");
            }
        yield return all.Count == 0 ? "<none>" : string.Join(",", all.Take(3)) + (all.Count > 3 ? $" + {all.Count - 3} more..." : "");
        yield return Age.Since(e.Metadata?.CreationTimestamp, now);
    }

    internal static IEnumerable<string> PdbRow(V1PodDisruptionBudget p, DateTime now)
    {
        yield return p.Metadata?.Name ?? string.Empty;
        yield return p.Spec?.MinAvailable?.Value ?? "N/A";
        yield return p.Spec?.MaxUnavailable?.Value ?? "N/A";
        yield return (p.Status?.DisruptionsAllowed ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return Age.Since(p.Metadata?.CreationTimestamp, now);
    }

    internal static IEnumerable<string> IngressRow(V1Ingress i, DateTime now)
    {
        yield return i.Metadata?.Name ?? string.Empty;
        yield return i.Spec?.IngressClassName ?? "<none>";
        var hosts = (i.Spec?.Rules ?? []).Select(r => r.Host).Where(h => !string.IsNullOrEmpty(h)).ToList();
        yield return hosts.Count == 0 ? "*" : string.Join(",", hosts);
        var addrs = (i.Status?.LoadBalancer?.Ingress ?? []).Select(a => a.Ip ?? a.Hostname).Where(a => !string.IsNullOrEmpty(a)).ToList();
        yield return string.Join(",", addrs);
        yield return (i.Spec?.Tls?.Count ?? 0) > 0 ? "80, 443" : "80";
        yield return Age.Since(i.Metadata?.CreationTimestamp, now);
    }

    internal static IEnumerable<string> EndpointSliceRow(V1EndpointSlice s, DateTime now)
    {
        yield return s.Metadata?.Name ?? string.Empty;
        yield return s.AddressType ?? string.Empty;
        var ports = (s.Ports ?? []).Select(p => p.Port?.ToString(CultureInfo.InvariantCulture) ?? "").ToList();
        yield return ports.Count == 0 ? "<unset>" : string.Join(",", ports);
        var addrs = (s.Endpoints ?? []).SelectMany(x => x.Addresses ?? []).ToList();
        yield return addrs.Count == 0 ? "<unset>" : string.Join(",", addrs.Take(3)) + (addrs.Count > 3 ? $" + {addrs.Count - 3} more..." : "");
        yield return Age.Since(s.Metadata?.CreationTimestamp, now);
    }

    internal static IEnumerable<string> SecretRow(V1Secret secret, DateTime now)
    {
        yield return secret.Metadata?.Name ?? string.Empty;
        yield return K8sFormat.SecretType(secret);
        yield return K8sFormat.SecretDataCount(secret).ToString(CultureInfo.InvariantCulture);
        yield return Age.Since(secret.Metadata?.CreationTimestamp, now);
    }

    internal static IEnumerable<string> EventRow(Corev1Event e, bool wide, DateTime now)
    {
        string firstTimestamp = Age.Since(e.FirstTimestamp, now);
        if (Age.IsZero(e.FirstTimestamp))
        {
            firstTimestamp = Age.Since(e.EventTime, now);
        }
        string lastTimestamp = Age.Since(e.LastTimestamp, now);
        if (Age.IsZero(e.LastTimestamp))
        {
            lastTimestamp = firstTimestamp;
        }
        int count = e.Count ?? 0;
        if (e.Series is not null)
        {
            lastTimestamp = Age.Since(e.Series.LastObservedTime, now);
            count = e.Series.Count ?? 0;
        }
        else if (count == 0)
        {
            // Singleton events don't have a count set in the new API.
            count = 1;
        }

        string involvedKind = (e.InvolvedObject?.Kind ?? string.Empty).ToLowerInvariant();
        string target = string.IsNullOrEmpty(e.InvolvedObject?.Name) ? involvedKind : $"{involvedKind}/{e.InvolvedObject!.Name}";
        string message = (e.Message ?? string.Empty).Trim();

        yield return lastTimestamp;
        yield return e.Type ?? string.Empty;
        yield return e.Reason ?? string.Empty;
        yield return target;
        if (wide)
        {
            yield return e.InvolvedObject?.FieldPath ?? string.Empty;
            yield return K8sFormat.FormatEventSource(e.Source, e.ReportingComponent, e.ReportingInstance);
            yield return message;
            yield return firstTimestamp;
            yield return count.ToString(CultureInfo.InvariantCulture);
            yield return e.Metadata?.Name ?? string.Empty;
        }
        else
        {
            yield return message;
        }
    }

    // ---------------------------------------------------------------- helpers

    internal static (string Names, string Images) LayoutContainerCells(IList<V1Container>? containers)
    {
        if (containers is null || containers.Count == 0)
        {
            return (string.Empty, string.Empty);
        }
        return (string.Join(",", containers.Select(c => c.Name ?? string.Empty)),
                string.Join(",", containers.Select(c => c.Image ?? string.Empty)));
    }

    /// <summary>kubectl's makePortString: "80/TCP", "80:30080/TCP", joined with ",".</summary>
    public static string MakePortString(IList<V1ServicePort>? ports)
    {
        if (ports is null)
        {
            return string.Empty;
        }
        return string.Join(",", ports.Select(p =>
        {
            string protocol = string.IsNullOrEmpty(p.Protocol) ? "TCP" : p.Protocol;
            return (p.NodePort ?? 0) > 0 ? $"{p.Port}:{p.NodePort}/{protocol}" : $"{p.Port}/{protocol}";
        }));
    }

    /// <summary>kubectl's getServiceExternalIP.</summary>
    public static string ServiceExternalIP(V1Service svc, bool wide)
    {
        var spec = svc.Spec;
        var externalIPs = spec?.ExternalIPs ?? [];
        switch (K8sFormat.ServiceType(svc))
        {
            case "ClusterIP":
            case "NodePort":
                return externalIPs.Count > 0 ? string.Join(",", externalIPs) : "<none>";
            case "LoadBalancer":
                string lbIps = LoadBalancerStatusStringer(svc.Status?.LoadBalancer, wide);
                if (externalIPs.Count > 0)
                {
                    var results = new List<string>();
                    if (lbIps.Length > 0)
                    {
                        results.AddRange(lbIps.Split(','));
                    }
                    results.AddRange(externalIPs);
                    return string.Join(",", results);
                }
                return lbIps.Length > 0 ? lbIps : "<pending>";
            case "ExternalName":
                return spec?.ExternalName ?? string.Empty;
            default:
                return "<unknown>";
        }
    }

    private const int LoadBalancerWidth = 16;

    internal static string LoadBalancerStatusStringer(V1LoadBalancerStatus? s, bool wide)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ingress in s?.Ingress ?? [])
        {
            if (!string.IsNullOrEmpty(ingress.Ip))
            {
                result.Add(ingress.Ip);
            }
            else if (!string.IsNullOrEmpty(ingress.Hostname))
            {
                result.Add(ingress.Hostname);
            }
        }
        string r = string.Join(",", result);
        if (!wide && r.Length > LoadBalancerWidth)
        {
            r = r[..(LoadBalancerWidth - 3)] + "...";
        }
        return r;
    }

    private static string NodeAddress(V1Node node, string type)
    {
        foreach (var address in node.Status?.Addresses ?? [])
        {
            if (address.Type == type)
            {
                return address.Address ?? string.Empty;
            }
        }
        return "<none>";
    }

    private static bool IsRestartableInitContainer(V1Container? c) => c?.RestartPolicy == "Always";

    private static bool IsPodInitializedConditionTrue(V1PodStatus? status)
    {
        foreach (var condition in status?.Conditions ?? [])
        {
            if (condition.Type != "Initialized")
            {
                continue;
            }
            return condition.Status == "True";
        }
        return false;
    }

    private static bool HasPodReadyCondition(V1PodStatus? status) =>
        (status?.Conditions ?? []).Any(c => c.Type == "Ready" && c.Status == "True");

    private static DateTime? Later(DateTime? current, DateTime? candidate)
    {
        if (Age.IsZero(candidate))
        {
            return current;
        }
        if (Age.IsZero(current) || Age.ToUtc(current!.Value) < Age.ToUtc(candidate!.Value))
        {
            return candidate;
        }
        return current;
    }

    private static KindInfo Info(string kind)
    {
        var k = NormalizeKind(kind) ?? throw new ArgumentException($"unsupported kind '{kind}'", nameof(kind));
        return Kinds[k];
    }

    internal static V1ObjectMeta? Meta(object obj) => obj switch
    {
        IMetadata<V1ObjectMeta> m => m.Metadata,
        _ => null,
    };

    private static T Cast<T>(object obj, string kind) where T : class =>
        obj as T ?? throw new ArgumentException($"expected {typeof(T).Name} for kind {kind}, got {obj?.GetType().Name ?? "null"}");
}

/// <summary>Shared formatting helpers mirroring apimachinery's label and selector printing.</summary>
public static class K8sFormat
{
    /// <summary>labels.FormatLabels: "k=v,k2=v2" sorted by key, or "&lt;none&gt;".</summary>
    public static string FormatLabels(IDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return "<none>";
        }
        return string.Join(",", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
    }

    /// <summary>labels.Selector.String() of metav1.LabelSelectorAsSelector (empty for nil/empty selectors).</summary>
    public static string SelectorString(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return string.Empty;
        }
        var reqs = new List<(string Key, string Text)>();
        foreach (var kv in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            reqs.Add((kv.Key, $"{kv.Key}={kv.Value}"));
        }
        foreach (var expr in selector.MatchExpressions ?? [])
        {
            var values = (expr.Values ?? []).Select(v => v ?? string.Empty).ToList();
            string joined = values.Count == 1 ? values[0] : string.Join(",", values.OrderBy(v => v, StringComparer.Ordinal));
            string key = expr.Key ?? string.Empty;
            string text = expr.OperatorProperty switch
            {
                "In" => $"{key} in ({joined})",
                "NotIn" => $"{key} notin ({joined})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                _ => $"{key} {expr.OperatorProperty} ({joined})",
            };
            reqs.Add((key, text));
        }
        return string.Join(",", reqs.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    /// <summary>metav1.FormatLabelSelector: the selector string, or "&lt;none&gt;" when empty.</summary>
    public static string FormatLabelSelector(V1LabelSelector? selector)
    {
        string s = SelectorString(selector);
        return s.Length == 0 ? "<none>" : s;
    }

    /// <summary>node-role.kubernetes.io/ROLE and kubernetes.io/role=ROLE labels, sorted and unique.</summary>
    public static IReadOnlyList<string> FindNodeRoles(V1Node node)
    {
        const string prefix = "node-role.kubernetes.io/";
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var kv in node.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            if (kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                string role = kv.Key[prefix.Length..];
                if (role.Length > 0)
                {
                    roles.Add(role);
                }
            }
            else if (kv.Key == "kubernetes.io/role" && !string.IsNullOrEmpty(kv.Value))
            {
                roles.Add(kv.Value);
            }
        }
        return roles.ToList();
    }

    /// <summary>Service type; the API server defaults a missing type to ClusterIP.</summary>
    public static string ServiceType(V1Service svc) =>
        string.IsNullOrEmpty(svc.Spec?.Type) ? "ClusterIP" : svc.Spec!.Type;

    /// <summary>Secret type; the API server defaults a missing type to Opaque.</summary>
    public static string SecretType(V1Secret secret) =>
        string.IsNullOrEmpty(secret.Type) ? "Opaque" : secret.Type;

    /// <summary>Number of data keys (stringData is merged into data by the API server).</summary>
    public static int SecretDataCount(V1Secret secret)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var k in secret.Data?.Keys ?? Array.Empty<string>())
        {
            keys.Add(k);
        }
        foreach (var k in secret.StringData?.Keys ?? Array.Empty<string>())
        {
            keys.Add(k);
        }
        return keys.Count;
    }

    /// <summary>kubectl's formatEventSource: "component, host" with reporting controller/instance fallbacks.</summary>
    public static string FormatEventSource(V1EventSource? source, string? reportingController, string? reportingInstance)
    {
        string component = !string.IsNullOrEmpty(source?.Component) ? source!.Component : reportingController ?? string.Empty;
        string instance = !string.IsNullOrEmpty(source?.Host) ? source!.Host : reportingInstance ?? string.Empty;
        return instance.Length == 0 ? component : component + ", " + instance;
    }
}
