namespace Cluster.Tests.Unit.Events;

public class EventSpamFilterTests
{
    [Fact]
    public void ASourceRecordsTwentyFiveEventsAboutAnObjectThenOneEveryFiveMinutes()
    {
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var obj = "ReplicaSet/ns/web/" + Guid.NewGuid();
        Assert.Equal(25, Enumerable.Range(0, 100).Count(_ => Cluster.Grains.Events.EventRecorder.Allow("rs-controller/", obj, t)));
        Assert.False(Cluster.Grains.Events.EventRecorder.Allow("rs-controller/", obj, t.AddMinutes(4)));
        Assert.True(Cluster.Grains.Events.EventRecorder.Allow("rs-controller/", obj, t.AddMinutes(5.1)));
        // Another object, or another source, has its own bucket.
        Assert.True(Cluster.Grains.Events.EventRecorder.Allow("rs-controller/", obj + "x", t));
        Assert.True(Cluster.Grains.Events.EventRecorder.Allow("kubelet/node", obj, t));
    }

    [Fact]
    public void ASourceRecordsABurstOfAHundredThenFiftyASecond()
    {
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var source = "default-scheduler/" + Guid.NewGuid();
        Assert.Equal(100, Enumerable.Range(0, 500).Count(_ => Cluster.Grains.Events.EventRecorder.AllowSource(source, t)));
        Assert.Equal(50, Enumerable.Range(0, 500).Count(_ => Cluster.Grains.Events.EventRecorder.AllowSource(source, t.AddSeconds(1))));
        Assert.True(Cluster.Grains.Events.EventRecorder.AllowSource("kubelet/another-node", t));
    }
}
