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

    // The filter itself, around a call that answers as scripted (each Invoke takes the next outcome).
    public class Call : System.Reflection.DispatchProxy
    {
        public System.Reflection.MethodInfo Method = null!;
        public Queue<Func<Task>> Outcomes = new();
        public List<TaskScheduler> InvokedOn = [];
        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) => targetMethod!.Name switch
        {
            "get_InterfaceMethod" => Method,
            "get_TargetId" => GrainId.Create("test", "x"),
            "Invoke" => Next(),
            _ => throw new NotSupportedException(targetMethod.Name),
        };
        Task Next() { InvokedOn.Add(TaskScheduler.Current); return Outcomes.Dequeue()(); }
    }

    static (IOutgoingGrainCallContext Context, Call Call) Scripted(System.Reflection.MethodInfo method, params Func<Task>[] outcomes)
    {
        var context = System.Reflection.DispatchProxy.Create<IOutgoingGrainCallContext, Call>();
        var call = (Call)(object)context;
        call.Method = method;
        foreach (var o in outcomes) call.Outcomes.Enqueue(o);
        return (context, call);
    }

    sealed class CountingMark : IOutgoingCallMark
    {
        public int Count;
        public void Mark(IOutgoingGrainCallContext call) => Count++;
    }

    static async Task Later() => await Task.Delay(20);

    [Fact]
    public async Task ARefusedCallIsSentAgainOnTheCallersSchedulerAndItsAnswerCounts()
    {
        var refused = Rejection("Exception while sending message: Orleans.Runtime.Messaging.ConnectionFailedException: Unable to connect to endpoint S127.0.0.1:11111:0");
        var (context, call) = Scripted(Method<IPodGrain>(nameof(IPodGrain.ReportStatus)),
            async () => { await Later(); throw refused; }, async () => { await Later(); throw refused; }, Later);
        var mark = new CountingMark();
        var filter = new RetryUndeliveredCalls(Microsoft.Extensions.Logging.Abstractions.NullLogger<RetryUndeliveredCalls>.Instance, mark);
        // A grain's calls run on its activation's scheduler; the retries must too (here: an exclusive scheduler of a pair).
        var scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        await Task.Factory.StartNew(() => filter.Invoke(context), CancellationToken.None, TaskCreationOptions.None, scheduler).Unwrap();
        Assert.Equal(3, call.InvokedOn.Count);
        Assert.All(call.InvokedOn, s => Assert.Same(scheduler, s));
        Assert.Equal(1, mark.Count);
    }

    [Fact]
    public async Task AWriteThatMayHaveRunSurfacesAndAnAnswerIsPassedOnUnchanged()
    {
        var gone = new SiloUnavailableException("The target silo became unavailable for message");
        var (write, writeCall) = Scripted(Method<IPodGrain>(nameof(IPodGrain.ReportStatus)), async () => { await Later(); throw gone; }, Later);
        var filter = new RetryUndeliveredCalls(Microsoft.Extensions.Logging.Abstractions.NullLogger<RetryUndeliveredCalls>.Instance);
        Assert.Same(gone, await Assert.ThrowsAsync<SiloUnavailableException>(() => filter.Invoke(write)));
        Assert.Single(writeCall.InvokedOn);
        // An answer that is already there is the caller's as it is.
        var (done, _) = Scripted(Method<IIndexGrain>(nameof(IIndexGrain.List)), () => Task.CompletedTask);
        Assert.Same(Task.CompletedTask, filter.Invoke(done));
    }

    [Fact]
    public async Task RetriesStopAtTheWindowAndTheLastRefusalSurfaces()
    {
        var refused = Rejection("Unable to connect to endpoint S127.0.0.1:11111:0");
        var window = RetryUndeliveredCalls.Window;
        RetryUndeliveredCalls.Window = TimeSpan.FromMilliseconds(1000);
        try
        {
            var (context, call) = Scripted(Method<IIndexGrain>(nameof(IIndexGrain.List)), Enumerable.Repeat<Func<Task>>(() => Task.FromException(refused), 20).ToArray());
            var filter = new RetryUndeliveredCalls(Microsoft.Extensions.Logging.Abstractions.NullLogger<RetryUndeliveredCalls>.Instance);
            await Assert.ThrowsAsync<OrleansMessageRejectionException>(() => filter.Invoke(context));
            Assert.InRange(call.InvokedOn.Count, 2, 7); // the first at once, then 150 ms apart (or more, on a busy machine) within 1 s
        }
        finally { RetryUndeliveredCalls.Window = window; }
    }
}
