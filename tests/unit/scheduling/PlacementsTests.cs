using Cluster.Grains.Scheduling;
using Cluster.Interfaces.Api;

namespace Cluster.Tests.Unit.Scheduling;

public class PlacementsTests
{
    static ObjectKey Pod(string name) => new("Pod", "default", name);

    [Fact]
    public void TotalsFollowPodsAsTheyArePlacedMovedAndRemoved()
    {
        var p = new Placements();
        p.Set(Pod("a"), new Placements.Placed("n1", 100, 1000, "rs1"));
        p.Set(Pod("b"), new Placements.Placed("n1", 50, 500, "rs1"));
        p.Set(Pod("c"), new Placements.Placed("n2", 10, 10, null));
        Assert.Equal((150L, 1500L, 2), (p.On("n1").MilliCpu, p.On("n1").Memory, p.On("n1").Count));
        Assert.Equal(2, p.On("n1").ByOwner["rs1"]);

        // A pod placed again (its bind was retried elsewhere) counts only where it now is.
        p.Set(Pod("b"), new Placements.Placed("n2", 50, 500, "rs1"));
        Assert.Equal((100L, 1, 1), (p.On("n1").MilliCpu, p.On("n1").Count, p.On("n1").ByOwner["rs1"]));
        Assert.Equal((60L, 2, 1), (p.On("n2").MilliCpu, p.On("n2").Count, p.On("n2").ByOwner["rs1"]));

        Assert.True(p.Remove(Pod("a")));
        Assert.False(p.Remove(Pod("a")));
        Assert.Equal(0, p.On("n1").Count);
        Assert.Empty(p.On("n1").ByOwner);
        Assert.Equal(2, p.Count);
        Assert.Equal(0, p.On("unknown").Count);
    }
}
