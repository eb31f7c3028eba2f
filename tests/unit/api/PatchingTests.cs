using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Silo.Api.Patching;

namespace Cluster.Tests.Unit.Api;

/// <summary>Shared helpers: parse, and compare JSON with object keys sorted (list order still counts).</summary>
internal static class PatchJsonAssert
{
    public static JsonNode? N(string json) => JsonNode.Parse(json);
    public static JsonObject O(string json) => (JsonObject)JsonNode.Parse(json)!;
    public static JsonArray A(string json) => (JsonArray)JsonNode.Parse(json)!;

    public static string Canon(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canon(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canon)) + "]",
        _ => node.ToJsonString(),
    };

    public static void Same(string expected, JsonNode? actual) => Assert.Equal(Canon(N(expected)), Canon(actual));
}

public class JsonMergePatchTests
{
    // RFC 7386 Appendix A, every row.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", """null""", """null""")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Rfc7386AppendixA(string target, string patch, string expected) =>
        PatchJsonAssert.Same(expected, JsonMergePatch.Apply(PatchJsonAssert.N(target), PatchJsonAssert.N(patch)));

    [Fact]
    public void Rfc7386Section3Example()
    {
        var target = PatchJsonAssert.N("""
            {"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],"content":"This will be unchanged"}
            """);
        var patch = PatchJsonAssert.N("""
            {"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}
            """);
        PatchJsonAssert.Same("""
            {"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}
            """, JsonMergePatch.Apply(target, patch));
    }

    [Fact]
    public void NullTargetAndInputsUntouched()
    {
        var target = PatchJsonAssert.N("""{"metadata":{"labels":{"a":"1"}},"spec":{"replicas":1}}""");
        var patch = PatchJsonAssert.N("""{"metadata":{"labels":{"a":null,"b":"2"}},"spec":{"replicas":3}}""");
        var before = (target!.ToJsonString(), patch!.ToJsonString());
        var result = JsonMergePatch.Apply(target, patch);
        PatchJsonAssert.Same("""{"metadata":{"labels":{"b":"2"}},"spec":{"replicas":3}}""", result);
        Assert.Equal(before, (target.ToJsonString(), patch.ToJsonString()));
        PatchJsonAssert.Same("""{"a":{"b":1}}""", JsonMergePatch.Apply(null, PatchJsonAssert.N("""{"a":{"b":1,"c":null}}""")));
    }
}

public class JsonPatchTests
{
    private static JsonNode Apply(string doc, string ops) => JsonPatch.Apply(PatchJsonAssert.N(doc)!, PatchJsonAssert.A(ops));

    private static string Fails(string doc, string ops) =>
        Assert.Throws<PatchException>(() => JsonPatch.Apply(PatchJsonAssert.N(doc)!, PatchJsonAssert.A(ops))).Message;

