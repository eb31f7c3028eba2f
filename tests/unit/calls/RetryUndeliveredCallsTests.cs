using Cluster.Interfaces.Calls;
using Cluster.Interfaces.Store;
using Orleans.Runtime;

namespace Cluster.Tests.Unit.Calls;

public class RetryUndeliveredCallsTests
{
    static System.Reflection.MethodInfo Method<T>(string name) => typeof(T).GetMethod(name)!;

    // Orleans makes these itself (the constructor is internal), with the messages matched here.
    static OrleansMessageRejectionException Rejection(string message) =>
        (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException),
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, null, [message], null)!;

    [Fact]
    public void ARefusedConnectionIsRetriedForAnyMethod()
    {
        var refused = Rejection("Exception while sending message: Orleans.Runtime.Messaging.ConnectionFailedException: Unable to connect to endpoint S127.0.0.1:11111:0");
        Assert.True(RetryUndeliveredCalls.MayRetry(refused, Method<IPodGrain>(nameof(IPodGrain.ReportStatus))));
        Assert.True(RetryUndeliveredCalls.MayRetry(refused, Method<IIndexGrain>(nameof(IIndexGrain.List))));
    }

    [Fact]
    public void ASiloLostMidCallIsRetriedOnlyForReads()
    {
        var gone = new SiloUnavailableException("The target silo became unavailable for message");
        // Reads: whether or not they ran, running them again changes nothing.
        Assert.True(RetryUndeliveredCalls.MayRetry(gone, Method<IIndexGrain>(nameof(IIndexGrain.List))));
        Assert.True(RetryUndeliveredCalls.MayRetry(gone, Method<IIndexGrain>(nameof(IIndexGrain.OnNode))));
        Assert.True(RetryUndeliveredCalls.MayRetry(gone, typeof(IObjectGrain).GetMethod(nameof(IObjectGrain.Get), Type.EmptyTypes)));
        // Writes may have happened: they surface to their caller.
        Assert.False(RetryUndeliveredCalls.MayRetry(gone, Method<IPodGrain>(nameof(IPodGrain.ReportStatus))));
        Assert.False(RetryUndeliveredCalls.MayRetry(gone, Method<IIndexGrain>(nameof(IIndexGrain.Allocate))));
        Assert.False(RetryUndeliveredCalls.MayRetry(gone, Method<IIndexGrain>(nameof(IIndexGrain.Publish))));
        Assert.False(RetryUndeliveredCalls.MayRetry(gone, null));
    }

    [Fact]
    public void OtherRejectionsAreNotRetried()
    {
        var rejected = Rejection("Forwarding failed: tried to forward message too many times");
        Assert.False(RetryUndeliveredCalls.MayRetry(rejected, Method<IIndexGrain>(nameof(IIndexGrain.List))));
    }
}
