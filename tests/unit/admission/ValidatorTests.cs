using Cluster.Grains.Admission;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Tests.Unit.Admission;

public class ValidatorTests
{
    static IReadOnlyList<StatusCause> Validate(V1Deployment d) => Validator.Validate(d, Kinds.Deployment);

    [Fact]
    public void ValidDeploymentPasses() => Assert.Empty(Validate(TestObjects.Deployment()));

    [Fact]
    public void SelectorMustMatchTemplateLabels()
    {
        var d = TestObjects.Deployment();
        d.Spec.Selector.MatchLabels["app"] = "other";
        var e = Assert.Single(Validate(d));
        Assert.Equal("spec.template.metadata.labels", e.Field);
        Assert.Contains("`selector` does not match template `labels`", e.Message);
    }

    [Theory]
    [InlineData("Bad_Name")]
    [InlineData("-start")]
    [InlineData("UPPER")]
    public void InvalidNamesAreRefused(string name)
    {
        var d = TestObjects.Deployment();
        d.Metadata.Name = name;
        var e = Assert.Single(Validate(d));
        Assert.Equal("metadata.name", e.Field);
        Assert.Contains("RFC 1123 subdomain", e.Message);
    }

    [Fact]
    public void NegativeReplicasAreRefused()
    {
        var d = TestObjects.Deployment(replicas: -1);
        var e = Assert.Single(Validate(d));
        Assert.Equal("spec.replicas", e.Field);
        Assert.Equal("Invalid value: -1: must be greater than or equal to 0", e.Message);
    }

    [Fact]
    public void MissingImageNamesItsField()
    {
        var d = TestObjects.Deployment();
        d.Spec.Template.Spec.Containers[0].Image = null;
        var e = Assert.Single(Validate(d));
        Assert.Equal("spec.template.spec.containers[0].image", e.Field);
        Assert.Equal("Required value", e.Message);
    }

    [Fact]
    public void BadQuantityIsRefusedAtDecodingNamingTheField()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Cluster.Grains.Store.Objects.ToJson(TestObjects.Deployment()))!;
        node["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"] = System.Text.Json.Nodes.JsonNode.Parse("{\"limits\":{\"memory\":\"12xyz\"}}");
        var json = node.ToJsonString();
        var (obj, error) = Decoder.Decode(json, Kinds.Deployment);
        Assert.Null(obj);
        Assert.Equal(400, error!.Code);
        Assert.True(error.Message.Contains("spec.template.spec.containers[0].resources.limits.memory"), error.Message);
        Assert.Contains("quantities must match the regular expression", error.Message);
    }

    [Fact]
    public void DuplicateKeysAreABadRequestNotACrash()
    {
        var (obj, error) = Decoder.Decode("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}", Kinds.Deployment);
        Assert.Null(obj);
        Assert.Equal(400, error!.Code);
        Assert.Contains("duplicate field", error.Message);
    }

    [Theory]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"resources\":{\"limits\":{\"cpu\":\"100m\",\"memory\":128}}}]}}", true)]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"labels\":{\"a\":\"1\",\"a\":\"2\"}}}", false)]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"memory\":\"12xyz\"}}}]}}", false)]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"memory\":true}}}]}}", false)]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"} x", false)]
    [InlineData("[{\"apiVersion\":\"v1\"}]", false)]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"", false)]
    // The same name twice at different levels, or in sibling objects, is sound.
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"labels\":{\"name\":\"x\"},\"annotations\":{\"name\":\"y\"}}}", true)]
    // An escaped name (here a second "a") is a doubt: the document path decides.
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"labels\":{\"a\":\"1\",\"\\u0061\":\"2\"}}}", false)]
    // A duplicate after a nested object closed.
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"labels\":{\"a\":\"1\"},\"name\":\"p\",\"labels\":{}}}", false)]
    public void OneForwardReadVouchesOnlyForSoundBodies(string json, bool sound) => Assert.Equal(sound, Decoder.Sound(json, out _, out _));

    [Fact]
    public void ObjectsWithManyFieldsTakeTheDocumentPathAndStillDecode()
    {
        var pod = TestObjects.Pod("many");
        pod.Metadata.Labels = Enumerable.Range(0, Decoder.FieldsCompared + 10).ToDictionary(i => $"l{i}", i => $"{i}");
        var json = Cluster.Grains.Store.Objects.ToJson(pod);
        Assert.False(Decoder.Sound(json, out _, out _));
        var (obj, error) = Decoder.Decode(json, Kinds.Pod);
        Assert.Null(error);
        Assert.Equal(Decoder.FieldsCompared + 10, obj!.Metadata.Labels.Count);
        // One field twice among many is still found, by the document path.
        var twice = json.Replace("\"l1\":\"1\"", "\"l1\":\"1\",\"l2\":\"x\"");
        Assert.Contains("duplicate field", Decoder.Decode(twice, Kinds.Pod).Error!.Message);
    }

    [Fact]
    public void SoundBodiesDecodeAsTheDocumentPathWould()
    {
        var json = Cluster.Grains.Store.Objects.ToJson(TestObjects.Deployment());
        Assert.True(Decoder.Sound(json, out var apiVersion, out var kind));
        Assert.Equal(("apps/v1", "Deployment"), (apiVersion, kind));
        var (obj, error) = Decoder.Decode(json, Kinds.Deployment);
        Assert.Null(error);
        Assert.Equal(json, Cluster.Grains.Store.Objects.ToJson(obj!));
        // apiVersion missing, or not a string: the same messages as before.
        Assert.Contains("'apiVersion' is missing", Decoder.Decode("{\"kind\":\"Deployment\",\"apiVersion\":1}", Kinds.Deployment).Error!.Message);
    }

    [Fact]
    public void ServiceNamesAreDns1035()
    {
        var s = new V1Service { Metadata = new V1ObjectMeta { Name = "1svc" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } };
        var e = Assert.Single(Validator.Validate(s, Kinds.Service));
        Assert.Contains("DNS-1035", e.Message);
    }

    [Fact]
    public void InvalidResultCarriesKubernetesMessage()
    {
        var d = TestObjects.Deployment(replicas: -2);
        var r = ApiResult.Invalid(Kinds.Deployment, "web", Validate(d));
        Assert.Equal(422, r.Code);
        Assert.Equal("Deployment \"web\" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0", r.Message);
        Assert.Contains("\"causes\"", r.ToStatusJson(Kinds.Deployment, "web"));
    }
}