    // RFC 6902 Appendix A.1 - A.16 (A.13, duplicate "op" members, is a JSON text matter: see ObjectDiffTests).
    [Theory]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"baz":"qux","foo":"bar"}""")]
    [InlineData("""{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("""{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""")]
    [InlineData("""{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""",
        """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("""{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""")]
    [InlineData("""{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""",
        """{"baz":"qux","foo":["a",2,"c"]}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux","xyz":123}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":10}]""", """{"/":9,"~1":10}""")]
    [InlineData("""{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""")]
    public void Rfc6902AppendixA(string doc, string ops, string expected) => PatchJsonAssert.Same(expected, Apply(doc, ops));

    [Fact]
    public void Rfc6902AppendixAErrors()
    {
        // A.9 testing a value: error
        Assert.Equal("testing value /baz failed: test failed", Fails("""{"baz":"qux"}""", """[{"op":"test","path":"/baz","value":"bar"}]"""));
        // A.12 adding to a nonexistent target
        Assert.Equal("add operation does not apply: doc is missing path: \"/baz/bat\": missing value",
            Fails("""{"foo":"bar"}""", """[{"op":"add","path":"/baz/bat","value":"qux"}]"""));
        // A.15 comparing strings and numbers
        Assert.Equal("testing value /~01 failed: test failed", Fails("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":"10"}]"""));
    }

    [Fact]
    public void KubernetesStyleMessages()
    {
        const string deploy = """{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""";
        Assert.Equal("add operation does not apply: doc is missing path: \"/spec/foo/bar\": missing value",
            Fails(deploy, """[{"op":"add","path":"/spec/foo/bar","value":1}]"""));
        Assert.Equal("remove operation does not apply: doc is missing path: \"/spec/foo/bar\": missing value",
            Fails(deploy, """[{"op":"remove","path":"/spec/foo/bar"}]"""));
        Assert.Equal("error in remove for path: '/spec/foo': Unable to remove nonexistent key: foo: missing value",
            Fails(deploy, """[{"op":"remove","path":"/spec/foo"}]"""));
        Assert.Equal("replace operation does not apply: doc is missing key: /spec/foo: missing value",
            Fails(deploy, """[{"op":"replace","path":"/spec/foo","value":1}]"""));
        Assert.Equal("testing value /spec/replicas failed: test failed",
            Fails(deploy, """[{"op":"test","path":"/spec/replicas","value":2}]"""));
        Assert.Equal("invalid JSON patch operation \"bogus\"", Fails(deploy, """[{"op":"bogus","path":"/spec"}]"""));
        Assert.Equal("invalid JSON patch operation: missing \"op\" field", Fails(deploy, """[{"path":"/spec"}]"""));
        Assert.Equal("error in add for path: '/spec/template/spec/containers/5': Unable to access invalid index: 5: invalid index referenced",
            Fails(deploy, """[{"op":"add","path":"/spec/template/spec/containers/5","value":{}}]"""));
        Assert.Equal("error in remove for path: '/spec/template/spec/containers/1': Unable to access invalid index: 1: invalid index referenced",
            Fails(deploy, """[{"op":"remove","path":"/spec/template/spec/containers/1"}]"""));
        Assert.Equal("add operation failed to decode path: missing value", Fails(deploy, """[{"op":"add","value":1}]"""));
        Assert.Equal("add operation, missing value field: missing value", Fails(deploy, """[{"op":"add","path":"/x"}]"""));
        Assert.Equal("move operation does not apply: doc is missing from path: /nope/x: missing value",
            Fails(deploy, """[{"op":"move","from":"/nope/x","path":"/y"}]"""));
        Assert.Equal("copy operation does not apply: doc is missing from path: /spec/nope: missing value",
            Fails(deploy, """[{"op":"copy","from":"/spec/nope","path":"/y"}]"""));
    }

    [Fact]
    public void ArrayIndicesFollowRfc6901()
    {
        PatchJsonAssert.Same("""{"a":[1,2,3]}""", Apply("""{"a":[1,2]}""", """[{"op":"add","path":"/a/2","value":3}]"""));
        PatchJsonAssert.Same("""{"a":[0,1,2]}""", Apply("""{"a":[1,2]}""", """[{"op":"add","path":"/a/0","value":0}]"""));
        PatchJsonAssert.Same("""{"a":[1,9]}""", Apply("""{"a":[1,2]}""", """[{"op":"replace","path":"/a/1","value":9}]"""));
        Assert.Contains("invalid index", Fails("""{"a":[1,2]}""", """[{"op":"add","path":"/a/-1","value":0}]"""));
        Assert.Contains("not a proper array index", Fails("""{"a":[1,2]}""", """[{"op":"add","path":"/a/01","value":0}]"""));
        Assert.Contains("not a proper array index", Fails("""{"a":[1,2]}""", """[{"op":"add","path":"/a/x","value":0}]"""));
        Assert.Contains("doc is missing key", Fails("""{"a":[1,2]}""", """[{"op":"replace","path":"/a/2","value":0}]"""));
        Assert.Contains("strconv.Atoi", Fails("""{"a":[1,2]}""", """[{"op":"remove","path":"/a/-"}]"""));
        // "-" is an ordinary key in an object
        PatchJsonAssert.Same("""{"a":{"-":1}}""", Apply("""{"a":{}}""", """[{"op":"add","path":"/a/-","value":1}]"""));
    }

    [Fact]
    public void PointerEscapes()
    {
        PatchJsonAssert.Same("""{"metadata":{"annotations":{"kubernetes.io/change-cause":"x","a~b":"y"}}}""",
            Apply("""{"metadata":{"annotations":{}}}""",
                """[{"op":"add","path":"/metadata/annotations/kubernetes.io~1change-cause","value":"x"},{"op":"add","path":"/metadata/annotations/a~0b","value":"y"}]"""));
        Assert.Equal(["a/b", "c~d", "~1", ""], JsonPatch.ParsePointer("/a~1b/c~0d/~01/"));
        Assert.Empty(JsonPatch.ParsePointer(""));
        Assert.Equal("a~0b~1c", JsonPatch.EscapeToken("a~b/c"));
        Assert.Contains("invalid JSON pointer", Fails("""{}""", """[{"op":"add","path":"a","value":1}]"""));
        Assert.Contains("invalid JSON pointer", Fails("""{}""", """[{"op":"add","path":"/a~2","value":1}]"""));
    }

    [Fact]
    public void CopyMoveAndRoot()
    {
        PatchJsonAssert.Same("""{"a":{"x":[1]},"b":{"x":[1]}}""", Apply("""{"a":{"x":[1]}}""", """[{"op":"copy","from":"/a","path":"/b"}]"""));
        // The copy is independent of its source.
        PatchJsonAssert.Same("""{"a":{"x":[1]},"b":{"x":[1,2]}}""",
            Apply("""{"a":{"x":[1]}}""", """[{"op":"copy","from":"/a","path":"/b"},{"op":"add","path":"/b/x/-","value":2}]"""));
        PatchJsonAssert.Same("""{"a":1}""", Apply("""{"a":1}""", """[{"op":"move","from":"/a","path":"/a"}]"""));
        Assert.Contains("proper prefix", Fails("""{"a":{"b":1}}""", """[{"op":"move","from":"/a","path":"/a/b/c"}]"""));
        PatchJsonAssert.Same("""{"x":1}""", Apply("""{"a":1}""", """[{"op":"replace","path":"","value":{"x":1}}]"""));
        PatchJsonAssert.Same("""{"x":1}""", Apply("""{"a":{"x":1}}""", """[{"op":"move","from":"/a","path":""}]"""));
        PatchJsonAssert.Same("""{"a":1}""", Apply("""{"a":1}""", """[{"op":"test","path":"","value":{"a":1}}]"""));
        Assert.Contains("root", Fails("""{"a":1}""", """[{"op":"remove","path":""}]"""));
    }

    [Fact]
    public void TestComparesStructurally()
    {
        const string doc = """{"n":1,"o":{"a":1,"b":[1,{"c":null}]},"s":"x","t":true,"z":null}""";
        PatchJsonAssert.Same(doc, Apply(doc, """
            [{"op":"test","path":"/n","value":1.0},{"op":"test","path":"/n","value":1e0},
             {"op":"test","path":"/o","value":{"b":[1,{"c":null}],"a":1}},
             {"op":"test","path":"/t","value":true},{"op":"test","path":"/z","value":null}]
            """));
        Assert.Contains("test failed", Fails(doc, """[{"op":"test","path":"/o/b","value":[{"c":null},1]}]"""));
        Assert.Contains("test failed", Fails(doc, """[{"op":"test","path":"/o","value":{"a":1}}]"""));
        Assert.Contains("test failed", Fails(doc, """[{"op":"test","path":"/missing","value":null}]"""));
        Assert.Contains("test failed", Fails(doc, """[{"op":"test","path":"/t","value":"true"}]"""));
    }

    [Fact]
    public void FailingPatchChangesNothing()
    {
        var doc = PatchJsonAssert.N("""{"spec":{"replicas":1}}""")!;
        var ops = PatchJsonAssert.A("""[{"op":"replace","path":"/spec/replicas","value":5},{"op":"test","path":"/spec/replicas","value":1}]""");
        Assert.Throws<PatchException>(() => JsonPatch.Apply(doc, ops));
        PatchJsonAssert.Same("""{"spec":{"replicas":1}}""", doc);
        var result = JsonPatch.Apply(doc, PatchJsonAssert.A("""[{"op":"replace","path":"/spec/replicas","value":5}]"""));
        PatchJsonAssert.Same("""{"spec":{"replicas":5}}""", result);
        PatchJsonAssert.Same("""{"spec":{"replicas":1}}""", doc);
    }
}

public class StrategicMergePatchTests
{
    private static JsonNode Smp(string original, string patch, string kind = "Deployment") =>
        StrategicMergePatch.Apply(PatchJsonAssert.N(original)!, PatchJsonAssert.O(patch), kind);

    private static string Fails(string original, string patch, string kind = "Deployment") =>
        Assert.Throws<PatchException>(() => Smp(original, patch, kind)).Message;

