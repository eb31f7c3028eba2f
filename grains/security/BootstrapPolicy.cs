using k8s.Models;

namespace Cluster.Grains.Security;

/// <summary>The roles and bindings a cluster starts with, as Kubernetes' (in short): cluster-admin for
/// system:masters, the admin/edit/view roles to bind in namespaces, and what every authenticated user may do
/// (discover the API and ask what it may do).</summary>
public static class BootstrapPolicy
{
    static V1PolicyRule Rule(string[] verbs, string[] groups, string[] resources) => new() { Verbs = verbs, ApiGroups = groups, Resources = resources };
    static readonly string[] Read = ["get", "list", "watch"];
    static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];
    static readonly string[] Workloads = ["pods", "pods/log", "pods/status", "services", "endpoints", "configmaps", "persistentvolumeclaims", "events", "serviceaccounts"];
    static readonly string[] Apps = ["deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale", "daemonsets"];

    public static IReadOnlyList<V1ClusterRole> ClusterRoles =>
    [
        new()
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = Meta("cluster-admin"),
            Rules = [Rule(["*"], ["*"], ["*"]), new V1PolicyRule { Verbs = ["*"], NonResourceURLs = ["*"] }],
        },
        Role("admin", true),
        Role("edit", true, secrets: true),
        Role("view", false),
        new()
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = Meta("system:basic-user"),
            Rules = [Rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"])],
        },
    ];

    public static IReadOnlyList<V1ClusterRoleBinding> ClusterRoleBindings =>
    [
        Binding("cluster-admin", "cluster-admin", "system:masters"),
        Binding("system:basic-user", "system:basic-user", "system:authenticated"),
    ];

    static V1ObjectMeta Meta(string name) => new() { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/bootstrapping"] = "rbac-defaults" } };

    static V1ClusterRole Role(string name, bool write, bool secrets = true)
    {
        var verbs = write ? [.. Read, .. Write] : Read;
        var rules = new List<V1PolicyRule>
        {
            Rule(verbs, [""], Workloads),
            Rule(verbs, ["apps"], Apps),
            Rule(verbs, ["batch"], ["jobs", "cronjobs"]),
            Rule(verbs, ["autoscaling"], ["horizontalpodautoscalers"]),
            Rule(verbs, ["networking.k8s.io"], ["ingresses"]),
            Rule(verbs, ["policy"], ["poddisruptionbudgets"]),
            Rule(Read, [""], ["namespaces", "resourcequotas", "limitranges"]),
        };
        if (write && secrets) rules.Add(Rule(verbs, [""], ["secrets"]));
        if (name == "admin") rules.Add(Rule([.. Read, .. Write], ["rbac.authorization.k8s.io"], ["roles", "rolebindings"]));
        return new V1ClusterRole { ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = Meta(name), Rules = rules };
    }

    static V1ClusterRoleBinding Binding(string name, string role, string group) => new()
    {
        ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = Meta(name),
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
        Subjects = [new Rbacv1Subject { ApiGroup = "rbac.authorization.k8s.io", Kind = "Group", Name = group }],
    };
}
