using Cluster.Client;

namespace Cluster.Tests.Unit.Client;

public class ManifestTests
{
    static string Example(string name) => File.ReadAllText(Path.Combine(RepoPaths.Shared, "examples", name));

    [Fact]
    public void ParsesTheBriefsManifests()
    {
        var d = Assert.Single(Manifests.Parse(Example("nginx-deployment.yaml"), "nginx-deployment.yaml"));
        Assert.Equal("Deployment", d.Kind.Kind);
        Assert.Equal("nginx-deployment", d.Name);
        Assert.Contains("\"nginx:latest\"", d.Json);
        Assert.Equal("Service", Assert.Single(Manifests.Parse(Example("my-service-lb.yaml"), "x")).Kind.Kind);
    }

    [Fact]
    public void MultiDocumentYamlGivesEveryObject()
    {
        var all = Manifests.Parse(Example("nginx-deployment.yaml") + "\n---\n" + Example("my-service.yaml") + "\n---\n", "both.yaml");
        Assert.Equal(["Deployment", "Service"], all.Select(m => m.Kind.Kind).ToArray());
    }

    [Fact]
    public void MalformedYamlNamesTheLine()
    {
        var e = Assert.Throws<ManifestException>(() => Manifests.Parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n", "bad.yaml"));
        Assert.StartsWith("error parsing bad.yaml", e.Message);
        Assert.Contains("line", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void UnknownKindIsNamed()
    {
        var e = Assert.Throws<ManifestException>(() => Manifests.Parse("apiVersion: v1\nkind: Gizmo\nmetadata:\n  name: x\n", "g.yaml"));
        Assert.Contains("no matches for kind \"Gizmo\"".Replace("no matches for", "resource mapping not found for"), e.Message);
    }

    [Fact]
    public void UnknownFieldsAreRefusedStrictly()
    {
        var e = Assert.Throws<ManifestException>(() => Manifests.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nspecc: {}\n", "cm.yaml"));
        Assert.Contains("cm.yaml", e.Message);
    }
}

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "Cluster.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("Cluster.sln not found above the test binaries");
    }
}
