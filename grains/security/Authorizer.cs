using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Security;
using Cluster.Interfaces.Store;
using k8s.Models;

namespace Cluster.Grains.Security;

/// <summary>Who may do what: members of system:masters may do anything; everyone else is decided by RBAC.</summary>
public sealed class Authorizer(IGrainFactory grains)
{
    public async Task<(bool Allowed, string Reason)> AuthorizeAsync(UserInfo user, RequestAttributes a)
    {
        if (user.Groups.Contains(UserInfo.Masters)) return (true, "member of system:masters");
        // The snapshot is read as the cluster, not as the user (the calls carry no user token).
        using var _ = RequestIdentityScope.Suppress();
        var snapshot = new RbacSnapshot(
            await List<V1ClusterRole>(Kinds.ClusterRole, ""), await List<V1ClusterRoleBinding>(Kinds.ClusterRoleBinding, ""),
            a.Namespace is { } ns ? await List<V1Role>(Kinds.Role, ns) : [], a.Namespace is { } ns2 ? await List<V1RoleBinding>(Kinds.RoleBinding, ns2) : []);
        return Rbac.Authorize(user, a, snapshot);
    }

    async Task<IReadOnlyList<T>> List<T>(KindInfo kind, string ns) =>
        (await grains.Index(kind.Kind, ns).List(new ListRequest())).Items.Select(Objects.FromJson<T>).ToList();
}

