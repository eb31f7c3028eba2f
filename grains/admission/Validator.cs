using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using k8s;
using k8s.Models;

namespace Cluster.Grains.Admission;

/// <summary>
/// Validation as the Kubernetes API server does it, for the fields that matter to this cluster. Each error names
/// its field path and uses Kubernetes' wording ("Required value", "Invalid value: ...").
/// </summary>
public sealed class Validator
{
    readonly List<StatusCause> _errors = [];

    public static IReadOnlyList<StatusCause> Validate(IKubernetesObject<V1ObjectMeta> obj, KindInfo kind)
    {
        var v = new Validator();
        v.Meta(obj.Metadata, kind);
        switch (obj)
        {
            case V1Deployment d: v.Deployment(d); break;
            case V1ReplicaSet rs: v.ReplicaSet(rs); break;
            case V1Pod p: v.PodSpec(p.Spec, "spec"); break;
            case V1Service s: v.Service(s); break;
            case V1Ingress ing: v.Ingress(ing); break;
            case V1ConfigMap cm: v.DataKeys(cm.Data?.Keys, "data"); v.DataKeys(cm.BinaryData?.Keys, "binaryData"); break;
            case V1Secret sec: v.DataKeys(sec.Data?.Keys, "data"); v.DataKeys(sec.StringData?.Keys, "stringData"); break;
            case V1DaemonSet ds: v.DaemonSet(ds); break;
            case V1StatefulSet st: v.StatefulSet(st); break;
            case V2HorizontalPodAutoscaler hpa: v.Autoscaler(hpa); break;
            case V1PersistentVolumeClaim pvc: v.Claim(pvc); break;
            case V1Job j: if (j.Spec == null) v.Required("spec"); else v.JobSpec(j.Spec, "spec"); break;
            case V1CronJob cj: v.CronJob(cj); break;
            case V1RoleBinding rb: v.RoleRef(rb.RoleRef, namespaced: true); v.Subjects(rb.Subjects); break;
            case V1ClusterRoleBinding crb: v.RoleRef(crb.RoleRef, namespaced: false); v.Subjects(crb.Subjects); break;
            case V1Role r: v.Rules(r.Rules); break;
            case V1ClusterRole cr: v.Rules(cr.Rules); break;
            case V1CustomResourceDefinition crd: v._errors.AddRange(CustomResources.CustomResourceAdmission.ValidateDefinition(crd)); break;
            case CustomObject co: v._errors.AddRange(CustomResources.CustomResourceAdmission.Validate(co)); break;
        }
        return v._errors;
    }

    void RoleRef(V1RoleRef? r, bool namespaced)
    {
        if (r == null) { Required("roleRef"); return; }
        if (string.IsNullOrEmpty(r.Name)) Required("roleRef.name");
        if (r.Kind is not ("ClusterRole" or "Role") || (!namespaced && r.Kind == "Role"))
            NotSupported("roleRef.kind", r.Kind, namespaced ? ["ClusterRole", "Role"] : ["ClusterRole"]);
        if (r.ApiGroup != "rbac.authorization.k8s.io") NotSupported("roleRef.apiGroup", r.ApiGroup, ["rbac.authorization.k8s.io"]);
    }

    void Subjects(IList<Rbacv1Subject>? subjects)
    {
        for (var i = 0; i < (subjects?.Count ?? 0); i++)
        {
            var s = subjects![i];
            if (string.IsNullOrEmpty(s.Name)) Required($"subjects[{i}].name");
            if (s.Kind is not ("User" or "Group" or "ServiceAccount")) NotSupported($"subjects[{i}].kind", s.Kind, ["ServiceAccount", "User", "Group"]);
        }
    }

