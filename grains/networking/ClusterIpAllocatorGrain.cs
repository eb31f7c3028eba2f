using System.Net;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Networking;

public interface IClusterIpAllocatorGrain : IGrainWithStringKey
{
    /// <summary>The service's IP: the one it holds, the one it asks for (when free), or the next free one.</summary>
    Task<ApiResult> Allocate(string serviceKey, string? requested);
    Task Release(string serviceKey);
}

[GenerateSerializer]
public sealed class ClusterIpState
{
    [Id(0)] public Dictionary<string, string> ByIp { get; set; } = new();
    [Id(1)] public uint Next { get; set; }
}

/// <summary>
/// Allocates Service cluster IPs from 127.16.0.0/12 (loopback, like kube's 10.96.0.0/12 but needing no routes
/// on a machine), persisted so that IPs stay stable across restarts.
/// </summary>
public sealed class ClusterIpAllocatorGrain(
    [PersistentState("allocations", "objects")] IPersistentState<ClusterIpState> state,
    ILogger<ClusterIpAllocatorGrain> logger) : Grain, IClusterIpAllocatorGrain
{
    static readonly uint First = ToUint(IPAddress.Parse("127.16.0.1"));
    static readonly uint Last = ToUint(IPAddress.Parse("127.31.255.254"));

    static uint ToUint(IPAddress a) { var b = a.GetAddressBytes(); return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]); }
    static string ToText(uint v) => $"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}";

    public async Task<ApiResult> Allocate(string serviceKey, string? requested)
    {
        var held = state.State.ByIp.FirstOrDefault(kv => kv.Value == serviceKey).Key;
        if (held != null && (requested == null || requested == held)) return new ApiResult(200, null, null, held);
        if (requested != null)
        {
            if (!IPAddress.TryParse(requested, out var ip) || ToUint(ip) < First || ToUint(ip) > Last)
                return new ApiResult(422, "Invalid", $"spec.clusterIPs: Invalid value: [\"{requested}\"]: failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is 127.16.0.0/12", null);
            if (state.State.ByIp.TryGetValue(requested, out var owner) && owner != serviceKey)
                return new ApiResult(422, "Invalid", $"spec.clusterIPs: Invalid value: [\"{requested}\"]: failed to allocate IP {requested}: provided IP is already allocated", null);
            if (held != null) state.State.ByIp.Remove(held);
            state.State.ByIp[requested] = serviceKey;
            await state.WriteOrDeactivateAsync(this);
            return new ApiResult(200, null, null, requested);
        }
        var size = Last - First + 1;
        for (uint i = 0; i < size; i++)
        {
            var candidate = First + (state.State.Next + i) % size;
            var text = ToText(candidate);
            if (state.State.ByIp.ContainsKey(text)) continue;
            state.State.ByIp[text] = serviceKey;
            state.State.Next = (candidate - First + 1) % size;
            await state.WriteOrDeactivateAsync(this);
            return new ApiResult(200, null, null, text);
        }
        logger.LogError("service IP range 127.16.0.0/12 is full");
        return new ApiResult(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full", null);
    }

    public async Task Release(string serviceKey)
    {
        foreach (var ip in state.State.ByIp.Where(kv => kv.Value == serviceKey).Select(kv => kv.Key).ToList())
            state.State.ByIp.Remove(ip);
        await state.WriteOrDeactivateAsync(this);
    }
}
