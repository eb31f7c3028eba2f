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
    protected override object? GetStatus(V1Role o) => null;
    protected override void SetStatus(V1Role o, object? status) { }
}

public sealed class ClusterRoleGrain([PersistentState("object", ObjectGrain<V1ClusterRole>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<ClusterRoleGrain> l)
    : ObjectGrain<V1ClusterRole>(s, l), IClusterRoleGrain
{
    protected override object? GetSpec(V1ClusterRole o) => o.Rules;
    protected override object? GetStatus(V1ClusterRole o) => null;
    protected override void SetStatus(V1ClusterRole o, object? status) { }
}

public sealed class RoleBindingGrain([PersistentState("object", ObjectGrain<V1RoleBinding>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<RoleBindingGrain> l)
    : ObjectGrain<V1RoleBinding>(s, l), IRoleBindingGrain
{
    protected override object? GetSpec(V1RoleBinding o) => new { o.RoleRef, o.Subjects };
    protected override object? GetStatus(V1RoleBinding o) => null;
    protected override void SetStatus(V1RoleBinding o, object? status) { }
}

public sealed class ClusterRoleBindingGrain([PersistentState("object", ObjectGrain<V1ClusterRoleBinding>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<ClusterRoleBindingGrain> l)
    : ObjectGrain<V1ClusterRoleBinding>(s, l), IClusterRoleBindingGrain
{
    protected override object? GetSpec(V1ClusterRoleBinding o) => new { o.RoleRef, o.Subjects };
    protected override object? GetStatus(V1ClusterRoleBinding o) => null;
    protected override void SetStatus(V1ClusterRoleBinding o, object? status) { }
}
