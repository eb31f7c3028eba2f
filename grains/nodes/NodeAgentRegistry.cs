using System.Collections.Concurrent;

namespace Cluster.Grains.Nodes;

/// <summary>The node agents running in this silo, by node name (one, or many with simulated nodes).</summary>
public sealed class NodeAgentRegistry
{
    readonly ConcurrentDictionary<string, NodeAgent> _agents = new();
    public void Add(NodeAgent agent) => _agents[agent.NodeName] = agent;
    public NodeAgent? Get(string node) => _agents.GetValueOrDefault(node);
    public IReadOnlyCollection<NodeAgent> All => _agents.Values.ToList();
}