    private static string Deployment(string containers, string extra = "") =>
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"""
        + extra + """ "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":""" + containers + "}}}}";

    private static JsonNode? At(JsonNode node, string path) =>
        path.Split('.').Aggregate((JsonNode?)node, (n, p) => int.TryParse(p, out var i) ? n?[i] : n?[p]);

    private static string Names(JsonNode node, string path) =>
        string.Join(",", ((JsonArray)At(node, path)!).Select(c => c!["name"]!.GetValue<string>()));

    [Fact]
    public void KubectlApplyUpdatesImageAndReplicasKeepingPorts()
    {
        var original = Deployment("""[{"name":"nginx","image":"nginx:latest","ports":[{"containerPort":80}]}]""");
        var result = Smp(original, """
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"x"}},
             "spec":{"replicas":5,"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],
               "containers":[{"image":"nginx:stable","name":"nginx"}]}}}}
            """);
        PatchJsonAssert.Same("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","labels":{"app":"web"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"x"}},
             "spec":{"replicas":5,"selector":{"matchLabels":{"app":"web"}},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:stable","ports":[{"containerPort":80}]}]}}}}
            """, result);
    }

    [Fact]
    public void KubectlApplyRemovesLabelsAndPortsAddsEnvAndSidecarInOrder()
    {
        var original = Deployment("""[{"name":"nginx","image":"nginx:latest","ports":[{"containerPort":80}]}]""");
        var result = Smp(original, """
            {"metadata":{"labels":null},"spec":{"template":{"spec":{
              "$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],
              "containers":[{"env":[{"name":"FOO","value":"bar"}],"name":"nginx","ports":null},{"image":"busybox","name":"sidecar"}]}}}}
            """);
        PatchJsonAssert.Same("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
                {"name":"nginx","image":"nginx:latest","env":[{"name":"FOO","value":"bar"}]},
                {"name":"sidecar","image":"busybox"}]}}}}
            """, result);
    }

    [Fact]
    public void PatchDeleteRemovesListElementByMergeKey()
    {
        var original = Deployment("""[{"name":"a","image":"a"},{"name":"b","image":"b"},{"name":"c","image":"c"}]""");
        var result = Smp(original, """{"spec":{"template":{"spec":{"containers":[{"name":"b","$patch":"delete"}]}}}}""");
        Assert.Equal("a,c", Names(result, "spec.template.spec.containers"));
        // A delete of something absent is a no-op; a delete without the merge key is an error.
        result = Smp(original, """{"spec":{"template":{"spec":{"containers":[{"name":"zzz","$patch":"delete"}]}}}}""");
        Assert.Equal("a,b,c", Names(result, "spec.template.spec.containers"));
        Assert.Contains("does not contain declared merge key: name",
            Fails(original, """{"spec":{"template":{"spec":{"containers":[{"$patch":"delete"}]}}}}"""));
    }

    [Fact]
    public void PatchReplaceInListReplacesTheList()
    {
        var original = Deployment("""[{"name":"a","image":"a","ports":[{"containerPort":1}]},{"name":"b","image":"b"}]""");
        var result = Smp(original, """{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"a","image":"new"}]}}}}""");
        PatchJsonAssert.Same("""[{"name":"a","image":"new"}]""", At(result, "spec.template.spec.containers"));
        result = Smp(original, """{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"}]}}}}""");
        PatchJsonAssert.Same("[]", At(result, "spec.template.spec.containers"));
    }

    [Fact]
    public void PatchDirectivesInMaps()
    {
        var original = Deployment("""[{"name":"a","image":"a"}]""", """ "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}, """);
        var replaced = Smp(original, """{"spec":{"strategy":{"$patch":"replace","type":"Recreate"}}}""");
        PatchJsonAssert.Same("""{"type":"Recreate"}""", At(replaced, "spec.strategy"));
        // Kubernetes empties a map with "$patch": "delete" (handleDirectiveInMergeMap returns {}).
        var deleted = Smp(original, """{"spec":{"strategy":{"$patch":"delete"}}}""");
        PatchJsonAssert.Same("{}", At(deleted, "spec.strategy"));
        PatchJsonAssert.Same("{}", Smp(original, """{"$patch":"delete"}"""));
        Assert.StartsWith("unknown patch type: bogus in map: map[$patch:bogus type:x]",
            Fails(original, """{"spec":{"strategy":{"$patch":"bogus","type":"x"}}}"""));
    }

    [Fact]
    public void RetainKeysDropsUnlistedKeysAfterMerging()
    {
        var original = Deployment("""[{"name":"a","image":"a"}]""", """ "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}, """);
        var result = Smp(original, """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""");
        PatchJsonAssert.Same("""{"type":"Recreate"}""", At(result, "spec.strategy"));
        result = Smp(original, """{"spec":{"strategy":{"$retainKeys":["type","rollingUpdate"],"rollingUpdate":{"maxUnavailable":0}}}}""");
        PatchJsonAssert.Same("""{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}}""", At(result, "spec.strategy"));
        // Nulls need not be listed; a non-null key that is not listed is an error.
        result = Smp(original, """{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null}}}""");
        PatchJsonAssert.Same("""{"type":"RollingUpdate"}""", At(result, "spec.strategy"));
        Assert.Equal("invalid patch format of retainKeys", Fails(original, """{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}}"""));
        Assert.Equal("invalid patch format of retainKeys", Fails(original, """{"spec":{"strategy":{"$retainKeys":"type"}}}"""));
    }

    [Fact]
    public void FinalizersMergeAsASetAndDeleteFromPrimitiveList()
    {
        const string original = """{"metadata":{"name":"x","finalizers":["a","b"]},"data":{"k":"v"}}""";
        PatchJsonAssert.Same("""["a","b","c"]""", At(Smp(original, """{"metadata":{"finalizers":["b","c"]}}""", "ConfigMap"), "metadata.finalizers"));
        // Kubernetes' mergeSlice puts an element that is new ahead of the live ones when no $setElementOrder is given.
        PatchJsonAssert.Same("""["c","a","b"]""", At(Smp(original, """{"metadata":{"finalizers":["c"]}}""", "ConfigMap"), "metadata.finalizers"));
        PatchJsonAssert.Same("""["a","b","c"]""",
            At(Smp(original, """{"metadata":{"$setElementOrder/finalizers":["a","b","c"],"finalizers":["c"]}}""", "ConfigMap"), "metadata.finalizers"));
        PatchJsonAssert.Same("""["b"]""",
            At(Smp(original, """{"metadata":{"$deleteFromPrimitiveList/finalizers":["a","zzz"]}}""", "ConfigMap"), "metadata.finalizers"));
        PatchJsonAssert.Same("""["b","c"]""",
            At(Smp(original, """{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"],"finalizers":["c"],"$setElementOrder/finalizers":["b","c"]}}""", "ConfigMap"),
                "metadata.finalizers"));
        // A deletion list for a list that is not there adds nothing.
        var none = Smp("""{"metadata":{"name":"x"}}""", """{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}""", "ConfigMap");
        PatchJsonAssert.Same("""{"metadata":{"name":"x"}}""", none);
    }

    [Fact]
    public void DeleteFromPrimitiveListWorksOnReplaceListsToo()
    {
        var original = Deployment("""[{"name":"a","image":"a","args":["--x","--y","--z"]}]""");
        var result = Smp(original, """{"spec":{"template":{"spec":{"containers":[{"name":"a","$deleteFromPrimitiveList/args":["--y"]}]}}}}""");
        PatchJsonAssert.Same("""["--x","--z"]""", At(result, "spec.template.spec.containers.0.args"));
    }

    [Fact]
    public void EnvMergesByName()
    {
        var original = Deployment("""[{"name":"app","image":"app","env":[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"C","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}]""");
        var result = Smp(original, """
            {"spec":{"template":{"spec":{"containers":[{"name":"app","env":[
              {"name":"B","value":"two"},{"name":"C","value":"3","valueFrom":null},{"name":"A","$patch":"delete"},{"name":"D","value":"4"}]}]}}}}
            """);
        PatchJsonAssert.Same("""[{"name":"B","value":"two"},{"name":"C","value":"3"},{"name":"D","value":"4"}]""",
            At(result, "spec.template.spec.containers.0.env"));
        result = Smp(original, """
            {"spec":{"template":{"spec":{"containers":[{"name":"app",
              "$setElementOrder/env":[{"name":"A"},{"name":"B"},{"name":"C"},{"name":"D"}],"env":[{"name":"D","value":"4"}]}]}}}}
            """);
        Assert.Equal("A,B,C,D", Names(result, "spec.template.spec.containers.0.env"));
    }

    [Fact]
    public void ContainerPortsVolumeMountsAndVolumesMergeByTheirKeys()
    {
        var original = Deployment("""
            [{"name":"app","image":"app","ports":[{"containerPort":80,"name":"http"},{"containerPort":9090,"name":"metrics"}],
              "volumeMounts":[{"name":"data","mountPath":"/data"},{"name":"cfg","mountPath":"/etc/cfg"}]}]
            """);
        var result = Smp(original, """
            {"spec":{"template":{"spec":{
              "volumes":[{"name":"data","emptyDir":{}}],
              "containers":[{"name":"app",
                "ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":9090,"$patch":"delete"}],
                "volumeMounts":[{"mountPath":"/data","readOnly":true}]}]}}}}
            """);
        PatchJsonAssert.Same("""[{"containerPort":80,"name":"http","protocol":"TCP"}]""", At(result, "spec.template.spec.containers.0.ports"));
        PatchJsonAssert.Same("""[{"name":"data","mountPath":"/data","readOnly":true},{"name":"cfg","mountPath":"/etc/cfg"}]""",
            At(result, "spec.template.spec.containers.0.volumeMounts"));
        var withVolumes = Smp(result.ToJsonString(), """{"spec":{"template":{"spec":{"volumes":[{"name":"data","emptyDir":null,"hostPath":{"path":"/x"}},{"name":"more","emptyDir":{}}]}}}}""");
        PatchJsonAssert.Same("""[{"name":"data","hostPath":{"path":"/x"}},{"name":"more","emptyDir":{}}]""", At(withVolumes, "spec.template.spec.volumes"));
    }

    [Fact]
    public void OtherPodSpecListsByTheirKeysAndReplaceLists()
    {
        var original = Deployment("""[{"name":"app","image":"app","command":["a","b"],"envFrom":[{"configMapRef":{"name":"x"}}]}]""",
            """ "paused":false, """);
        var o = (JsonObject)PatchJsonAssert.N(original)!;
        var podSpec = (JsonObject)At(o, "spec.template.spec")!;
        podSpec["initContainers"] = PatchJsonAssert.N("""[{"name":"init","image":"i"}]""");
        podSpec["imagePullSecrets"] = PatchJsonAssert.N("""[{"name":"s1"}]""");
        podSpec["hostAliases"] = PatchJsonAssert.N("""[{"ip":"10.0.0.1","hostnames":["a"]}]""");
        podSpec["tolerations"] = PatchJsonAssert.N("""[{"key":"k1","operator":"Exists"},{"key":"k2","operator":"Exists"}]""");
        var result = StrategicMergePatch.Apply(o, PatchJsonAssert.O("""
            {"spec":{"template":{"spec":{
              "initContainers":[{"name":"init","image":"i2"}],
              "imagePullSecrets":[{"name":"s2"}],
              "hostAliases":[{"ip":"10.0.0.1","hostnames":["b"]}],
              "tolerations":[{"key":"k3","operator":"Exists"}],
              "containers":[{"name":"app","command":["c"],"envFrom":[{"secretRef":{"name":"y"}}]}]}}}}
            """), "Deployment");
        PatchJsonAssert.Same("""[{"name":"init","image":"i2"}]""", At(result, "spec.template.spec.initContainers"));
        PatchJsonAssert.Same("""[{"name":"s2"},{"name":"s1"}]""", At(result, "spec.template.spec.imagePullSecrets"));
        PatchJsonAssert.Same("""[{"ip":"10.0.0.1","hostnames":["b"]}]""", At(result, "spec.template.spec.hostAliases"));
        PatchJsonAssert.Same("""[{"key":"k3","operator":"Exists"}]""", At(result, "spec.template.spec.tolerations"));
        PatchJsonAssert.Same("""{"name":"app","image":"app","command":["c"],"envFrom":[{"secretRef":{"name":"y"}}]}""",
            At(result, "spec.template.spec.containers.0"));
    }

    [Fact]
    public void ListsWithoutMergeKeyAreReplacedAndKeyedListsNeedTheKey()
    {
        var original = Deployment("""[{"name":"a","image":"a"}]""", """ "selector2":{"matchExpressions":[{"key":"x","operator":"In","values":["1"]}]}, """);
        var result = Smp(original, """{"spec":{"selector2":{"matchExpressions":[{"key":"y","operator":"Exists"}]}}}""");
        PatchJsonAssert.Same("""[{"key":"y","operator":"Exists"}]""", At(result, "spec.selector2.matchExpressions"));
        Assert.Equal("map: map[image:b] does not contain declared merge key: name",
            Fails(original, """{"spec":{"template":{"spec":{"containers":[{"image":"b"}]}}}}"""));
        Assert.Equal("merging lists cannot yet be specified in the patch",
            Fails(original, """{"spec":{"template":{"spec":{"containers":[{"$patch":"merge"}]}}}}"""));
        Assert.StartsWith("unknown patch type: bogus in map:",
            Fails(original, """{"spec":{"template":{"spec":{"containers":[{"name":"a","$patch":"bogus"}]}}}}"""));
        Assert.Equal("list element types are not identical: [[map[image:a name:a]] [x]]",
            Fails(original, """{"spec":{"template":{"spec":{"containers":["x"]}}}}"""));
        Assert.Equal("lists of lists are not supported",
            Fails("""{"metadata":{"finalizers":[["a"]]}}""", """{"metadata":{"finalizers":[["b"]]}}""", "ConfigMap"));
    }

    [Fact]
    public void OrderFollowsKubernetesWithoutSetElementOrder()
    {
        var original = Deployment("""[{"name":"1"},{"name":"2","image":"b"},{"name":"3"}]""");
        // Kubernetes' "preserve the order from the patch in a merging list" cases.
        var all = Smp(original, """{"spec":{"template":{"spec":{"containers":[{"name":"3","image":"c"},{"name":"1","image":"a"},{"name":"2","args":["x"]}]}}}}""");
        Assert.Equal("3,1,2", Names(all, "spec.template.spec.containers"));
        PatchJsonAssert.Same("""{"name":"2","image":"b","args":["x"]}""", At(all, "spec.template.spec.containers.2"));
        var some = Smp(original, """{"spec":{"template":{"spec":{"containers":[{"name":"3","image":"c"},{"name":"1","image":"a"}]}}}}""");
        Assert.Equal("2,3,1", Names(some, "spec.template.spec.containers"));
        var added = Smp(original, """{"spec":{"template":{"spec":{"containers":[{"name":"4"}]}}}}""");
        Assert.Equal("4,1,2,3", Names(added, "spec.template.spec.containers"));
    }

    [Fact]
    public void SetElementOrderOrdersTheMergedList()
    {
        var original = Deployment("""[{"name":"a"},{"name":"b"},{"name":"c"}]""");
        var reordered = Smp(original, """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"},{"name":"b"}]}}}}""");
        Assert.Equal("c,a,b", Names(reordered, "spec.template.spec.containers"));
        // Elements not named keep their live position relative to the named ones.
        var partial = Smp(original, """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"}]}}}}""");
        Assert.Equal("b,c,a", Names(partial, "spec.template.spec.containers"));
        var withNew = Smp(original, """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"d"},{"name":"c"}],
              "containers":[{"name":"d","image":"d"},{"name":"b","$patch":"delete"}]}}}}
            """);
        Assert.Equal("a,d,c", Names(withNew, "spec.template.spec.containers"));
        // Names in the order list that exist nowhere are ignored.
        var ghost = Smp(original, """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"z"},{"name":"b"}],"containers":[{"name":"b","image":"x"}]}}}}""");
        Assert.Equal("a,b,c", Names(ghost, "spec.template.spec.containers"));
        Assert.StartsWith("the order in patch list:",
            Fails(original, """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"b"},{"name":"a"}]}}}}"""));
        Assert.Equal("invalid patch format of setElementOrder list",
            Fails(original, """{"spec":{"template":{"spec":{"$setElementOrderX":[]}}}}"""));
        // A list that is new, ordered.
        var fresh = Smp("""{"metadata":{"name":"p"},"spec":{}}""", """
            {"spec":{"$setElementOrder/containers":[{"name":"x"},{"name":"y"}],"containers":[{"name":"x","image":"x"},{"name":"y","image":"y"}]}}
            """, "Pod");
        Assert.Equal("x,y", Names(fresh, "spec.containers"));
    }

    [Fact]
    public void DirectivesNeverReachTheResult()
    {
        var original = Deployment("""[{"name":"a","image":"a"}]""");
        var result = Smp(original, """
            {"spec":{"template":{"spec":{
              "containers":[{"name":"new","image":"n","$setElementOrder/env":[{"name":"X"}],"$retainKeys":["name"],
                              "$deleteFromPrimitiveList/args":["q"],"env":[{"name":"X","value":"1"},{"name":"Y","$patch":"delete"}],"resources":null},
                            {"name":"a","securityContext":{"$patch":"replace","runAsUser":1}}],
              "affinity":{"$patch":"replace","nodeAffinity":{"x":1}},
              "dnsConfig":{"$patch":"delete"},
              "overhead":{"cpu":"1","memory":null}}}}}
            """);
        var text = result.ToJsonString();
        Assert.DoesNotContain("$", text);
        Assert.DoesNotContain("null", text);
        PatchJsonAssert.Same("""{"name":"new","image":"n","env":[{"name":"X","value":"1"}]}""", At(result, "spec.template.spec.containers.0"));
        PatchJsonAssert.Same("""{"name":"a","image":"a","securityContext":{"runAsUser":1}}""", At(result, "spec.template.spec.containers.1"));
        PatchJsonAssert.Same("""{"nodeAffinity":{"x":1}}""", At(result, "spec.template.spec.affinity"));
        Assert.Null(At(result, "spec.template.spec.dnsConfig"));
        PatchJsonAssert.Same("""{"cpu":"1"}""", At(result, "spec.template.spec.overhead"));
    }

    [Fact]
    public void ServicePortsMergeByPort()
    {
        const string svc = """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
             "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080},{"name":"https","port":443,"targetPort":8443}]}}
            """;
        var result = Smp(svc, """{"spec":{"ports":[{"port":80,"targetPort":9090},{"port":8081,"name":"alt"},{"port":443,"$patch":"delete"}]}}""", "Service");
        PatchJsonAssert.Same("""[{"name":"http","port":80,"targetPort":9090},{"port":8081,"name":"alt"}]""", At(result, "spec.ports"));
        // Merge keys compare numerically, so 80.0 finds 80.
        result = Smp(svc, """{"spec":{"ports":[{"port":80.0,"name":"web"}]}}""", "Service");
        Assert.Equal(2, ((JsonArray)At(result, "spec.ports")!).Count);
        Assert.Equal("web", At(result, "spec.ports.0.name")!.GetValue<string>());
    }

    [Fact]
    public void ConditionsMergeByType()
    {
        const string pod = """
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i"}]},
             "status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"False"}],
                       "podIPs":[{"ip":"10.0.0.1"}]}}
            """;
        var result = Smp(pod, """
            {"status":{"phase":"Running","$setElementOrder/conditions":[{"type":"PodScheduled"},{"type":"Ready"},{"type":"Initialized"}],
              "conditions":[{"type":"Ready","status":"True"},{"type":"Initialized","status":"True"}]}}
            """, "Pod");
        PatchJsonAssert.Same("""[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"True"},{"type":"Initialized","status":"True"}]""",
            At(result, "status.conditions"));
        Assert.Equal("Running", At(result, "status.phase")!.GetValue<string>());
        // Pod: the pod spec is "spec" itself.
        var spec = Smp(pod, """{"spec":{"containers":[{"name":"c","image":"j"}]}}""", "Pod");
        PatchJsonAssert.Same("""[{"name":"c","image":"j"}]""", At(spec, "spec.containers"));

        const string deploy = """{"metadata":{"name":"d"},"status":{"conditions":[{"type":"Available","status":"False"},{"type":"Progressing","status":"True"}]}}""";
        foreach (var kind in new[] { "Deployment", "ReplicaSet" })
        {
            var d = Smp(deploy, """{"status":{"conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"}]}}""", kind);
            PatchJsonAssert.Same("""[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"},{"type":"Progressing","status":"True"}]""",
                At(d, "status.conditions"));
        }

        const string node = """
            {"metadata":{"name":"n"},"status":{"conditions":[{"type":"Ready","status":"False"}],
             "addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n"}]}}
            """;
        var n = Smp(node, """{"status":{"conditions":[{"type":"Ready","status":"True"}],"addresses":[{"type":"InternalIP","address":"10.0.0.2"}]}}""", "Node");
        PatchJsonAssert.Same("""[{"type":"Ready","status":"True"}]""", At(n, "status.conditions"));
        PatchJsonAssert.Same("""[{"type":"InternalIP","address":"10.0.0.2"},{"type":"Hostname","address":"n"}]""", At(n, "status.addresses"));
    }

    [Fact]
    public void OwnerReferencesMergeByUidAndReplicaSetTemplate()
    {
        const string rs = """
            {"metadata":{"name":"rs","ownerReferences":[{"uid":"u1","name":"d1","kind":"Deployment"}]},
             "spec":{"template":{"spec":{"containers":[{"name":"c","image":"i","env":[{"name":"A","value":"1"}]}]}}}}
            """;
        var result = Smp(rs, """
            {"metadata":{"ownerReferences":[{"uid":"u1","controller":true},{"uid":"u2","name":"d2","kind":"Deployment"}]},
             "spec":{"template":{"spec":{"containers":[{"name":"c","env":[{"name":"B","value":"2"}]}]}}}}
            """, "ReplicaSet");
        PatchJsonAssert.Same("""[{"uid":"u1","name":"d1","kind":"Deployment","controller":true},{"uid":"u2","name":"d2","kind":"Deployment"}]""",
            At(result, "metadata.ownerReferences"));
        Assert.Equal("B,A", Names(result, "spec.template.spec.containers.0.env"));
    }

    [Fact]
    public void ConfigMapSecretNamespaceAndMapBasics()
    {
        var cm = Smp("""{"metadata":{"name":"c","labels":{"a":"1"}},"data":{"x":"1","y":"2"}}""",
            """{"metadata":{"labels":{"b":"2"}},"data":{"x":null,"z":"3","nothere":null}}""", "configmap");
        PatchJsonAssert.Same("""{"metadata":{"name":"c","labels":{"a":"1","b":"2"}},"data":{"y":"2","z":"3"}}""", cm);
        var secret = Smp("""{"metadata":{"name":"s"},"type":"Opaque","data":{"k":"dg=="}}""", """{"data":{"k":"dw=="},"type":"x"}""", "Secret");
        PatchJsonAssert.Same("""{"metadata":{"name":"s"},"type":"x","data":{"k":"dw=="}}""", secret);
        // Values of another type replace; a map replaces a string and a list replaces a map.
        var mixed = Smp("""{"a":"s","b":{"x":1},"c":[1],"d":null}""", """{"a":{"k":1,"n":null},"b":[1],"c":"x","d":{"e":1}}""", "Namespace");
        PatchJsonAssert.Same("""{"a":{"k":1},"b":[1],"c":"x","d":{"e":1}}""", mixed);
        var ev = Smp("""{"metadata":{"name":"e"},"count":1,"involvedObject":{"kind":"Pod","name":"p"}}""", """{"count":2,"involvedObject":{"uid":"u"}}""", "Event");
        PatchJsonAssert.Same("""{"metadata":{"name":"e"},"count":2,"involvedObject":{"kind":"Pod","name":"p","uid":"u"}}""", ev);
    }

    [Fact]
    public void InputsAreNotModified()
    {
        var original = PatchJsonAssert.N(Deployment("""[{"name":"a","image":"a","env":[{"name":"A","value":"1"}]}]"""))!;
        var patch = PatchJsonAssert.O("""
            {"metadata":{"labels":null},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],
              "containers":[{"name":"a","env":[{"name":"A","$patch":"delete"}]},{"name":"b","image":"b"}]}}}}
            """);
        var before = (original.ToJsonString(), patch.ToJsonString());
        var result = StrategicMergePatch.Apply(original, patch, "Deployment");
        Assert.Equal(before, (original.ToJsonString(), patch.ToJsonString()));
        Assert.Equal("a,b", Names(result, "spec.template.spec.containers"));
        PatchJsonAssert.Same("[]", At(result, "spec.template.spec.containers.0.env"));
        // The result is independent: changing it changes neither input.
        ((JsonObject)result)["spec"]!["replicas"] = 9;
        Assert.Equal(before, (original.ToJsonString(), patch.ToJsonString()));
    }

    [Fact]
    public void OriginalMustBeAnObject() =>
        Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(PatchJsonAssert.N("[1]")!, new JsonObject(), "Pod"));
}

