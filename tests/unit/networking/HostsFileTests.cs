using Cluster.Grains.Networking;
using k8s.Models;

namespace Cluster.Tests.Unit.Networking;

public class HostsFileTests
{
    static V1Pod Pod(string name, string? hostname = null, string? subdomain = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "shop" },
        Spec = new V1PodSpec { Hostname = hostname, Subdomain = subdomain, Containers = [] },
    };

    static V1EndpointAddress Address(string ip, string pod, string? hostname = null) =>
        new() { Ip = ip, Hostname = hostname, TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod } };

    [Fact]
    public void APodOfAStatefulSetHasItsFqdnAndItsPeersRecords()
    {
        var headless = new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = "db" },
            Subsets = [new V1EndpointSubset { Addresses = [Address("172.17.0.4", "db-1", "db-1"), Address("172.17.0.3", "db-0", "db-0")] }],
        };
        var text = HostsFile.Render(Pod("db-0", "db-0", "db"), "172.17.0.3", [headless]);
        var lines = text.Split('\n');
        Assert.Contains("127.0.0.1\tlocalhost", lines);
        Assert.Contains("172.17.0.3\tdb-0.db.shop.svc.cluster.local\tdb-0", lines);
        Assert.Contains("172.17.0.3\tdb-0.db.shop.svc.cluster.local\tdb-0.db.shop\tdb-0.db", lines);
        Assert.Contains("172.17.0.4\tdb-1.db.shop.svc.cluster.local\tdb-1.db.shop\tdb-1.db", lines);
        // The service name lists every ready pod, in a stable order.
        var service = lines.Where(l => l.EndsWith("\tdb")).ToList();
        Assert.Equal(["172.17.0.3\tdb.shop.svc.cluster.local\tdb.shop\tdb", "172.17.0.4\tdb.shop.svc.cluster.local\tdb.shop\tdb"], service);
    }

    [Fact]
    public void APlainPodHasItsNameAndNoRecordsBeforeItHasAnAddress()
    {
        var pod = Pod(new string('a', 70));
        pod.Spec.HostAliases = [new V1HostAlias { Ip = "10.9.9.9", Hostnames = ["foo.local", "bar.local"] }];
        var before = HostsFile.Render(pod, null, []);
        Assert.DoesNotContain(new string('a', 63), before);
        Assert.Contains("10.9.9.9\tfoo.local\tbar.local", before);
        var after = HostsFile.Render(pod, "172.17.0.9", []);
        Assert.Contains($"172.17.0.9\t{new string('a', 63)}\n", after);
        Assert.Null(HostsFile.Domain(pod));
    }
}
