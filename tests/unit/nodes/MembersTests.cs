using System.Net;
using Cluster.Grains.Nodes;
using Orleans.Runtime;

namespace Cluster.Tests.Unit.Nodes;

/// <summary>Which silo hosts a node, as the node lifecycle controller decides whether the node's silo is dead.</summary>
public sealed class MembersTests
{
    static ClusterMember M(string name, SiloStatus status, int port) =>
        new(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), port), status, name);

    [Fact]
    public void ANodeIsHostedByTheSiloOfItsNameOrOfTheLongestPrefixBeforeADash()
    {
        var byName = Members.ByName([M("a", SiloStatus.Active, 1), M("a-b", SiloStatus.Active, 2), M("c", SiloStatus.Dead, 3)]);
        Assert.Equal("a", Members.HostOf("a", byName)!.Name);
        Assert.Equal("a-b", Members.HostOf("a-b-sim-1", byName)!.Name);
        Assert.Equal("a", Members.HostOf("a-x-sim-1", byName)!.Name);
        Assert.Equal(SiloStatus.Dead, Members.HostOf("c-sim-1", byName)!.Status);
        Assert.Null(Members.HostOf("ab-sim-1", byName)); // "a" is not a prefix before a dash of "ab-..."
        Assert.Null(Members.HostOf("d", byName));
    }

    [Fact]
    public void AnActiveSiloWinsOverADeadOneOfTheSameNameOrALongerDeadOne()
    {
        // A restarted silo: its dead incarnation stays in the membership table.
        var restarted = Members.ByName([M("a", SiloStatus.Dead, 1), M("a", SiloStatus.Active, 2)]);
        Assert.Equal(SiloStatus.Active, Members.HostOf("a-sim-1", restarted)!.Status);
        Assert.Equal(SiloStatus.Active, Members.ByName([M("a", SiloStatus.Active, 2), M("a", SiloStatus.Dead, 1)])["a"].Status);
        // The longer name is dead, a shorter one is active: the node is not taken for dead.
        var both = Members.ByName([M("a", SiloStatus.Active, 1), M("a-b", SiloStatus.Dead, 2)]);
        Assert.Equal("a", Members.HostOf("a-b-sim-1", both)!.Name);
        // Only dead ones: the longest.
        var dead = Members.ByName([M("a", SiloStatus.Dead, 1), M("a-b", SiloStatus.Dead, 2)]);
        Assert.Equal("a-b", Members.HostOf("a-b-sim-1", dead)!.Name);
    }
}
