using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Cluster.Interfaces.Calls;

/// <summary>
/// Retries a grain call that never reached its grain because the silo it was sent to (or the silo owning the
/// grain's directory entry) refused the connection. That happens between a silo's crash and Orleans declaring it
/// dead (about a second with our membership settings); once it is declared dead, the same call activates the grain
/// elsewhere. Only undelivered calls are retried, so a retry cannot run a method twice; anything else surfaces.
/// Methods marked <see cref="IdempotentAttribute"/> (reads) are also retried when the silo they went to, or the one
/// holding their grain's directory entry, is found gone mid-call (<see cref="SiloUnavailableException"/>): whether
/// or not they ran, running them again changes nothing.
/// </summary>
public sealed class RetryUndeliveredCalls(ILogger<RetryUndeliveredCalls> logger, IOutgoingCallMark? mark = null) : IOutgoingGrainCallFilter
{
    /// <summary>Calls slower than this are logged (which call, to which grain): a stall shows where it is.</summary>
    public static TimeSpan SlowCall { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to keep trying: past the membership's worst detection time (1.9 s measured), bounded.</summary>
    public static TimeSpan Window { get; set; } = TimeSpan.FromSeconds(6);
    static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(150);

    // A loaded silo can have thousands of slow calls a second; a line for each made the console logger's lock and
    // writes 3% of the silo's busy time at 1,000 pods/s, and made the silo slower still. One line a second, counting the rest.
    readonly LogSampler _slow = new(TimeSpan.FromSeconds(1));

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        mark?.Mark(context);
        // Only our own grains: Orleans' system targets (membership probes among them) keep their own semantics.
        if (context.InterfaceMethod?.DeclaringType?.Namespace?.StartsWith("Cluster.", StringComparison.Ordinal) != true)
            return context.Invoke();
        var start = Environment.TickCount64;
        var call = context.Invoke();
        return call.IsCompletedSuccessfully ? call : Watch(call, context, start, TaskScheduler.Current);
    }

    /// <summary>
    /// Awaits a call without returning to the grain's scheduler for it: the caller's own await does that, and a second
    /// return costs a task and a continuation on every call of a loaded silo. A refused call's retries run on the
    /// caller's scheduler again, as grain calls must.
    /// </summary>
    async Task Watch(Task call, IOutgoingGrainCallContext context, long start, TaskScheduler scheduler)
    {
        try
        {
            await call.ConfigureAwait(false);
            Slow(context, start);
            return;
        }
        catch (OrleansMessageRejectionException e) when (RetryInTime(e, context, start))
        {
        }
        await Task.Factory.StartNew(() => Retry(context, start), CancellationToken.None, TaskCreationOptions.None, scheduler).Unwrap().ConfigureAwait(false);
    }

    async Task Retry(IOutgoingGrainCallContext context, long start)
    {
        while (true)
        {
            await Task.Delay(Pause);
            try
            {
                await context.Invoke();
                Slow(context, start);
                return;
            }
            catch (OrleansMessageRejectionException e) when (RetryInTime(e, context, start))
            {
            }
        }
    }

    /// <summary>Whether the failed call may be sent again, and another attempt after the pause still falls within the window.</summary>
    static bool RetryInTime(OrleansMessageRejectionException e, IOutgoingGrainCallContext context, long start) =>
        MayRetry(e, context.InterfaceMethod) && Environment.TickCount64 - start + Pause.TotalMilliseconds < Window.TotalMilliseconds;

    void Slow(IOutgoingGrainCallContext context, long start)
    {
        var took = Environment.TickCount64 - start;
        if (took > SlowCall.TotalMilliseconds && !IsLongPoll(context) && logger.IsEnabled(LogLevel.Information) && _slow.Admit(Environment.TickCount64, out var more))
            logger.LogInformation("slow call: {Method} on {Grain} took {Ms:0} ms ({More} more slow calls since the last line)",
                context.InterfaceMethod?.Name, context.TargetId, took, more);
    }

    static bool IsLongPoll(IOutgoingGrainCallContext c) => c.InterfaceMethod?.Name is { } m && (m.StartsWith("Watch", StringComparison.Ordinal) || m.StartsWith("Wait", StringComparison.Ordinal));

    /// <summary>Whether a call that failed this way can be sent again: it never reached its grain, or it only reads.</summary>
    public static bool MayRetry(OrleansMessageRejectionException e, System.Reflection.MethodInfo? method) =>
        IsUndelivered(e) || (e is SiloUnavailableException && method != null && Idempotent.GetOrAdd(method, m => m.IsDefined(typeof(IdempotentAttribute), inherit: true)));

    static readonly System.Collections.Concurrent.ConcurrentDictionary<System.Reflection.MethodInfo, bool> Idempotent = new();

    /// <summary>Connection refused or failed before the message was sent: the grain never saw the call.</summary>
    public static bool IsUndelivered(OrleansMessageRejectionException e) =>
        e.Message.Contains("Unable to connect", StringComparison.Ordinal) || e.Message.Contains("ConnectionFailedException", StringComparison.Ordinal);
}
