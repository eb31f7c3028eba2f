using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Tests.Unit.Store;

public class HandoffTests
{
    [Fact]
    public void TheOfferedObjectIsTakenOnceByItsVeryString()
    {
        var pod = TestObjects.Pod("handed");
        var json = Objects.ToJson(pod);
        Handoff<V1Pod>.Offer(json, pod);
        // An equal string from elsewhere (another silo's copy) finds nothing: it is decoded instead.
        Assert.Null(Handoff<V1Pod>.Take(new string(json.AsSpan())));
        Assert.Same(pod, Handoff<V1Pod>.Take(json));
        Assert.Null(Handoff<V1Pod>.Take(json));
    }

    [Fact]
    public void ALaterOfferForTheSameStringReplacesTheEarlier()
    {
        var (a, b) = (TestObjects.Pod("a"), TestObjects.Pod("b"));
        var json = Objects.ToJson(a);
        Handoff<V1Pod>.Offer(json, a);
        Handoff<V1Pod>.Offer(json, b);
        Assert.Same(b, Handoff<V1Pod>.Take(json));
    }
}