public class ObjectDiffTests
{
    [Fact]
    public void UnknownFieldsAreThoseTheModelDropped()
    {
        var original = PatchJsonAssert.N("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","bogus":null},
             "spec":{"replicass":3,"replicas":1,"paused":null,
              "template":{"spec":{"containers":[{"name":"a","imagee":"x","ports":[{"containerPort":80,"hostPortt":1}]},{"name":"b"}],
                                  "extra":{"deep":{"deeper":1}}}}}}
            """)!;
        var roundTripped = PatchJsonAssert.N("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
             "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80}]},{"name":"b"}]}}}}
            """)!;
        Assert.Equal(
            ["spec.replicass", "spec.template.spec.containers[0].imagee", "spec.template.spec.containers[0].ports[0].hostPortt", "spec.template.spec.extra"],
            ObjectDiff.UnknownFields(original, roundTripped));
        Assert.Empty(ObjectDiff.UnknownFields(roundTripped, roundTripped));
    }

    [Fact]
    public void UnknownFieldsToleratesValuesThatChangeShape()
    {
        // An int-or-string or quantity may come back as another JSON type; that is not an unknown field.
        var original = PatchJsonAssert.N("""{"spec":{"maxSurge":{"weird":1},"list":[{"a":1}],"resources":{"cpu":1}}}""")!;
        var roundTripped = PatchJsonAssert.N("""{"spec":{"maxSurge":"25%","list":"x","resources":{"cpu":"1"}}}""")!;
        Assert.Empty(ObjectDiff.UnknownFields(original, roundTripped));
    }

    [Fact]
    public void DuplicateFieldsAreFoundWithTheirPaths()
    {
        Assert.Empty(ObjectDiff.DuplicateFields("""{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}"""));
        Assert.Equal(["metadata.name"], ObjectDiff.DuplicateFields("""{"metadata":{"name":"a","name":"b"}}"""));
        Assert.Equal(["spec.template.spec.containers[1].image", "kind"], ObjectDiff.DuplicateFields("""
            {"kind":"Deployment","spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y","image":"z","image":"w"}]}}},
             "kind":"Deployment"}
            """));
        Assert.Equal(["[1].b"], ObjectDiff.DuplicateFields("""[{"b":1},{"b":1,"b":2},3,[{"b":1}]]"""));
        Assert.Equal(["x[0][1].k"], ObjectDiff.DuplicateFields("""{"x":[[1,{"k":1,"k":2}]]}"""));
        // RFC 6902 A.13: a patch operation with two "op" members is invalid.
        Assert.Equal(["[0].op"], ObjectDiff.DuplicateFields("""[{"op":"add","path":"/baz","value":"qux","op":"remove"}]"""));
        Assert.Empty(ObjectDiff.DuplicateFields("\"just a string\""));
        Assert.ThrowsAny<JsonException>(() => ObjectDiff.DuplicateFields("""{"a":"""));
    }
}

