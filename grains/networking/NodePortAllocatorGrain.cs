using Cluster.Grains.Store;
using Cluster.Interfaces.Api;

namespace Cluster.Grains.Networking;

public interface INodePortAllocatorGrain : IGrainWithStringKey
{
    /// <summary>A node port for (service, port name/number): the one held, the one requested when free, or the next free one in 30000-32767.</summary>
    Task<ApiResult> Allocate(string serviceKey, string portKey, int? requested);
    /// <summary>Releases every port of the service except those still in use.</summary>
    Task Release(string serviceKey, IReadOnlyCollection<string> keep);
}

[GenerateSerializer]
public sealed class NodePortState
{
    [Id(0)] public Dictionary<int, string> ByPort { get; set; } = new();
    [Id(1)] public int Next { get; set; }
}

/// <summary>NodePort allocation from 30000-32767, persisted so that ports stay stable across restarts.</summary>
public sealed class NodePortAllocatorGrain([PersistentState("allocations", "objects")] IPersistentState<NodePortState> state) : Grain, INodePortAllocatorGrain
{
    const int First = 30000, Last = 32767;

    public async Task<ApiResult> Allocate(string serviceKey, string portKey, int? requested)
    {
        var owner = $"{serviceKey}#{portKey}";
        var held = state.State.ByPort.Where(kv => kv.Value == owner).Select(kv => (int?)kv.Key).FirstOrDefault();
        if (held is { } h && (requested == null || requested == h)) return new ApiResult(200, null, null, h.ToString());
        if (requested is { } r)
        {
            if (r is < First or > Last)
                return new ApiResult(422, "Invalid", $"spec.ports[].nodePort: Invalid value: {r}: provided port is not in the valid range. The range of valid ports is {First}-{Last}", null);
            if (state.State.ByPort.TryGetValue(r, out var other) && other != owner)
                return new ApiResult(422, "Invalid", $"spec.ports[].nodePort: Invalid value: {r}: provided port is already allocated", null);
            if (held is { } old) state.State.ByPort.Remove(old);
            state.State.ByPort[r] = owner;
            await state.WriteOrDeactivateAsync(this);
            return new ApiResult(200, null, null, r.ToString());
        }
        const int size = Last - First + 1;
        for (var i = 0; i < size; i++)
        {
            var port = First + (state.State.Next + i) % size;
            if (state.State.ByPort.ContainsKey(port)) continue;
            state.State.ByPort[port] = owner;
            state.State.Next = (port - First + 1) % size;
            await state.WriteOrDeactivateAsync(this);
            return new ApiResult(200, null, null, port.ToString());
        }
        return new ApiResult(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: range is full", null);
    }

    public async Task Release(string serviceKey, IReadOnlyCollection<string> keep)
    {
        var drop = state.State.ByPort.Where(kv => kv.Value.StartsWith(serviceKey + "#") && !keep.Contains(kv.Value[(serviceKey.Length + 1)..])).Select(kv => kv.Key).ToList();
        if (drop.Count == 0) return;
        foreach (var p in drop) state.State.ByPort.Remove(p);
        await state.WriteOrDeactivateAsync(this);
    }
}
