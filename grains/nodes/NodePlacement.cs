using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Cluster.Grains.Nodes;

/// <summary>Places a Node grain on the silo that hosts the node (its agent and container runtime live there).</summary>
[Serializable, GenerateSerializer, Immutable]
public sealed class NodePlacementStrategy : PlacementStrategy
{
    public static readonly NodePlacementStrategy Instance = new();
}

[AttributeUsage(AttributeTargets.Class)]
public sealed class NodePlacementAttribute() : PlacementAttribute(NodePlacementStrategy.Instance);

/// <summary>
/// Picks the active silo whose SiloName is the node's name, or its prefix for simulated nodes ("s1" hosts "s1-0",
/// "s1-1", ...). When that silo is not in the cluster (it died, or the node is foreign) the grain activates on the
/// silo that asked: the Node object stays readable and writable; only agent calls (logs) need the owning silo.
/// </summary>
public sealed class NodePlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? "";
        var node = key[(key.LastIndexOf('/') + 1)..];
        var compatible = context.GetCompatibleSilos(target);
        var members = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active && compatible.Contains(m.SiloAddress)).ToList();
        var owner = members.FirstOrDefault(m => m.Name == node)
                    ?? members.Where(m => node.StartsWith(m.Name + "-", StringComparison.Ordinal)).OrderByDescending(m => m.Name.Length).FirstOrDefault();
        if (owner != null) return Task.FromResult(owner.SiloAddress);
        return Task.FromResult(compatible.Contains(context.LocalSilo) ? context.LocalSilo : compatible[0]);
    }
}
