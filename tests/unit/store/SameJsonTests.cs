using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Tests.Unit.Store;

/// <summary><see cref="Objects.SameJson"/>: equality as JSON, whichever way it is reached (shared instance, string map,
/// serialized text).</summary>
public class SameJsonTests
{
    [Fact]
    public void StringMapsCompareByEntriesInAnyOrder()
    {
        var a = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" };
        var b = new Dictionary<string, string> { ["tier"] = "front", ["app"] = "web" };
        Assert.True(Objects.SameJson(a, b));
        Assert.False(Objects.SameJson(a, new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back" }));
        Assert.False(Objects.SameJson(a, new Dictionary<string, string> { ["app"] = "web" }));
        Assert.False(Objects.SameJson(a, new Dictionary<string, string> { ["app"] = "web", ["other"] = "front" }));
        // Missing is not empty, as before: a map that appears is a change.
        Assert.False(Objects.SameJson(null, new Dictionary<string, string>()));
        Assert.True(Objects.SameJson(null, null));
    }

    [Fact]
    public void ModelsCompareByTheirJson()
    {
        var owner = new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = "u1", Controller = true };
        Assert.True(Objects.SameJson(owner, owner));
        Assert.True(Objects.SameJson(new List<V1OwnerReference> { owner },
            new List<V1OwnerReference> { new() { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = "u1", Controller = true } }));
        Assert.False(Objects.SameJson(new List<V1OwnerReference> { owner },
            new List<V1OwnerReference> { new() { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = "u2", Controller = true } }));
    }
}
