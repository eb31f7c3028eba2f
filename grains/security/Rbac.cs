using Cluster.Interfaces.Security;
using k8s.Models;

namespace Cluster.Grains.Security;

/// <summary>What a request asks to do, in Kubernetes' authorizer attributes.</summary>
public sealed record RequestAttributes(
    string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name, string? Path = null)
{
    public bool IsResourceRequest => Path == null;
}

/// <summary>The RBAC objects an authorization reads: every cluster role and binding, and the request namespace's.</summary>
public sealed record RbacSnapshot(
    IReadOnlyList<V1ClusterRole> ClusterRoles, IReadOnlyList<V1ClusterRoleBinding> ClusterRoleBindings,
    IReadOnlyList<V1Role> Roles, IReadOnlyList<V1RoleBinding> RoleBindings);

/// <summary>
/// Kubernetes' RBAC authorizer as a pure function: a request is allowed when a rule of a role bound to the user
/// (by name, by one of its groups, or as its ServiceAccount) matches verb, API group, resource (and subresource),
/// resource name and namespace; ClusterRoleBindings grant everywhere, RoleBindings in their namespace.
/// </summary>
public static class Rbac
{
    public static (bool Allowed, string Reason) Authorize(UserInfo user, RequestAttributes a, RbacSnapshot s)
    {
        foreach (var b in s.ClusterRoleBindings)
            if (Binds(b.Subjects, user, null) && RoleRules(b.RoleRef, null, s) is { } rules && rules.Any(r => Matches(r, a)))
                return (true, $"RBAC: allowed by ClusterRoleBinding \"{b.Metadata.Name}\" of ClusterRole \"{b.RoleRef.Name}\" to {Subject(user)}");
        if (a.Namespace != null)
            foreach (var b in s.RoleBindings.Where(b => b.Metadata.NamespaceProperty == a.Namespace))
                if (Binds(b.Subjects, user, a.Namespace) && RoleRules(b.RoleRef, a.Namespace, s) is { } rules && rules.Any(r => Matches(r, a)))
                    return (true, $"RBAC: allowed by RoleBinding \"{b.Metadata.Name}/{a.Namespace}\" of {b.RoleRef.Kind} \"{b.RoleRef.Name}\" to {Subject(user)}");
        return (false, "");
    }

    static string Subject(UserInfo u) => u.Name.StartsWith("system:serviceaccount:") ? $"ServiceAccount \"{u.Name}\"" : $"User \"{u.Name}\"";

    static IEnumerable<V1PolicyRule>? RoleRules(V1RoleRef r, string? ns, RbacSnapshot s) => r.Kind switch
    {
        "ClusterRole" => s.ClusterRoles.FirstOrDefault(c => c.Metadata.Name == r.Name)?.Rules,
        "Role" when ns != null => s.Roles.FirstOrDefault(x => x.Metadata.Name == r.Name && x.Metadata.NamespaceProperty == ns)?.Rules,
        _ => null,
    };

    static bool Binds(IEnumerable<Rbacv1Subject>? subjects, UserInfo user, string? bindingNs)
    {
        foreach (var s in subjects ?? [])
        {
            switch (s.Kind)
            {
                case "User" when s.Name == user.Name: return true;
                case "Group" when user.Groups.Contains(s.Name): return true;
                case "ServiceAccount" when UserInfo.ServiceAccountUser(s.NamespaceProperty ?? bindingNs ?? "", s.Name) == user.Name: return true;
            }
        }
        return false;
    }

    public static bool Matches(V1PolicyRule r, RequestAttributes a)
    {
        if (!Has(r.Verbs, a.Verb)) return false;
        if (!a.IsResourceRequest)
            return r.NonResourceURLs?.Any(u => u == "*" || u == a.Path || (u.EndsWith('*') && a.Path!.StartsWith(u[..^1]))) == true;
        if (!Has(r.ApiGroups, a.Group)) return false;
        var resource = a.Subresource == null ? a.Resource : $"{a.Resource}/{a.Subresource}";
        if (r.Resources?.Any(x => x == "*" || x == resource || (a.Subresource != null && x == $"*/{a.Subresource}")) != true) return false;
        return r.ResourceNames is not { Count: > 0 } names || (a.Name != null && names.Contains(a.Name));
    }

    static bool Has(IEnumerable<string>? list, string v) => list?.Any(x => x == "*" || x == v) == true;

    /// <summary>Kubernetes' 403 message.</summary>
    public static string Forbidden(UserInfo user, RequestAttributes a)
    {
        var who = $"User \"{user.Name}\"";
        if (!a.IsResourceRequest) return $"forbidden: {who} cannot {a.Verb} path \"{a.Path}\"";
        var what = a.Group.Length == 0 ? a.Resource : $"{a.Resource}.{a.Group}";
        var sub = a.Subresource == null ? "" : $"/{a.Subresource}";
        var named = a.Name != null ? $" \"{a.Name}\"" : "";
        var scope = a.Namespace != null ? $"in the namespace \"{a.Namespace}\"" : "at the cluster scope";
        return $"{what}{named} is forbidden: {who} cannot {a.Verb} resource \"{a.Resource}{sub}\" in API group \"{a.Group}\" {scope}";
    }
}