    void Rules(IList<V1PolicyRule>? rules)
    {
        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            var r = rules![i];
            if (r.Verbs is not { Count: > 0 }) Required($"rules[{i}].verbs");
            if ((r.NonResourceURLs?.Count ?? 0) == 0 && (r.Resources?.Count ?? 0) == 0) Required($"rules[{i}].resources");
        }
    }

    void Required(string field) => _errors.Add(new("FieldValueRequired", "Required value", field));
    void Invalid(string field, object? value, string detail) =>
        _errors.Add(new("FieldValueInvalid", $"Invalid value: {Show(value)}: {detail}", field));
    void NotSupported(string field, object? value, IEnumerable<string> allowed) =>
        _errors.Add(new("FieldValueNotSupported", $"Unsupported value: {Show(value)}: supported values: {string.Join(", ", allowed.Select(a => $"\"{a}\""))}", field));

    static string Show(object? v) => v switch { null => "null", string s => $"\"{s}\"", _ => v.ToString() ?? "" };

    void Meta(V1ObjectMeta m, KindInfo kind)
    {
        if (string.IsNullOrEmpty(m.Name)) Required("metadata.name");
        else
        {
            var err = kind.Kind switch
            {
                "Namespace" => Names.Dns1123Label(m.Name),
                "Service" => Names.Dns1035Label(m.Name),
                // RBAC objects take any path segment ("system:basic-user"), as in Kubernetes.
                "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding" =>
                    m.Name is "." or ".." ? $"may not be '{m.Name}'" : m.Name.Contains('/') || m.Name.Contains('%') ? "may not contain '/' or '%'" : null,
                _ => Names.Dns1123Subdomain(m.Name),
            };
            if (err != null) Invalid("metadata.name", m.Name, err);
        }
        if (kind.Namespaced && !string.IsNullOrEmpty(m.NamespaceProperty) && Names.Dns1123Label(m.NamespaceProperty) is { } nsErr)
            Invalid("metadata.namespace", m.NamespaceProperty, nsErr);
        Labels(m.Labels, "metadata.labels");
        foreach (var k in m.Annotations?.Keys ?? [])
            if (Names.QualifiedName(k) is { } e) Invalid($"metadata.annotations", k, e);
    }

    void Labels(IDictionary<string, string>? labels, string field)
    {
        foreach (var (k, v) in labels ?? new Dictionary<string, string>())
        {
            if (Names.QualifiedName(k) is { } e) Invalid(field, k, e);
            if (Names.LabelValueError(v ?? "") is { } e2) Invalid(field, v, e2);
        }
    }

    void DataKeys(IEnumerable<string>? keys, string field)
    {
        foreach (var k in keys ?? [])
            if (k.Length == 0 || k.Length > 253 || k.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                Invalid(field, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
    }

    void Deployment(V1Deployment d)
    {
        var s = d.Spec;
        if (s == null) { Required("spec"); return; }
        Replicas(s.Replicas, "spec.replicas");
        SelectorAndTemplate(s.Selector, s.Template, "spec");
        if (s.Strategy?.Type is { } t && t != "RollingUpdate" && t != "Recreate")
            NotSupported("spec.strategy.type", t, ["Recreate", "RollingUpdate"]);
        if (s.Strategy?.Type == "Recreate" && s.Strategy.RollingUpdate != null)
            _errors.Add(new("FieldValueForbidden", "Forbidden: may not be specified when strategy `type` is 'Recreate'", "spec.strategy.rollingUpdate"));
        if (s.Strategy?.RollingUpdate is { } ru)
        {
            var surge = IntOrPercent(ru.MaxSurge, "spec.strategy.rollingUpdate.maxSurge");
            var unavail = IntOrPercent(ru.MaxUnavailable, "spec.strategy.rollingUpdate.maxUnavailable");
            if (surge == 0 && unavail == 0)
                Invalid("spec.strategy.rollingUpdate.maxUnavailable", ru.MaxUnavailable?.Value, "may not be 0 when `maxSurge` is 0");
        }
        if (s.RevisionHistoryLimit < 0) Invalid("spec.revisionHistoryLimit", s.RevisionHistoryLimit, "must be greater than or equal to 0");
        if (s.MinReadySeconds < 0) Invalid("spec.minReadySeconds", s.MinReadySeconds, "must be greater than or equal to 0");
        if (s.ProgressDeadlineSeconds is { } pd && pd <= (s.MinReadySeconds ?? 0))
            Invalid("spec.progressDeadlineSeconds", pd, "must be greater than minReadySeconds");
    }

    void JobSpec(V1JobSpec s, string at)
    {
        if (s.Parallelism < 0) Invalid($"{at}.parallelism", s.Parallelism, "must be greater than or equal to 0");
        if (s.Completions < 0) Invalid($"{at}.completions", s.Completions, "must be greater than or equal to 0");
        if (s.BackoffLimit < 0) Invalid($"{at}.backoffLimit", s.BackoffLimit, "must be greater than or equal to 0");
        if (s.ActiveDeadlineSeconds <= 0) Invalid($"{at}.activeDeadlineSeconds", s.ActiveDeadlineSeconds, "must be greater than 0");
        if (s.TtlSecondsAfterFinished < 0) Invalid($"{at}.ttlSecondsAfterFinished", s.TtlSecondsAfterFinished, "must be greater than or equal to 0");
        if (s.CompletionMode is { } mode && mode != "NonIndexed") NotSupported($"{at}.completionMode", mode, ["NonIndexed"]);
        if (s.Template?.Spec == null) { Required($"{at}.template.spec"); return; }
        if (s.Selector != null && s.Template.Metadata?.Labels is { } labels
            && !LabelSelector.FromModel(s.Selector).Matches((IReadOnlyDictionary<string, string>)labels.ToDictionary()))
            Invalid($"{at}.template.metadata.labels", labels, "`selector` does not match template `labels`");
        if (s.Template.Spec.RestartPolicy is { } rp && rp != "OnFailure" && rp != "Never")
            NotSupported($"{at}.template.spec.restartPolicy", rp, ["OnFailure", "Never"]);
        PodSpec(s.Template.Spec, $"{at}.template.spec");
    }

    void DaemonSet(V1DaemonSet ds)
    {
        if (ds.Spec == null) { Required("spec"); return; }
        SelectorAndTemplate(ds.Spec.Selector, ds.Spec.Template, "spec");
        if (ds.Spec.Template?.Spec?.RestartPolicy is { } rp && rp != "Always")
            NotSupported("spec.template.spec.restartPolicy", rp, ["Always"]);
        if (ds.Spec.UpdateStrategy?.Type is { } t && t is not ("RollingUpdate" or "OnDelete"))
            NotSupported("spec.updateStrategy.type", t, ["OnDelete", "RollingUpdate"]);
        if (ds.Spec.UpdateStrategy?.RollingUpdate?.MaxUnavailable is { } mu) IntOrPercent(mu, "spec.updateStrategy.rollingUpdate.maxUnavailable");
    }

    void Autoscaler(V2HorizontalPodAutoscaler hpa)
    {
        var s = hpa.Spec;
        if (s == null) { Required("spec"); return; }
        if (s.ScaleTargetRef == null) Required("spec.scaleTargetRef");
        else
        {
            if (string.IsNullOrEmpty(s.ScaleTargetRef.Kind)) Required("spec.scaleTargetRef.kind");
            if (string.IsNullOrEmpty(s.ScaleTargetRef.Name)) Required("spec.scaleTargetRef.name");
        }
        if (s.MinReplicas is { } min && min < 1) Invalid("spec.minReplicas", min, "must be greater than or equal to 1");
        if (s.MaxReplicas < 1) Invalid("spec.maxReplicas", s.MaxReplicas, "must be greater than 0");
        else if (s.MinReplicas is { } lo && s.MaxReplicas < lo) Invalid("spec.maxReplicas", s.MaxReplicas, "must be greater than or equal to `minReplicas`");
        var i = 0;
        foreach (var m in s.Metrics ?? [])
        {
            var at = $"spec.metrics[{i++}]";
            if (m.Type is not ("Resource" or "Object" or "Pods" or "ContainerResource" or "External"))
                NotSupported($"{at}.type", m.Type, ["ContainerResource", "External", "Object", "Pods", "Resource"]);
            var target = m.Type switch { "Resource" => m.Resource?.Target, "Object" => m.ObjectProperty?.Target, "Pods" => m.Pods?.Target, _ => null };
            if (m.Type is "Resource" or "Object" or "Pods" && target == null) Required($"{at}.{(m.Type == "Object" ? "object" : m.Type.ToLowerInvariant())}.target");
            if (target?.Type is { } tt && tt is not ("Utilization" or "Value" or "AverageValue"))
                NotSupported($"{at}.target.type", tt, ["AverageValue", "Utilization", "Value"]);
        }
    }

    void StatefulSet(V1StatefulSet st)
    {
        var s = st.Spec;
        if (s == null) { Required("spec"); return; }
        Replicas(s.Replicas, "spec.replicas");
        // The claim templates are volumes of every pod (Kubernetes validates the template with them added).
        var template = s.Template == null ? null : Objects.Clone(s.Template);
        if (template?.Spec != null && s.VolumeClaimTemplates is { Count: > 0 } claimTemplates)
            template.Spec.Volumes = (template.Spec.Volumes ?? []).Where(v => claimTemplates.All(c => c.Metadata?.Name != v.Name))
                .Concat(claimTemplates.Where(c => !string.IsNullOrEmpty(c.Metadata?.Name))
                    .Select(c => new V1Volume { Name = c.Metadata.Name, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = c.Metadata.Name } }))
                .ToList();
        SelectorAndTemplate(s.Selector, template, "spec");
        if (s.PodManagementPolicy is { } pm && pm is not ("OrderedReady" or "Parallel"))
            NotSupported("spec.podManagementPolicy", pm, ["OrderedReady", "Parallel"]);
        if (s.UpdateStrategy?.Type is { } t && t is not ("RollingUpdate" or "OnDelete"))
            NotSupported("spec.updateStrategy.type", t, ["OnDelete", "RollingUpdate"]);
        if (s.UpdateStrategy?.RollingUpdate?.Partition < 0)
            Invalid("spec.updateStrategy.rollingUpdate.partition", s.UpdateStrategy.RollingUpdate.Partition, "must be greater than or equal to 0");
        if (s.Template?.Spec?.RestartPolicy is { } rp && rp != "Always") NotSupported("spec.template.spec.restartPolicy", rp, ["Always"]);
        var i = 0;
        foreach (var c in s.VolumeClaimTemplates ?? [])
        {
            var at = $"spec.volumeClaimTemplates[{i++}]";
            if (string.IsNullOrEmpty(c.Metadata?.Name)) Required($"{at}.metadata.name");
            else ClaimSpec(c.Spec, $"{at}.spec");
        }
    }

    void Claim(V1PersistentVolumeClaim pvc)
    {
        if (pvc.Spec == null) { Required("spec"); return; }
        ClaimSpec(pvc.Spec, "spec");
    }

    void ClaimSpec(V1PersistentVolumeClaimSpec? s, string at)
    {
        if (s == null) { Required(at); return; }
        if (s.AccessModes == null || s.AccessModes.Count == 0) Required($"{at}.accessModes");
        foreach (var m in s.AccessModes ?? [])
            if (m is not ("ReadWriteOnce" or "ReadOnlyMany" or "ReadWriteMany" or "ReadWriteOncePod"))
                NotSupported($"{at}.accessModes", m, ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]);
        if (s.Resources?.Requests?.ContainsKey("storage") != true) Required($"{at}.resources[storage]");
    }

    void CronJob(V1CronJob cj)
    {
        var s = cj.Spec;
        if (s == null) { Required("spec"); return; }
        if (string.IsNullOrWhiteSpace(s.Schedule)) Required("spec.schedule");
        else if (Controllers.CronJobs.CronSchedule.ParseError(s.Schedule, s.TimeZone) is { } err) Invalid("spec.schedule", s.Schedule, err);
        if (s.TimeZone != null && Controllers.CronJobs.CronSchedule.Zone(s.TimeZone) == null)
            Invalid("spec.timeZone", s.TimeZone, "unknown time zone " + s.TimeZone);
        if (s.ConcurrencyPolicy is { } cp && cp is not ("Allow" or "Forbid" or "Replace"))
            NotSupported("spec.concurrencyPolicy", cp, ["Allow", "Forbid", "Replace"]);
        if (s.StartingDeadlineSeconds < 0) Invalid("spec.startingDeadlineSeconds", s.StartingDeadlineSeconds, "must be greater than or equal to 0");
        if (s.SuccessfulJobsHistoryLimit < 0) Invalid("spec.successfulJobsHistoryLimit", s.SuccessfulJobsHistoryLimit, "must be greater than or equal to 0");
        if (s.FailedJobsHistoryLimit < 0) Invalid("spec.failedJobsHistoryLimit", s.FailedJobsHistoryLimit, "must be greater than or equal to 0");
        // A Job's name is the CronJob's plus 11 characters, and must stay a valid label value (63).
        if (cj.Metadata.Name?.Length > 52) Invalid("metadata.name", cj.Metadata.Name, "must be no more than 52 characters");
        if (s.JobTemplate?.Spec == null) Required("spec.jobTemplate.spec");
        else JobSpec(s.JobTemplate.Spec, "spec.jobTemplate.spec");
    }

    /// <summary>Returns the numeric part (percent or absolute) or -1 when invalid.</summary>
    int IntOrPercent(IntOrString? v, string field)
    {
        if (v?.Value == null) return -1;
        var text = v.Value;
        var pct = text.EndsWith('%');
        if (!int.TryParse(pct ? text[..^1] : text, out var n))
        { Invalid(field, text, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"); return -1; }
        if (n < 0) Invalid(field, text, "must be greater than or equal to 0");
        if (pct && n > 100) Invalid(field, text, "must not be greater than 100%");
        return n;
    }

    void ReplicaSet(V1ReplicaSet rs)
    {
        if (rs.Spec == null) { Required("spec"); return; }
        Replicas(rs.Spec.Replicas, "spec.replicas");
        SelectorAndTemplate(rs.Spec.Selector, rs.Spec.Template, "spec");
    }

    void Replicas(int? replicas, string field)
    {
        if (replicas < 0) Invalid(field, replicas, "must be greater than or equal to 0");
    }

    void SelectorAndTemplate(V1LabelSelector? selector, V1PodTemplateSpec? template, string path)
    {
        if (selector == null || ((selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0))
            Required($"{path}.selector");
        if (template == null) { Required($"{path}.template"); return; }
        Labels(template.Metadata?.Labels, $"{path}.template.metadata.labels");
        if (selector != null)
        {
            LabelSelector sel;
            try { sel = LabelSelector.FromModel(selector); }
            catch (FormatException e) { Invalid($"{path}.selector", null, e.Message); return; }
            var labels = (IReadOnlyDictionary<string, string>?)template.Metadata?.Labels?.ToDictionary() ?? new Dictionary<string, string>();
            if (!sel.IsEmpty && !sel.Matches(labels))
                Invalid($"{path}.template.metadata.labels",
                    "map[string]string{" + string.Join(", ", labels.Select(kv => $"\"{kv.Key}\":\"{kv.Value}\"")) + "}",
                    "`selector` does not match template `labels`");
        }
        PodSpec(template.Spec, $"{path}.template.spec");
        if (template.Spec?.RestartPolicy is { } rp && rp != "Always")
            NotSupported($"{path}.template.spec.restartPolicy", rp, ["Always"]);
    }

    void PodSpec(V1PodSpec? spec, string path)
    {
        if (spec == null) { Required(path); return; }
        if (spec.Containers == null || spec.Containers.Count == 0) Required($"{path}.containers");
        var names = new HashSet<string>();
        var i = 0;
        foreach (var c in spec.Containers ?? [])
            Container(c, $"{path}.containers[{i++}]", names);
        i = 0;
        foreach (var c in spec.InitContainers ?? [])
            Container(c, $"{path}.initContainers[{i++}]", names);
        if (spec.RestartPolicy is { } rp && rp is not ("Always" or "OnFailure" or "Never"))
            NotSupported($"{path}.restartPolicy", rp, ["Always", "Never", "OnFailure"]);
        if (spec.TerminationGracePeriodSeconds < 0)
            Invalid($"{path}.terminationGracePeriodSeconds", spec.TerminationGracePeriodSeconds, "must be greater than or equal to 0");
        foreach (var t in spec.Tolerations ?? [])
            if (t.OperatorProperty is { } op && op is not ("Exists" or "Equal"))
                NotSupported($"{path}.tolerations.operator", op, ["Equal", "Exists"]);
        Volumes(spec, path);
    }

    void Volumes(V1PodSpec spec, string path)
    {
        var volumes = new HashSet<string>();
        var i = 0;
        foreach (var v in spec.Volumes ?? [])
        {
            var at = $"{path}.volumes[{i++}]";
            if (v == null) { Required(at); continue; }
            if (string.IsNullOrEmpty(v.Name)) Required($"{at}.name");
            else if (Names.Dns1123Label(v.Name) is { } e) Invalid($"{at}.name", v.Name, e);
            else if (!volumes.Add(v.Name)) _errors.Add(new("FieldValueDuplicate", $"Duplicate value: \"{v.Name}\"", $"{at}.name"));
            var sources = new object?[] { v.EmptyDir, v.HostPath, v.ConfigMap, v.Secret, v.PersistentVolumeClaim, v.Projected, v.DownwardAPI, v.Nfs, v.Csi, v.Ephemeral }.Count(x => x != null);
            if (sources == 0) Required($"{at}");
            else if (sources > 1) _errors.Add(new("FieldValueForbidden", "Forbidden: may not specify more than 1 volume type", at));
            if (v.HostPath != null && !(v.HostPath.Path?.StartsWith('/') ?? false)) Invalid($"{at}.hostPath.path", v.HostPath.Path, "must be an absolute path");
            if (v.ConfigMap != null && string.IsNullOrEmpty(v.ConfigMap.Name)) Required($"{at}.configMap.name");
            if (v.Secret != null && string.IsNullOrEmpty(v.Secret.SecretName)) Required($"{at}.secret.secretName");
        }
        i = 0;
        foreach (var c in (spec.Containers ?? []).Concat(spec.InitContainers ?? []))
        {
            var j = 0;
            var kind = i < (spec.Containers?.Count ?? 0) ? "containers" : "initContainers";
            var index = kind == "containers" ? i : i - (spec.Containers?.Count ?? 0);
            foreach (var m in c?.VolumeMounts ?? [])
            {
                var at = $"{path}.{kind}[{index}].volumeMounts[{j++}]";
                if (m == null) { Required(at); continue; }
                if (string.IsNullOrEmpty(m.Name)) Required($"{at}.name");
                else if (!volumes.Contains(m.Name)) _errors.Add(new("FieldValueNotFound", $"Not found: \"{m.Name}\"", $"{at}.name"));
                if (string.IsNullOrEmpty(m.MountPath)) Required($"{at}.mountPath");
            }
            i++;
        }
    }

    void Container(V1Container c, string path, HashSet<string> names)
    {
        if (c == null) { Required(path); return; }
        if (string.IsNullOrEmpty(c.Name)) Required($"{path}.name");
        else
        {
            if (Names.Dns1123Label(c.Name) is { } e) Invalid($"{path}.name", c.Name, e);
            if (!names.Add(c.Name)) _errors.Add(new("FieldValueDuplicate", $"Duplicate value: \"{c.Name}\"", $"{path}.name"));
        }
        if (string.IsNullOrWhiteSpace(c.Image)) Required($"{path}.image");
        if (c.ImagePullPolicy is { } pp && pp is not ("Always" or "IfNotPresent" or "Never"))
            NotSupported($"{path}.imagePullPolicy", pp, ["Always", "IfNotPresent", "Never"]);
        var j = 0;
        foreach (var p in c.Ports ?? [])
        {
            if (p == null) { Required($"{path}.ports[{j++}]"); continue; }
            if (p.ContainerPort is < 1 or > 65535)
                Invalid($"{path}.ports[{j}].containerPort", p.ContainerPort, "must be between 1 and 65535, inclusive");
            if (p.Protocol is { } proto && proto is not ("TCP" or "UDP" or "SCTP"))
                NotSupported($"{path}.ports[{j}].protocol", proto, ["SCTP", "TCP", "UDP"]);
            j++;
        }
        Quantities(c.Resources?.Limits, $"{path}.resources.limits");
        Quantities(c.Resources?.Requests, $"{path}.resources.requests");
        if (c.Resources?.Limits != null && c.Resources.Requests != null)
            foreach (var (name, req) in c.Resources.Requests)
                if (c.Resources.Limits.TryGetValue(name, out var lim) && TryValue(req) is { } r && TryValue(lim) is { } l && r > l)
                    Invalid($"{path}.resources.requests", req.ToString(), $"must be less than or equal to {name} limit of {lim}");
    }

    void Quantities(IDictionary<string, ResourceQuantity>? q, string path)
    {
        foreach (var (name, value) in q ?? new Dictionary<string, ResourceQuantity>())
        {
            var v = TryValue(value);
            if (v == null) Invalid($"{path}[{name}]", value?.ToString(), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
            else if (v < 0) Invalid($"{path}[{name}]", value!.ToString(), "must be greater than or equal to 0");
        }
    }

    internal static decimal? TryValue(ResourceQuantity? q)
    {
        if (q == null) return null;
        try { return q.ToDecimal(); } catch { return null; }
    }

    void Ingress(V1Ingress ing)
    {
        if (ing.Spec == null) { Required("spec"); return; }
        if (ing.Spec.DefaultBackend == null && (ing.Spec.Rules == null || ing.Spec.Rules.Count == 0))
            _errors.Add(new("FieldValueRequired", "Required value: either `defaultBackend` or `rules` must be specified", "spec"));
        var i = 0;
        foreach (var r in ing.Spec.Rules ?? [])
        {
            var j = 0;
            foreach (var p in r.Http?.Paths ?? [])
            {
                var path = $"spec.rules[{i}].http.paths[{j}]";
                if (p.PathType is not ("Exact" or "Prefix" or "ImplementationSpecific")) NotSupported($"{path}.pathType", p.PathType, ["Exact", "ImplementationSpecific", "Prefix"]);
                if (string.IsNullOrEmpty(p.Path) || !p.Path.StartsWith('/')) Invalid($"{path}.path", p.Path, "must be an absolute path");
                if (p.Backend?.Service == null) Required($"{path}.backend");
                else if (p.Backend.Service.Port == null || (p.Backend.Service.Port.Number == null && string.IsNullOrEmpty(p.Backend.Service.Port.Name)))
                    Required($"{path}.backend.service.port");
                j++;
            }
            i++;
        }
    }

    void Service(V1Service s)
    {
        var spec = s.Spec;
        if (spec == null) { Required("spec"); return; }
        if (spec.Type is { } t && t is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName"))
            NotSupported("spec.type", t, ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]);
        if (spec.Type != "ExternalName" && (spec.Ports == null || spec.Ports.Count == 0) && spec.ClusterIP != "None")
            Required("spec.ports");
        var i = 0;
        foreach (var p in spec.Ports ?? [])
        {
            if (p == null) { Required($"spec.ports[{i++}]"); continue; }
            if (p.Port is < 1 or > 65535) Invalid($"spec.ports[{i}].port", p.Port, "must be between 1 and 65535, inclusive");
            if ((spec.Ports!.Count > 1) && string.IsNullOrEmpty(p.Name)) Required($"spec.ports[{i}].name");
            if (p.NodePort is { } np && spec.Type is "ClusterIP" && np != 0)
                _errors.Add(new("FieldValueForbidden", "Forbidden: may not be used when `type` is 'ClusterIP'", $"spec.ports[{i}].nodePort"));
            i++;
        }
        Labels(spec.Selector, "spec.selector");
    }
}
