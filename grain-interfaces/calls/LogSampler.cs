namespace Cluster.Interfaces.Calls;

/// <summary>Admits at most one event per interval and counts the ones it turned away, for the next admitted line.</summary>
public sealed class LogSampler(TimeSpan interval)
{
    readonly long _intervalMs = (long)interval.TotalMilliseconds;
    long _last = long.MinValue / 2;
    int _suppressed;

    /// <summary>True when this event may be logged (now is Environment.TickCount64); more is how many were not since the last.</summary>
    public bool Admit(long now, out int more)
    {
        var last = Interlocked.Read(ref _last);
        if (now - last < _intervalMs || Interlocked.CompareExchange(ref _last, now, last) != last)
        {
            Interlocked.Increment(ref _suppressed);
            more = 0;
            return false;
        }
        more = Interlocked.Exchange(ref _suppressed, 0);
        return true;
    }
}
