using Cluster.Interfaces.Calls;
using Cluster.Interfaces.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Metadata;

namespace Cluster.Tests.Unit.Calls;

/// <summary>The cache answers first, and with what Orleans itself resolves: same interface types, same grain ids.</summary>
public sealed class InterfaceTypeCacheTests
{
    static IHost Silo(bool cached)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            if (cached) InterfaceTypeCache.AddTo(silo.Services);
        });
        return builder.Build();
    }

    [Fact]
    public void AnswersFirstWithWhatOrleansResolves()
    {
        using var plain = Silo(cached: false);
        using var cached = Silo(cached: true);
        var cache = Assert.IsType<InterfaceTypeCache>(cached.Services.GetServices<Orleans.Runtime.IGrainInterfaceTypeProvider>().First());
        var orleans = plain.Services.GetRequiredService<GrainInterfaceTypeResolver>();
        var ours = cached.Services.GetRequiredService<GrainInterfaceTypeResolver>();
        foreach (var type in new[] { typeof(IPodGrain), typeof(IIndexGrain), typeof(IObjectGrain) })
        {
            Assert.True(cache.TryGetGrainInterfaceType(type, out var remembered));
            Assert.Equal(orleans.GetGrainInterfaceType(type), remembered);
            Assert.Equal(orleans.GetGrainInterfaceType(type), ours.GetGrainInterfaceType(type));
        }
        var a = plain.Services.GetRequiredService<IGrainFactory>().GetGrain<IPodGrain>("Pod/default/web-1");
        var b = cached.Services.GetRequiredService<IGrainFactory>().GetGrain<IPodGrain>("Pod/default/web-1");
        Assert.Equal(a.GetGrainId(), b.GetGrainId());
        Assert.Equal(((GrainReference)a).InterfaceType, ((GrainReference)b).InterfaceType);
    }
}
