using Cluster.Interfaces.Calls;

namespace Cluster.Tests.Unit.Calls;

public class WaitsTests
{
    [Fact]
    public async Task TrueWhenTheTaskCompletesFirstFalseOnTimeoutOrCancellation()
    {
        var signal = new TaskCompletionSource();
        var waiting = signal.Task.CompletesWithin(TimeSpan.FromMinutes(5));
        signal.SetResult();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.False(await new TaskCompletionSource().Task.CompletesWithin(TimeSpan.FromMilliseconds(50)).WaitAsync(TimeSpan.FromSeconds(10)));

        using var stop = new CancellationTokenSource();
        var stopped = new TaskCompletionSource().Task.CompletesWithin(TimeSpan.FromMinutes(5), stop.Token);
        stop.Cancel();
        Assert.False(await stopped.WaitAsync(TimeSpan.FromSeconds(10)));

        var late = new TaskCompletionSource();
        var unbounded = late.Task.CompletesWithin(Timeout.InfiniteTimeSpan);
        await Task.Delay(50);
        Assert.False(unbounded.IsCompleted);
        late.SetResult();
        Assert.True(await unbounded.WaitAsync(TimeSpan.FromSeconds(10)));

        // A failed task counts as completed; its exception is the caller's to observe.
        Assert.True(await Task.FromException(new InvalidOperationException()).CompletesWithin(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task AWaitTheTaskWonLeavesNoTimerBehind()
    {
        // Task.WhenAny(task, Task.Delay(timeout, ct)) kept one timer per wait until its timeout passed: 2,000 waits
        // answered at once left 2,000 hour-long timers. Other tests may run timers meanwhile, hence the margin.
        using var stop = new CancellationTokenSource();
        var before = Timer.ActiveCount;
        for (var i = 0; i < 2000; i++)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var waiting = signal.Task.CompletesWithin(TimeSpan.FromHours(1), stop.Token);
            signal.SetResult();
            Assert.True(await waiting);
        }
        Assert.True(Timer.ActiveCount - before < 1000, $"{Timer.ActiveCount - before} timers left pending");
    }
}
