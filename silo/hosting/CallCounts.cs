using System.Collections.Concurrent;

namespace Cluster.Silo.Hosting;

/// <summary>
/// A diagnostic for profiling: with CLUSTER_CALL_COUNTS=FILE the silo counts the grain calls it serves per interface
/// method and rewrites FILE every 5 s, most frequent first (how many calls a pod start costs, and which). Off unless
/// the variable is set: a counter per call is not free.
/// </summary>
public sealed class CallCounts : IIncomingGrainCallFilter
{
    public const string Variable = "CLUSTER_CALL_COUNTS";
    readonly ConcurrentDictionary<string, long[]> _counts = new();

    public CallCounts()
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path)) return;
        new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(5000);
                try { File.WriteAllLines(path, _counts.OrderByDescending(kv => kv.Value[0]).Select(kv => $"{kv.Value[0],10} {kv.Key}")); }
                catch (IOException) { }
            }
        }) { IsBackground = true, Name = "call-counts" }.Start();
    }

    public Task Invoke(IIncomingGrainCallContext ctx)
    {
        Interlocked.Increment(ref _counts.GetOrAdd($"{ctx.InterfaceName}.{ctx.MethodName}", _ => new long[1])[0]);
        return ctx.Invoke();
    }
}
