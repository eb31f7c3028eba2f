using Cluster.Silo.Networking;

namespace Cluster.Tests.Unit.Networking;

public class BalancerTests
{
    static List<Backend> Three() => [new("a", "127.0.0.1", 1), new("b", "127.0.0.1", 2), new("c", "127.0.0.1", 3)];

    [Fact]
    public void RoundRobinTakesTurns()
    {
        var b = new Balancer("round-robin", false);
        var backends = Three();
        Assert.Equal(["a", "b", "c", "a", "b", "c"], Enumerable.Range(0, 6).Select(_ => b.Pick(backends, "10.0.0.1")!.Pod).ToArray());
    }

    [Fact]
    public void LeastConnectionsPrefersTheIdleBackend()
    {
        var b = new Balancer("least-connections", false);
        var backends = Three();
        backends[0].Active = 2; backends[1].Active = 1;
        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal("c", b.Pick(backends, "x")!.Pod));
    }

    [Fact]
    public void ClientIpAffinitySticksUntilTheBackendGoes()
    {
        var b = new Balancer("round-robin", true);
        var backends = Three();
        var first = b.Pick(backends, "192.0.2.7")!.Pod;
        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(first, b.Pick(backends, "192.0.2.7")!.Pod));
        var without = backends.Where(x => x.Pod != first).ToList();
        Assert.NotEqual(first, b.Pick(without, "192.0.2.7")!.Pod);
        Assert.Null(b.Pick([], "192.0.2.7"));
    }
}
