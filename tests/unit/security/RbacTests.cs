using System.Security.Cryptography;
using Cluster.Grains.Security;
using Cluster.Interfaces.Security;
using k8s.Models;

namespace Cluster.Tests.Unit.Security;

public class RbacTests
{
    static readonly UserInfo Alice = new("alice", null, ["developers", UserInfo.Authenticated]);

    static RbacSnapshot Snapshot() => new(
        ClusterRoles:
        [
            new V1ClusterRole { Metadata = new() { Name = "pod-reader" }, Rules = [new V1PolicyRule { Verbs = ["get", "list"], ApiGroups = [""], Resources = ["pods", "pods/log"] }] },
            new V1ClusterRole { Metadata = new() { Name = "healthz" }, Rules = [new V1PolicyRule { Verbs = ["get"], NonResourceURLs = ["/healthz", "/metrics/*"] }] },
        ],
        ClusterRoleBindings:
        [
            new V1ClusterRoleBinding { Metadata = new() { Name = "devs-read-pods" }, RoleRef = new V1RoleRef { Kind = "ClusterRole", Name = "pod-reader" }, Subjects = [new Rbacv1Subject { Kind = "Group", Name = "developers" }] },
            new V1ClusterRoleBinding { Metadata = new() { Name = "health" }, RoleRef = new V1RoleRef { Kind = "ClusterRole", Name = "healthz" }, Subjects = [new Rbacv1Subject { Kind = "Group", Name = UserInfo.Authenticated }] },
        ],
        Roles:
        [
            new V1Role { Metadata = new() { Name = "deployer", NamespaceProperty = "a" }, Rules = [new V1PolicyRule { Verbs = ["*"], ApiGroups = ["apps"], Resources = ["deployments", "deployments/scale"] }] },
            new V1Role { Metadata = new() { Name = "one-secret", NamespaceProperty = "a" }, Rules = [new V1PolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["secrets"], ResourceNames = ["db"] }] },
        ],
        RoleBindings:
        [
            new V1RoleBinding { Metadata = new() { Name = "alice", NamespaceProperty = "a" }, RoleRef = new V1RoleRef { Kind = "Role", Name = "deployer" }, Subjects = [new Rbacv1Subject { Kind = "User", Name = "alice" }] },
            new V1RoleBinding { Metadata = new() { Name = "robot", NamespaceProperty = "a" }, RoleRef = new V1RoleRef { Kind = "Role", Name = "one-secret" }, Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "robot" }] },
        ]);

    static bool Allowed(UserInfo u, RequestAttributes a) => Rbac.Authorize(u, a, Snapshot()).Allowed;

    [Fact]
    public void RoleBindingsGrantInTheirNamespaceOnly()
    {
        Assert.True(Allowed(Alice, new("create", "apps", "deployments", null, "a", null)));
        Assert.True(Allowed(Alice, new("update", "apps", "deployments", "scale", "a", "web")));
        Assert.False(Allowed(Alice, new("create", "apps", "deployments", null, "b", null)));
        Assert.False(Allowed(Alice, new("create", "apps", "statefulsets", null, "a", null)));
        Assert.False(Allowed(Alice, new("create", "", "deployments", null, "a", null))); // wrong API group
    }

    [Fact]
    public void ClusterRoleBindingsGrantEverywhereThroughGroups()
    {
        Assert.True(Allowed(Alice, new("list", "", "pods", null, "b", null)));
        Assert.True(Allowed(Alice, new("get", "", "pods", "log", "x", "p")));
        Assert.True(Allowed(Alice, new("list", "", "pods", null, null, null)));
        Assert.False(Allowed(Alice, new("delete", "", "pods", null, "b", "p")));
        Assert.False(Allowed(new UserInfo("bob", null, [UserInfo.Authenticated]), new("list", "", "pods", null, "b", null)));
    }

    [Fact]
    public void ResourceNamesServiceAccountsAndPaths()
    {
        var robot = new UserInfo(UserInfo.ServiceAccountUser("a", "robot"), null, [UserInfo.Authenticated]);
        Assert.True(Allowed(robot, new("get", "", "secrets", null, "a", "db")));
        Assert.False(Allowed(robot, new("get", "", "secrets", null, "a", "other")));
        Assert.False(Allowed(robot, new("list", "", "secrets", null, "a", null)));
        Assert.True(Allowed(robot, new("get", "", "", null, null, null, "/metrics/services")));
        Assert.False(Allowed(robot, new("get", "", "", null, null, null, "/debug")));
    }

    [Fact]
    public void ForbiddenMessagesReadAsKubernetes()
    {
        Assert.Equal("deployments.apps is forbidden: User \"alice\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"b\"",
            Rbac.Forbidden(Alice, new("create", "apps", "deployments", null, "b", null)));
        Assert.Equal("nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group \"\" at the cluster scope",
            Rbac.Forbidden(Alice, new("list", "", "nodes", null, null, null)));
        Assert.Equal("pods \"p\" is forbidden: User \"alice\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"x\"",
            Rbac.Forbidden(Alice, new("get", "", "pods", "log", "x", "p")));
    }

    [Fact]
    public void TokensTheClusterSignsVerifyAndOthersDoNot()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = ClusterTokens.Issue(key, new UserInfo("carol", "7", ["ops"]), TimeSpan.FromMinutes(5));
        var user = ClusterTokens.UserOf(ClusterTokens.Verify(key, token)!);
        Assert.Equal("carol", user.Name);
        Assert.Equal("7", user.Uid);
        Assert.Equal(["ops", UserInfo.Authenticated], user.Groups);
        Assert.Null(ClusterTokens.Verify(other, token));
        Assert.Null(ClusterTokens.Verify(key, token[..^4] + "AAAA"));
        Assert.Null(ClusterTokens.Verify(key, ClusterTokens.Issue(key, user, TimeSpan.FromSeconds(-10))));
        Assert.Null(ClusterTokens.Verify(key, "not.a.token"));
    }
}
