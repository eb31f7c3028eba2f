using System.Text.Json.Nodes;
using Cluster.Grains.CustomResources;

namespace Cluster.Tests.Unit.Admission;

public class StructuralSchemaTests
{
    static readonly JsonObject Schema = (JsonObject)JsonNode.Parse("""
        {"type":"object","properties":{
          "spec":{"type":"object","required":["size"],"properties":{
            "size":{"type":"string","enum":["small","large"]},
            "count":{"type":"integer","minimum":1,"maximum":5,"default":2},
            "name":{"type":"string","minLength":2,"maxLength":4,"pattern":"^[a-z]+$"},
            "port":{"x-kubernetes-int-or-string":true},
            "tags":{"type":"array","maxItems":2,"items":{"type":"string"}},
            "labels":{"type":"object","additionalProperties":{"type":"string"}},
            "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
            "nested":{"type":"object","properties":{"on":{"type":"boolean","default":true}}}}},
          "status":{"type":"object","properties":{"ready":{"type":"integer"}}}}}
        """)!;

    static JsonObject Obj(string json) => (JsonObject)JsonNode.Parse(json)!;

    [Fact]
    public void UndeclaredFieldsArePrunedExceptWhereTheSchemaKeepsThem()
    {
        var o = Obj("""{"apiVersion":"x/v1","kind":"K","metadata":{"name":"a","odd":1},"extra":1,"spec":{"size":"small","bogus":true,"labels":{"a":"b"},"free":{"any":{"thing":1}},"nested":{"gone":1}}}""");
        var pruned = StructuralSchema.Prune(o, Schema);
        Assert.Equal(["extra", "spec.bogus", "spec.nested.gone"], pruned.Order());
        Assert.Equal(1, (int)o["metadata"]!["odd"]!); // metadata is the server's, not the schema's
        Assert.Equal(1, (int)o["spec"]!["free"]!["any"]!["thing"]!);
        Assert.Equal("b", (string)o["spec"]!["labels"]!["a"]!);
    }

    [Fact]
    public void DefaultsFillAbsentFieldsOfPresentObjects()
    {
        var o = Obj("""{"spec":{"size":"small","nested":{}}}""");
        StructuralSchema.Default(o, Schema);
        Assert.Equal(2, (int)o["spec"]!["count"]!);
        Assert.True((bool)o["spec"]!["nested"]!["on"]!);
        Assert.Null(o["status"]);
    }

    [Fact]
    public void ValidationReportsEachProblemInKubernetesWording()
    {
        var errors = StructuralSchema.Validate(Obj("""
            {"spec":{"size":"medium","count":9,"name":"A","port":true,"tags":["a","b","c"],"labels":{"x":1}},"status":{"ready":"no"}}
            """), Schema).Select(e => $"{e.Field}: {e.Message}").ToList();
        Assert.Contains("spec.size: Unsupported value: \"medium\": supported values: \"small\", \"large\"", errors);
        Assert.Contains("spec.count: Invalid value: 9: spec.count in body should be less than or equal to 5", errors);
        Assert.Contains("spec.name: Invalid value: \"A\": spec.name in body should be at least 2 chars long", errors);
        Assert.Contains("spec.name: Invalid value: \"A\": spec.name in body should match '^[a-z]+$'", errors);
        Assert.Contains("spec.port: Invalid value: true: spec.port in body must be of type integer,string: \"boolean\"", errors);
        Assert.Contains("spec.tags: Too many: 3: must have at most 2 items", errors);
        Assert.Contains("spec.labels.x: Invalid value: 1: spec.labels.x in body must be of type string: \"integer\"", errors);
        Assert.Contains("status.ready: Invalid value: \"no\": status.ready in body must be of type integer: \"string\"", errors);
        Assert.Equal(8, errors.Count);
    }

    [Fact]
    public void RequiredFieldsAndAValidObject()
    {
        var errors = StructuralSchema.Validate(Obj("""{"spec":{"count":1}}"""), Schema);
        Assert.Equal("spec.size", Assert.Single(errors).Field);
        Assert.Empty(StructuralSchema.Validate(Obj("""{"spec":{"size":"large","count":5,"port":"http","name":"ab","tags":["a"]}}"""), Schema));
    }
}
