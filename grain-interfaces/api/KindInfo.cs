using k8s;
using k8s.Models;

namespace Cluster.Interfaces.Api;

/// <summary>What the cluster knows of one kind: its API group/version, REST names and model type.</summary>
public sealed record KindInfo(
    string Kind, string Group, string Version, string Plural, string Singular, bool Namespaced,
    string[] ShortNames, Type ModelType)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    /// <summary>"deployments.apps" / "pods": the name Kubernetes uses in messages.</summary>
    public string Resource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>True for a kind a CustomResourceDefinition registered (its objects are <see cref="CustomObject"/>s).</summary>
    public bool IsCustom => ModelType == typeof(CustomObject);

    public IKubernetesObject<V1ObjectMeta> Deserialize(string json) =>
        IsCustom ? KubernetesJson.Deserialize<CustomObject>(json) : Decoders[Kind](json);

    static readonly Dictionary<string, Func<string, IKubernetesObject<V1ObjectMeta>>> Decoders = new()
    {
        ["CustomResourceDefinition"] = j => KubernetesJson.Deserialize<V1CustomResourceDefinition>(j),
        ["Role"] = j => KubernetesJson.Deserialize<V1Role>(j),
        ["ServiceAccount"] = j => KubernetesJson.Deserialize<V1ServiceAccount>(j),
        ["ClusterRole"] = j => KubernetesJson.Deserialize<V1ClusterRole>(j),
        ["RoleBinding"] = j => KubernetesJson.Deserialize<V1RoleBinding>(j),
        ["ClusterRoleBinding"] = j => KubernetesJson.Deserialize<V1ClusterRoleBinding>(j),
        ["SelfSubjectAccessReview"] = j => KubernetesJson.Deserialize<V1SelfSubjectAccessReview>(j),
        ["SelfSubjectReview"] = j => KubernetesJson.Deserialize<V1SelfSubjectReview>(j),
        ["Namespace"] = j => KubernetesJson.Deserialize<V1Namespace>(j),
        ["Node"] = j => KubernetesJson.Deserialize<V1Node>(j),
        ["Pod"] = j => KubernetesJson.Deserialize<V1Pod>(j),
        ["ReplicaSet"] = j => KubernetesJson.Deserialize<V1ReplicaSet>(j),
        ["Deployment"] = j => KubernetesJson.Deserialize<V1Deployment>(j),
        ["Service"] = j => KubernetesJson.Deserialize<V1Service>(j),
        ["ConfigMap"] = j => KubernetesJson.Deserialize<V1ConfigMap>(j),
        ["Secret"] = j => KubernetesJson.Deserialize<V1Secret>(j),
        ["Event"] = j => KubernetesJson.Deserialize<Corev1Event>(j),
        ["Endpoints"] = j => KubernetesJson.Deserialize<V1Endpoints>(j),
        ["EndpointSlice"] = j => KubernetesJson.Deserialize<V1EndpointSlice>(j),
        ["Ingress"] = j => KubernetesJson.Deserialize<V1Ingress>(j),
        ["PodDisruptionBudget"] = j => KubernetesJson.Deserialize<V1PodDisruptionBudget>(j),
        ["Job"] = j => KubernetesJson.Deserialize<V1Job>(j),
        ["DaemonSet"] = j => KubernetesJson.Deserialize<V1DaemonSet>(j),
        ["ResourceQuota"] = j => KubernetesJson.Deserialize<V1ResourceQuota>(j),
        ["LimitRange"] = j => KubernetesJson.Deserialize<V1LimitRange>(j),
        ["HorizontalPodAutoscaler"] = j => KubernetesJson.Deserialize<V2HorizontalPodAutoscaler>(j),
        ["StatefulSet"] = j => KubernetesJson.Deserialize<V1StatefulSet>(j),
        ["StorageClass"] = j => KubernetesJson.Deserialize<V1StorageClass>(j),
        ["PersistentVolumeClaim"] = j => KubernetesJson.Deserialize<V1PersistentVolumeClaim>(j),
        ["PersistentVolume"] = j => KubernetesJson.Deserialize<V1PersistentVolume>(j),
        ["CronJob"] = j => KubernetesJson.Deserialize<V1CronJob>(j),
    };
}

