namespace Cluster.Interfaces.Calls;

/// <summary>
/// Something every outgoing grain call of a process must carry (a silo's internal-call marker), applied by
/// <see cref="RetryUndeliveredCalls"/> just before it sends, rather than by a filter of its own: each filter is one
/// more asynchronous step on every call.
/// </summary>
public interface IOutgoingCallMark
{
    void Mark(IOutgoingGrainCallContext call);
}