/// <summary>
/// Cases from Kubernetes' own strategicpatch tests (patch_test.go), applied to a ConfigMap's metadata with
/// mergingList as ownerReferences (merge key uid instead of name), mergingIntList as finalizers and
/// nonMergingList as managedFields.
/// </summary>
public class StrategicMergePatchKubernetesFixtureTests
{
    [Theory]
    // nested patch merge with empty list: two-way and three-way
    [InlineData("""{}""", """{"ownerReferences":[{"uid":"hello"},{"$patch":"delete","uid":"doesntexist"}]}""", """{"ownerReferences":[{"uid":"hello"}]}""")]
    [InlineData("""{"ownerReferences":[{"uid":"hello2"}]}""",
        """{"$setElementOrder/ownerReferences":[{"uid":"hello"},{"uid":"doesntexist"}],"ownerReferences":[{"uid":"hello"},{"$patch":"delete","uid":"doesntexist"}]}""",
        """{"ownerReferences":[{"uid":"hello"},{"uid":"hello2"}]}""")]
    // delete items in lists of scalars
    [InlineData("""{"finalizers":[1,2,3]}""", """{"$setElementOrder/finalizers":[1,2],"$deleteFromPrimitiveList/finalizers":[3]}""", """{"finalizers":[1,2]}""")]
    [InlineData("""{"finalizers":[1,2,3,4]}""", """{"$setElementOrder/finalizers":[1,2],"$deleteFromPrimitiveList/finalizers":[3]}""", """{"finalizers":[1,2,4]}""")]
    // delete all duplicate items in lists of scalars
    [InlineData("""{"finalizers":[1,2,3,3,4]}""", """{"$setElementOrder/finalizers":[1,2],"$deleteFromPrimitiveList/finalizers":[3]}""", """{"finalizers":[1,2,4]}""")]
    // add and delete items in lists of scalars
    [InlineData("""{"finalizers":[1,2,3]}""", """{"$setElementOrder/finalizers":[1,2,4],"$deleteFromPrimitiveList/finalizers":[3],"finalizers":[4]}""", """{"finalizers":[1,2,4]}""")]
    [InlineData("""{"finalizers":[1,2,3,4]}""", """{"$setElementOrder/finalizers":[1,2,4],"$deleteFromPrimitiveList/finalizers":[3]}""", """{"finalizers":[1,2,4]}""")]
    // merge lists of maps
    [InlineData("""{"ownerReferences":[{"uid":1},{"uid":2,"value":2}]}""",
        """{"$setElementOrder/ownerReferences":[{"uid":4},{"uid":1},{"uid":2},{"uid":3}],"ownerReferences":[{"uid":4,"value":4},{"uid":3,"value":3}]}""",
        """{"ownerReferences":[{"uid":4,"value":4},{"uid":1},{"uid":2,"value":2},{"uid":3,"value":3}]}""")]
    [InlineData("""{"ownerReferences":[{"uid":1,"other":"a"},{"uid":2,"value":2,"other":"b"}]}""",
        """{"$setElementOrder/ownerReferences":[{"uid":4},{"uid":1},{"uid":2},{"uid":3}],"ownerReferences":[{"uid":4,"value":4},{"uid":3,"value":3}]}""",
        """{"ownerReferences":[{"uid":4,"value":4},{"uid":1,"other":"a"},{"uid":2,"value":2,"other":"b"},{"uid":3,"value":3}]}""")]
    // merge lists of maps with conflict (three-way)
    [InlineData("""{"ownerReferences":[{"uid":1,"other":"a"},{"uid":2,"value":3,"other":"b"}]}""",
        """{"$setElementOrder/ownerReferences":[{"uid":1},{"uid":2},{"uid":3}],"ownerReferences":[{"uid":2,"value":2},{"uid":3,"value":3}]}""",
        """{"ownerReferences":[{"uid":1,"other":"a"},{"uid":2,"value":2,"other":"b"},{"uid":3,"value":3}]}""")]
    // add field to map in merging list with conflict (three-way)
    [InlineData("""{"ownerReferences":[{"uid":1,"other":"a"},{"uid":3,"value":2,"other":"b"}]}""",
        """{"$setElementOrder/ownerReferences":[{"uid":1},{"uid":2}],"ownerReferences":[{"uid":1,"value":1},{"uid":2,"value":2}]}""",
        """{"ownerReferences":[{"uid":1,"value":1,"other":"a"},{"uid":2,"value":2},{"uid":3,"value":2,"other":"b"}]}""")]
    // delete map from merging list; delete missing map from merging list
    [InlineData("""{"ownerReferences":[{"uid":1},{"uid":2,"other":"b"}]}""",
        """{"$setElementOrder/ownerReferences":[{"uid":2}],"ownerReferences":[{"uid":1,"$patch":"delete"}]}""", """{"ownerReferences":[{"uid":2,"other":"b"}]}""")]
    [InlineData("""{"ownerReferences":[{"uid":2,"other":"b"}]}""",
        """{"$setElementOrder/ownerReferences":[{"uid":2}],"ownerReferences":[{"uid":1,"$patch":"delete"}]}""", """{"ownerReferences":[{"uid":2,"other":"b"}]}""")]
    // delete all maps from merging list
    [InlineData("""{"ownerReferences":[{"uid":1,"other":"a"},{"uid":2,"other":"b"}]}""",
        """{"ownerReferences":[{"uid":1,"$patch":"delete"},{"uid":2,"$patch":"delete"}]}""", """{"ownerReferences":[]}""")]
    // $setElementOrder contains an item that is not present in the list to be merged (maps and ints)
    [InlineData("""{"ownerReferences":[{"uid":1},{"uid":3}]}""",
        """{"$setElementOrder/ownerReferences":[{"uid":3},{"uid":2},{"uid":1}],"ownerReferences":[{"uid":3,"value":3},{"uid":1,"value":1}]}""",
        """{"ownerReferences":[{"uid":3,"value":3},{"uid":1,"value":1}]}""")]
    [InlineData("""{"finalizers":[1,3]}""", """{"$setElementOrder/finalizers":[3,2,1]}""", """{"finalizers":[3,1]}""")]
    // unique scalars when merging lists; preserve the order from the patch in merging lists
    [InlineData("""{"finalizers":[1,2]}""", """{"finalizers":[2,3]}""", """{"finalizers":[1,2,3]}""")]
    [InlineData("""{"finalizers":[1,2,3]}""", """{"finalizers":[3,1,2]}""", """{"finalizers":[3,1,2]}""")]
    [InlineData("""{"finalizers":[1,2,3]}""", """{"finalizers":[3,1]}""", """{"finalizers":[2,3,1]}""")]
    [InlineData("""{"ownerReferences":[{"uid":1},{"uid":2,"value":"b"},{"uid":3}]}""",
        """{"ownerReferences":[{"uid":3,"value":"c"},{"uid":1,"value":"a"}]}""",
        """{"ownerReferences":[{"uid":2,"value":"b"},{"uid":3,"value":"c"},{"uid":1,"value":"a"}]}""")]
    // delete all items from merging list; merge empty merging lists; delete all duplicate entries
    [InlineData("""{"ownerReferences":[{"uid":1},{"uid":2}]}""", """{"ownerReferences":[{"$patch":"replace"}]}""", """{"ownerReferences":[]}""")]
    [InlineData("""{"ownerReferences":[]}""", """{"ownerReferences":[]}""", """{"ownerReferences":[]}""")]
    [InlineData("""{"ownerReferences":[{"uid":1},{"uid":1},{"uid":2,"value":"a"},{"uid":3},{"uid":3}]}""",
        """{"ownerReferences":[{"uid":1,"$patch":"delete"},{"uid":3,"$patch":"delete"}]}""", """{"ownerReferences":[{"uid":2,"value":"a"}]}""")]
    // $deleteFromPrimitiveList of a missing item, on an empty list, on a missing list, on a non-merging list
    [InlineData("""{"finalizers":[1,2]}""", """{"$deleteFromPrimitiveList/finalizers":[3]}""", """{"finalizers":[1,2]}""")]
    [InlineData("""{"finalizers":[]}""", """{"$deleteFromPrimitiveList/finalizers":[3]}""", """{"finalizers":[]}""")]
    [InlineData("""{"foo":["bar"]}""", """{"$deleteFromPrimitiveList/finalizers":[3]}""", """{"foo":["bar"]}""")]
    [InlineData("""{"managedFields":[1,2,3]}""", """{"$deleteFromPrimitiveList/managedFields":[2]}""", """{"managedFields":[1,3]}""")]
    // a non-merging list is replaced
    [InlineData("""{"managedFields":[{"name":1},{"name":2}]}""", """{"managedFields":[{"name":3}]}""", """{"managedFields":[{"name":3}]}""")]
    public void AppliesLikeKubernetes(string metadata, string patch, string expected) =>
        PatchJsonAssert.Same($$"""{"metadata":{{expected}}}""",
            StrategicMergePatch.Apply(PatchJsonAssert.N($$"""{"metadata":{{metadata}}}""")!, PatchJsonAssert.O($$"""{"metadata":{{patch}}}"""), "ConfigMap"));

