using Cluster.Grains.Store;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Security;

// RBAC objects: stored and served; the authorizer reads them (Rbac.cs). Rules and subjects are their "spec".

public sealed class RoleGrain([PersistentState("object", ObjectGrain<V1Role>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<RoleGrain> l)
    : ObjectGrain<V1Role>(s, l), IRoleGrain
{
    protected override object? GetSpec(V1Role o) => o.Rules;
    protected override bool HasStatus => false;
}

public sealed class ClusterRoleGrain([PersistentState("object", ObjectGrain<V1ClusterRole>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<ClusterRoleGrain> l)
    : ObjectGrain<V1ClusterRole>(s, l), IClusterRoleGrain
{
    protected override object? GetSpec(V1ClusterRole o) => o.Rules;
    protected override bool HasStatus => false;
}

public sealed class RoleBindingGrain([PersistentState("object", ObjectGrain<V1RoleBinding>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<RoleBindingGrain> l)
    : ObjectGrain<V1RoleBinding>(s, l), IRoleBindingGrain
{
    protected override object? GetSpec(V1RoleBinding o) => new { o.RoleRef, o.Subjects };
    protected override bool HasStatus => false;
}

public sealed class ClusterRoleBindingGrain([PersistentState("object", ObjectGrain<V1ClusterRoleBinding>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<ClusterRoleBindingGrain> l)
    : ObjectGrain<V1ClusterRoleBinding>(s, l), IClusterRoleBindingGrain
{
    protected override object? GetSpec(V1ClusterRoleBinding o) => new { o.RoleRef, o.Subjects };
    protected override bool HasStatus => false;
}

/// <summary>A ServiceAccount: an identity for workloads; its tokens (the token subresource) are signed by the cluster.</summary>
public sealed class ServiceAccountGrain([PersistentState("object", ObjectGrain<V1ServiceAccount>.StorageName)] IPersistentState<ObjectRecord> s,
    ILogger<ServiceAccountGrain> l, TokenAuthenticator tokens)
    : ObjectGrain<V1ServiceAccount>(s, l), IServiceAccountGrain
{
    protected override object? GetSpec(V1ServiceAccount o) => new { o.Secrets, o.ImagePullSecrets, o.AutomountServiceAccountToken };
    protected override bool HasStatus => false;

    public Task<Interfaces.Api.ApiResult> RequestToken(long expirationSeconds)
    {
        if (Current == null) return Task.FromResult(Interfaces.Api.ApiResult.NotFound(Kind, Key.Name));
        if (expirationSeconds < 600)
            return Task.FromResult(Interfaces.Api.ApiResult.Invalid(Kind, Key.Name, [new("FieldValueInvalid", $"Invalid value: {expirationSeconds}: may not specify a duration less than 10 minutes", "spec.expirationSeconds")]));
        var user = new Interfaces.Security.UserInfo(Interfaces.Security.UserInfo.ServiceAccountUser(Key.Namespace, Key.Name), Current.Metadata.Uid,
            ["system:serviceaccounts", $"system:serviceaccounts:{Key.Namespace}"]);
        var lifetime = TimeSpan.FromSeconds(Math.Min(expirationSeconds, 60L * 60 * 24 * 365));
        var token = Interfaces.Security.ClusterTokens.Issue(tokens.SigningKey, user, lifetime, new System.Text.Json.Nodes.JsonObject
        {
            ["kubernetes.io"] = new System.Text.Json.Nodes.JsonObject
            {
                ["namespace"] = Key.Namespace,
                ["serviceaccount"] = new System.Text.Json.Nodes.JsonObject { ["name"] = Key.Name, ["uid"] = Current.Metadata.Uid },
            },
        });
        var expires = DateTime.UtcNow.Add(lifetime);
        return Task.FromResult(Interfaces.Api.ApiResult.Success(new System.Text.Json.Nodes.JsonObject
        {
            ["token"] = token, ["expirationTimestamp"] = expires.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        }.ToJsonString()));
    }
}
