using System.Collections.Concurrent;

namespace Cluster.Grains.Nodes;

/// <summary>
/// The agents' resync clock: one timer per period for every agent of the silo, instead of a timed wait in each
/// agent's loop (5,000 simulated nodes made 2,500 linked cancellation sources, timers and completion sources a
/// second for it, a seventh of an idle loaded silo's garbage). The agents are ticked in 16 slices spread over the
/// period, so their passes do not all start at once.
/// </summary>
public sealed class AgentClock
{
    const int Slices = 16;
    static readonly ConcurrentDictionary<TimeSpan, AgentClock> ByPeriod = new();
    readonly ConcurrentDictionary<Action, int>[] _slices = Enumerable.Range(0, Slices).Select(_ => new ConcurrentDictionary<Action, int>()).ToArray();
    int _next, _tick;
    // Lives as long as the process: the clock of a period stays once an agent used it (one per period in use).
    readonly Timer _timer;

    AgentClock(TimeSpan period)
    {
        var step = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, period.Ticks / Slices));
        _timer = new Timer(_ => Tick(), null, step, step);
    }

    void Tick()
    {
        var slice = _slices[(uint)Interlocked.Increment(ref _tick) % Slices];
        foreach (var (tick, _) in slice) tick();
    }

    /// <summary>Calls <paramref name="tick"/> once every <paramref name="period"/> until the result is disposed.</summary>
    public static IDisposable Every(TimeSpan period, Action tick)
    {
        var clock = ByPeriod.GetOrAdd(period, p => new AgentClock(p));
        var slice = clock._slices[(uint)Interlocked.Increment(ref clock._next) % Slices];
        slice[tick] = 0;
        return new Leave(slice, tick);
    }

    sealed class Leave(ConcurrentDictionary<Action, int> slice, Action tick) : IDisposable
    {
        public void Dispose() => slice.TryRemove(tick, out _);
    }
}