    [Theory]
    [InlineData("""{"ownerReferences":[{"uid":1},{"uid":3},{"uid":2}]}""",
        """{"$setElementOrder/ownerReferences":[{"uid":1},{"uid":2},{"uid":3}],"ownerReferences":[{"uid":3,"value":3},{"uid":1,"value":1}]}""", "doesn't match")]
    [InlineData("""{"finalizers":[1,3,2]}""", """{"$setElementOrder/finalizers":[1,2,3],"finalizers":[3,1]}""", "doesn't match")]
    [InlineData("""{"ownerReferences":[{"uid":1,"value":"a"}]}""", """{"ownerReferences":[{"value":"b"}]}""", "does not contain declared merge key")]
    public void FailsLikeKubernetes(string metadata, string patch, string error) =>
        Assert.Contains(error, Assert.Throws<PatchException>(() =>
            StrategicMergePatch.Apply(PatchJsonAssert.N($$"""{"metadata":{{metadata}}}""")!, PatchJsonAssert.O($$"""{"metadata":{{patch}}}"""), "ConfigMap")).Message);

    [Theory]
    [InlineData("""{"a":1,"b":{"c":2,"d":{"e":3}}}""", """{"a":null,"b":{"c":5,"d":{"f":1,"e":null}},"g":{"h":null,"i":1}}""")]
    [InlineData("""{"data":{"k":"v"},"metadata":{"labels":{"x":"y"}}}""", """{"data":null,"metadata":{"labels":{"x":"z"}}}""")]
    [InlineData("""{"a":"s"}""", """{"a":{"b":{"c":null}}}""")]
    public void WithoutListsOrDirectivesItIsAJsonMergePatch(string original, string patch) =>
        PatchJsonAssert.Same(PatchJsonAssert.Canon(JsonMergePatch.Apply(PatchJsonAssert.N(original), PatchJsonAssert.N(patch))),
            StrategicMergePatch.Apply(PatchJsonAssert.N(original)!, PatchJsonAssert.O(patch), "ConfigMap"));
}

