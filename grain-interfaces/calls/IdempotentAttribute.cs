namespace Cluster.Interfaces.Calls;

/// <summary>
/// A grain method that only reads: running it twice is harmless, so <see cref="RetryUndeliveredCalls"/> sends it again
/// when a silo dies mid-call (a list sent 0.6 s after a kill failed when its index grain's new activation tried to
/// register with the dead silo's directory partition). Never on a method that writes or waits for a write.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : Attribute;
