using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Runtime;

namespace Cluster.Interfaces.Calls;

/// <summary>
/// Remembers each grain interface's GrainInterfaceType. Orleans' GetGrain resolves it on every call, by reading the
/// interface's attributes and then formatting its name by convention, and keeps nothing: in the scheduling benchmark
/// that was 5% of the silo's busy time (every grain call site asks for a reference). Registered first among the
/// providers, this one answers from memory; on a miss it asks the resolver (the other providers and the convention,
/// exactly as before) once per interface.
/// </summary>
public sealed class InterfaceTypeCache(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    readonly ConcurrentDictionary<Type, GrainInterfaceType> _known = new();
    [ThreadStatic] static bool _resolving;

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        if (_known.TryGetValue(type, out grainInterfaceType)) return true;
        if (_resolving) return false; // the resolver asking on behalf of the miss below: let the others answer
        _resolving = true;
        try { grainInterfaceType = services.GetRequiredService<GrainInterfaceTypeResolver>().GetGrainInterfaceType(type); }
        finally { _resolving = false; }
        _known.TryAdd(type, grainInterfaceType);
        return true;
    }

    /// <summary>Puts the cache ahead of Orleans' own providers (the resolver asks them in registration order).</summary>
    public static void AddTo(IServiceCollection services) =>
        services.Insert(0, ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider, InterfaceTypeCache>());
}
