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

    [Fact]
    public void EachOwnersCountsPerNodeSlotFollowItsPods()
    {
        var p = new Placements();
        p.Set(Pod("a"), new Placements.Placed("n1", 0, 0, "rs1"));
        p.Set(Pod("b"), new Placements.Placed("n2", 0, 0, "rs1"));
        p.Set(Pod("c"), new Placements.Placed("n2", 0, 0, "rs1"));
        p.Set(Pod("d"), new Placements.Placed("n2", 0, 0, "rs2"));
        int n1 = p.SlotOf("n1"), n2 = p.SlotOf("n2");
        Assert.NotEqual(n1, n2);
        Assert.Equal(n1, p.SlotOf("n1")); // stable
        Assert.Equal((1, 2), (p.CountsOf("rs1")[n1], p.CountsOf("rs1")[n2]));
        Assert.Equal((0, 1), (p.CountsOf("rs2")[n1], p.CountsOf("rs2")[n2]));
        Assert.Empty(p.CountsOf("rs3"));
        Assert.Empty(p.CountsOf(null));

        p.Set(Pod("a"), new Placements.Placed("n2", 0, 0, "rs1")); // moved
        Assert.Equal((0, 3), (p.CountsOf("rs1")[n1], p.CountsOf("rs1")[n2]));
        foreach (var pod in new[] { "a", "b", "c" }) p.Remove(Pod(pod));
        Assert.Empty(p.CountsOf("rs1")); // an owner with nothing placed is forgotten
        Assert.Equal(1, p.CountsOf("rs2")[n2]);

        // Many nodes: the arrays grow with the slots.
        for (var i = 0; i < 100; i++) p.Set(Pod("x" + i), new Placements.Placed("m" + i, 0, 0, "rs4"));
        Assert.Equal(100, Enumerable.Range(0, 100).Sum(i => p.CountsOf("rs4")[p.SlotOf("m" + i)]));
    }
}
