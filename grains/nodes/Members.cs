using Orleans.Runtime;

namespace Cluster.Grains.Nodes;

/// <summary>Which silo hosts a node: the node's own name, or a silo's name followed by "-" (a silo's simulated nodes),
/// an active silo before a dead one of the same name (a restarted silo), the longest name first. Looked up by name
/// and by each prefix ending before a "-" (every 500 ms for each of 5,000 nodes: a scan of the members with a sort
/// per node was a tenth of an idle loaded silo's garbage).</summary>
public static class Members
{
    public static Dictionary<string, ClusterMember> ByName(IEnumerable<ClusterMember> members)
    {
        var byName = new Dictionary<string, ClusterMember>(StringComparer.Ordinal);
        foreach (var m in members)
            if (!byName.TryGetValue(m.Name, out var had) || (m.Status == SiloStatus.Active && had.Status != SiloStatus.Active))
                byName[m.Name] = m;
        return byName;
    }

    public static ClusterMember? HostOf(string node, Dictionary<string, ClusterMember> byName)
    {
        var lookup = byName.GetAlternateLookup<ReadOnlySpan<char>>();
        ClusterMember? best = byName.GetValueOrDefault(node);
        if (best is { Status: SiloStatus.Active }) return best;
        // Longest prefix first; an active silo wins over a longer dead one.
        for (var i = node.Length - 1; i > 0; i--)
        {
            if (node[i] != '-' || !lookup.TryGetValue(node.AsSpan(0, i), out var m)) continue;
            if (m.Status == SiloStatus.Active) return m;
            best ??= m;
        }
        return best;
    }
}
