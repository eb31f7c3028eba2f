namespace Cluster.Tests.Integration.Support;

public static class Eventually
{
    /// <summary>Polls until the condition holds; fails with the last observation when time runs out.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> observe, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last = default!;
        while (DateTime.UtcNow < deadline)
        {
            last = await observe();
            if (done(last)) return last;
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(200));
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting for {what}; last seen: {Describe(last)}");
    }

    static string Describe<T>(T v) => v switch
    {
        System.Collections.IEnumerable e when v is not string => "[" + string.Join(", ", e.Cast<object>()) + "]",
        _ => v?.ToString() ?? "null",
    };
}