/// <summary>The kinds this cluster serves. One table, used by the SDK, the CLI, the grains and the API.</summary>
public static class Kinds
{
    public static readonly KindInfo CustomResourceDefinition = new("CustomResourceDefinition", "apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", false, ["crd", "crds"], typeof(V1CustomResourceDefinition));
    public static readonly KindInfo ServiceAccount = new("ServiceAccount", "", "v1", "serviceaccounts", "serviceaccount", true, ["sa"], typeof(V1ServiceAccount));
    public static readonly KindInfo Role = new("Role", "rbac.authorization.k8s.io", "v1", "roles", "role", true, [], typeof(V1Role));
    public static readonly KindInfo ClusterRole = new("ClusterRole", "rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", false, [], typeof(V1ClusterRole));
    public static readonly KindInfo RoleBinding = new("RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", true, [], typeof(V1RoleBinding));
    public static readonly KindInfo ClusterRoleBinding = new("ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", false, [], typeof(V1ClusterRoleBinding));
    /// <summary>Not stored: the API answers a create with the requester's access (kubectl auth can-i).</summary>
    public static readonly KindInfo SelfSubjectAccessReview = new("SelfSubjectAccessReview", "authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview", false, [], typeof(V1SelfSubjectAccessReview));
    /// <summary>Not stored: the API answers a create with who the requester is (kubectl auth whoami).</summary>
    public static readonly KindInfo SelfSubjectReview = new("SelfSubjectReview", "authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview", false, [], typeof(V1SelfSubjectReview));
    public static readonly KindInfo Namespace = new("Namespace", "", "v1", "namespaces", "namespace", false, ["ns"], typeof(V1Namespace));
    public static readonly KindInfo Node = new("Node", "", "v1", "nodes", "node", false, ["no"], typeof(V1Node));
    public static readonly KindInfo Pod = new("Pod", "", "v1", "pods", "pod", true, ["po"], typeof(V1Pod));
    public static readonly KindInfo ReplicaSet = new("ReplicaSet", "apps", "v1", "replicasets", "replicaset", true, ["rs"], typeof(V1ReplicaSet));
    public static readonly KindInfo Deployment = new("Deployment", "apps", "v1", "deployments", "deployment", true, ["deploy"], typeof(V1Deployment));
    public static readonly KindInfo Service = new("Service", "", "v1", "services", "service", true, ["svc"], typeof(V1Service));
    public static readonly KindInfo ConfigMap = new("ConfigMap", "", "v1", "configmaps", "configmap", true, ["cm"], typeof(V1ConfigMap));
    public static readonly KindInfo Secret = new("Secret", "", "v1", "secrets", "secret", true, [], typeof(V1Secret));
    public static readonly KindInfo Event = new("Event", "", "v1", "events", "event", true, ["ev"], typeof(Corev1Event));

    public static readonly KindInfo Endpoints = new("Endpoints", "", "v1", "endpoints", "endpoints", true, ["ep"], typeof(V1Endpoints));
    public static readonly KindInfo EndpointSlice = new("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", "endpointslice", true, [], typeof(V1EndpointSlice));

    public static readonly KindInfo Ingress = new("Ingress", "networking.k8s.io", "v1", "ingresses", "ingress", true, ["ing"], typeof(V1Ingress));

    public static readonly KindInfo PodDisruptionBudget = new("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", true, ["pdb"], typeof(V1PodDisruptionBudget));