public class ObjectDiffRoundTripTests
{
    [Fact]
    public void UnknownFieldsOfADeploymentRoundTrippedThroughTheTypedModel()
    {
        const string json = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"d"},"annotations":{}},
             "spec":{"replicass":3,"replicas":2,"selector":{"matchLabels":{"app":"d"}},
              "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":0}},
              "template":{"metadata":{"labels":{"app":"d"}},
               "spec":{"containers":[{"name":"c","image":"nginx","imagee":"x","resources":{},"securityContext":{},
                 "ports":[{"containerPort":80,"protocol":"TCP"}],"env":[{"name":"A","value":"1","valu":"2"}]}],
                "volumes":[{"name":"v","emptyDir":{}}]}}}}
            """;
        var model = k8s.KubernetesJson.Deserialize<k8s.Models.V1Deployment>(json);
        var roundTripped = JsonNode.Parse(k8s.KubernetesJson.Serialize(model))!;
        Assert.Equal(["spec.replicass", "spec.template.spec.containers[0].imagee", "spec.template.spec.containers[0].env[0].valu"],
            ObjectDiff.UnknownFields(JsonNode.Parse(json)!, roundTripped));
    }
}

public class PatchingCodeBuiltNodeTests
{
    [Fact]
    public void NodesBuiltInCodeBehaveLikeParsedOnes()
    {
        // Values backed by CLR ints and strings (not JsonElements) compare by value with parsed ones.
        var original = JsonSerializer.SerializeToNode(new
        {
            metadata = new { name = "s", finalizers = new[] { "a" } },
            spec = new { ports = new[] { new { port = 80, targetPort = 8080 } } },
        })!;
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray("a", "b") },
            ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["name"] = "http" }) },
        };
        var result = StrategicMergePatch.Apply(original, patch, "Service");
        PatchJsonAssert.Same("""{"metadata":{"name":"s","finalizers":["a","b"]},"spec":{"ports":[{"port":80,"targetPort":8080,"name":"http"}]}}""", result);

        var doc = new JsonObject { ["a"] = new JsonArray(1, 2), ["s"] = "x" };
        var ops = new JsonArray(
            new JsonObject { ["op"] = "test", ["path"] = "/a/1", ["value"] = 2.0 },
            new JsonObject { ["op"] = "test", ["path"] = "/s", ["value"] = "x" },
            new JsonObject { ["op"] = "add", ["path"] = "/a/-", ["value"] = 3 });
        PatchJsonAssert.Same("""{"a":[1,2,3],"s":"x"}""", JsonPatch.Apply(doc, ops));
        PatchJsonAssert.Same("""{"a":{"b":1}}""", JsonMergePatch.Apply(new JsonObject { ["a"] = "x" }, new JsonObject { ["a"] = new JsonObject { ["b"] = 1, ["c"] = null } }));
    }
}
