namespace Cluster.Grains.Nodes;

/// <summary>A pod as its write left it, handed by the node grain to its local agent with the trace of that write.</summary>
public sealed record PushedPod(string Json, string? Trace);