    public static readonly KindInfo DaemonSet = new("DaemonSet", "apps", "v1", "daemonsets", "daemonset", true, ["ds"], typeof(V1DaemonSet));
    public static readonly KindInfo StatefulSet = new("StatefulSet", "apps", "v1", "statefulsets", "statefulset", true, ["sts"], typeof(V1StatefulSet));
    public static readonly KindInfo StorageClass = new("StorageClass", "storage.k8s.io", "v1", "storageclasses", "storageclass", false, ["sc"], typeof(V1StorageClass));
    public static readonly KindInfo PersistentVolumeClaim = new("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", "persistentvolumeclaim", true, ["pvc"], typeof(V1PersistentVolumeClaim));
    public static readonly KindInfo PersistentVolume = new("PersistentVolume", "", "v1", "persistentvolumes", "persistentvolume", false, ["pv"], typeof(V1PersistentVolume));
    public static readonly KindInfo HorizontalPodAutoscaler = new("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", true, ["hpa"], typeof(V2HorizontalPodAutoscaler));
    public static readonly KindInfo ResourceQuota = new("ResourceQuota", "", "v1", "resourcequotas", "resourcequota", true, ["quota"], typeof(V1ResourceQuota));
    public static readonly KindInfo LimitRange = new("LimitRange", "", "v1", "limitranges", "limitrange", true, ["limits"], typeof(V1LimitRange));
    public static readonly KindInfo Job = new("Job", "batch", "v1", "jobs", "job", true, [], typeof(V1Job));
    public static readonly KindInfo CronJob = new("CronJob", "batch", "v1", "cronjobs", "cronjob", true, ["cj"], typeof(V1CronJob));

    /// <summary>The kinds built into the cluster.</summary>
    public static readonly IReadOnlyList<KindInfo> Builtin = [CustomResourceDefinition, ServiceAccount, Role, ClusterRole, RoleBinding, ClusterRoleBinding, SelfSubjectAccessReview, SelfSubjectReview, Namespace, Node, Pod, ReplicaSet, Deployment, Service, ConfigMap, Secret, Event, Endpoints, EndpointSlice, Ingress, PodDisruptionBudget, DaemonSet, StatefulSet, Job, CronJob, StorageClass, PersistentVolumeClaim, PersistentVolume, HorizontalPodAutoscaler, ResourceQuota, LimitRange];

    /// <summary>The built-in kinds and those the cluster's CustomResourceDefinitions register (see <see cref="CustomKinds"/>).</summary>
    /// <remarks>A snapshot CustomKinds rebuilds when the definitions change: this is read on hot paths.</remarks>
    public static IReadOnlyList<KindInfo> All => CustomKinds.AllKinds ?? Builtin;

    public static KindInfo? ByKind(string kind) => All.FirstOrDefault(k => k.Kind == kind);

    /// <summary>The built-in kind whose model is this type (V1Deployment: Deployment).</summary>
    public static KindInfo? ByModelType(Type type) => Builtin.FirstOrDefault(k => k.ModelType == type);

    /// <summary>Resolves what a user types: kind, plural, singular or short name, any case, optionally "name.group".</summary>
    public static KindInfo? Resolve(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        var dot = t.IndexOf('.');
        string? group = null;
        if (dot > 0) { group = t[(dot + 1)..]; t = t[..dot]; }
        foreach (var k in All)
        {
            if (group != null && group != k.Group && !(group.StartsWith(k.Group + "/") && k.Group.Length > 0)) continue;
            if (t == k.Kind.ToLowerInvariant() || t == k.Plural || t == k.Singular || k.ShortNames.Contains(t)) return k;
        }
        return null;
    }

    /// <summary>The kind for an apiVersion+kind pair as found in a manifest, or null when not served.</summary>
    public static KindInfo? ByManifest(string? apiVersion, string? kind) =>
        All.FirstOrDefault(k => k.Kind == kind && k.ApiVersion == apiVersion)
        ?? CustomKinds.ByVersion(apiVersion, kind);
}
