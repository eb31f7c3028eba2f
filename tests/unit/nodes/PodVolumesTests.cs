using Cluster.Grains.Nodes.Volumes;

namespace Cluster.Tests.Unit.Nodes;

/// <summary>The sweep of pod directories: what a previous run left goes, what a pass writes goes when its pod does.</summary>
public sealed class PodVolumesTests
{
    static string Root() => Directory.CreateTempSubdirectory("cluster-volumes-test-").FullName;

    [Fact]
    public void LeftoversOfAPreviousRunAndOfDeletedPodsAreRemovedLivePodsKept()
    {
        var root = Root();
        Directory.CreateDirectory(Path.Combine(root, "old-pod", "volumes", "data")); // from before a restart
        var volumes = new PodVolumes(root, grains: null!);
        Assert.True(volumes.WriteHosts("live", "127.0.0.1 localhost\n"));
        Assert.True(volumes.WriteHosts("gone", "127.0.0.1 localhost\n"));
        volumes.RemoveExcept(new HashSet<string> { "live" }.Contains);
        Assert.Equal(["live"], Directory.GetDirectories(root).Select(Path.GetFileName));

        // The live pod is deleted later: the next sweep still looks (its directory was there), and removes it.
        volumes.RemoveExcept(_ => false);
        Assert.Empty(Directory.GetDirectories(root));

        // Nothing left and nothing handed out: no need to look. A pod written after that is swept again.
        volumes.RemoveExcept(_ => false);
        Assert.True(volumes.WriteHosts("next", "127.0.0.1 localhost\n"));
        Assert.True(File.Exists(volumes.HostsPath("next")));
        volumes.RemoveExcept(_ => false);
        Assert.Empty(Directory.GetDirectories(root));
        Directory.Delete(root, true);
    }
}
