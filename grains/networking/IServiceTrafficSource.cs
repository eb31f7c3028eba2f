namespace Cluster.Grains.Networking;

/// <summary>What this silo's service proxy saw of a Service's traffic (the autoscaler reads it through the node grains).</summary>
public interface IServiceTrafficSource
{
    (double RequestsPerSecond, double ErrorRatio) Of(string ns, string service);
}
