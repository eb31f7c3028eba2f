namespace Cluster.Silo.Networking;

/// <summary>A backend a service port forwards to, with the connections it holds right now.</summary>
public sealed class Backend(string pod, string host, int port)
{
    public string Pod { get; } = pod;
    public string Host { get; } = host;
    public int Port { get; } = port;
    public int Active;
    public override string ToString() => $"{Pod}@{Host}:{Port}";
}

/// <summary>
/// Picks a backend per connection, per Service: round-robin (default), least-connections or random (the
/// cluster.local/load-balancing annotation), with sessionAffinity ClientIP keeping a client on its backend.
/// Pure apart from its counters, so it is tested without sockets.
/// </summary>
public sealed class Balancer(string algorithm, bool clientIpAffinity)
{
    public const string Annotation = "cluster.local/load-balancing";
    public static readonly string[] Algorithms = ["round-robin", "least-connections", "random"];
    readonly Dictionary<string, string> _affinity = new();
    int _next;

    public string Algorithm { get; } = algorithm;
    public bool ClientIpAffinity { get; } = clientIpAffinity;

    public Backend? Pick(IReadOnlyList<Backend> backends, string clientIp)
    {
        if (backends.Count == 0) return null;
        lock (_affinity)
        {
            if (ClientIpAffinity && _affinity.TryGetValue(clientIp, out var pod) && backends.FirstOrDefault(b => b.Pod == pod) is { } sticky) return sticky;
            var chosen = Algorithm switch
            {
                "least-connections" => backends.OrderBy(b => Volatile.Read(ref b.Active)).ThenBy(_ => _next++ % backends.Count).First(),
                "random" => backends[Random.Shared.Next(backends.Count)],
                _ => backends[(_next++ & int.MaxValue) % backends.Count],
            };
            if (ClientIpAffinity) _affinity[clientIp] = chosen.Pod;
            return chosen;
        }
    }
}
