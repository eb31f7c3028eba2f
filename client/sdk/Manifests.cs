using System.Text.Json.Nodes;
using Cluster.Interfaces.Api;
using k8s;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cluster.Client;

/// <summary>One object from a manifest: its kind, identity and JSON, and where it came from (for messages).</summary>
public sealed record Manifest(KindInfo Kind, string? Namespace, string Name, string Json, string Source);

/// <summary>A manifest that cannot be used; Message says what and where, in one line.</summary>
public sealed class ManifestException(string message) : Exception(message);

/// <summary>
/// Multi-document YAML (or JSON) to typed Kubernetes objects, through KubernetesClient's models and YAML
/// deserializer (strict: unknown fields are errors, as kubectl's default validation makes them).
/// </summary>
public static class Manifests
{
    public static IReadOnlyList<Manifest> Parse(string text, string source)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            throw new ManifestException($"error parsing {source}: error converting YAML to JSON: yaml: line {e.Start.Line}: {FirstLine(e.Message)}");
        }
        var result = new List<Manifest>();
        var index = 0;
        foreach (var doc in stream.Documents)
        {
            index++;
            if (doc.RootNode is YamlScalarNode { Value: null or "" } || doc.RootNode is YamlMappingNode { Children.Count: 0 }) continue;
            var where = stream.Documents.Count > 1 ? $"{source} (document {index}, line {doc.RootNode.Start.Line})" : source;
            if (doc.RootNode is not YamlMappingNode map)
                throw new ManifestException($"error parsing {where}: a Kubernetes object must be a mapping with apiVersion and kind");
            if (map.Children.TryGetValue(new YamlScalarNode("kind"), out var kindNode) && (kindNode as YamlScalarNode)?.Value == "List"
                && map.Children.TryGetValue(new YamlScalarNode("items"), out var items) && items is YamlSequenceNode seq)
            {
                foreach (var item in seq.Children)
                    result.Add(One(Serialize(item), where));
                continue;
            }
            result.Add(One(Serialize(map), where));
        }
        if (result.Count == 0) throw new ManifestException($"error: no objects passed to apply ({source} holds no Kubernetes object)");
        return result;
    }

    static string Serialize(YamlNode node)
    {
        var s = new YamlStream(new YamlDocument(node));
        var w = new StringWriter();
        s.Save(w, assignAnchors: false);
        return w.ToString();
    }

    static Manifest One(string yaml, string where)
    {
        var probe = new YamlStream();
        probe.Load(new StringReader(yaml));
        var map = (YamlMappingNode)probe.Documents[0].RootNode;
        string? Scalar(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var n) ? (n as YamlScalarNode)?.Value : null;
        var apiVersion = Scalar("apiVersion");
        var kindName = Scalar("kind");
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kindName))
            throw new ManifestException($"error validating {where}: error validating data: [{(string.IsNullOrEmpty(apiVersion) ? "apiVersion not set" : "")}{(string.IsNullOrEmpty(apiVersion) && string.IsNullOrEmpty(kindName) ? ", " : "")}{(string.IsNullOrEmpty(kindName) ? "kind not set" : "")}]");
        var kind = Kinds.ByManifest(apiVersion, kindName)
            ?? throw new ManifestException($"error: resource mapping not found for kind \"{kindName}\" in version \"{apiVersion}\" ({where}): ensure the kind is one this cluster serves: {string.Join(", ", Kinds.All.Select(k => k.Kind))}");
        object obj;
        try { obj = Deserialize(kind, yaml); }
        catch (Exception e) when (e is YamlException or FormatException or InvalidCastException or System.Text.Json.JsonException)
        {
            var line = e is YamlException ye ? $" line {ye.Start.Line}:" : "";
            var why = FirstLine(e.GetBaseException().Message);
            if (why.Contains("fraction")) why = $"invalid resource quantity ({why}): quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
            throw new ManifestException($"error validating {where}: {kind.Kind}{line} {why}");
        }
        var json = KubernetesJson.Serialize(obj);
        var meta = JsonNode.Parse(json)!["metadata"];
        var name = (string?)meta?["name"];
        if (string.IsNullOrEmpty(name))
            throw new ManifestException($"error validating {where}: {kind.Kind} has no metadata.name (metadata.name: Required value)");
        return new Manifest(kind, (string?)meta?["namespace"], name, json, where);
    }

    static object Deserialize(KindInfo kind, string yaml)
    {
        // A custom kind has no .NET model: its YAML becomes JSON as written (the server validates it against the schema).
        if (kind.IsCustom) return KubernetesJson.Deserialize<CustomObject>(YamlJson.ToJsonObject(yaml).ToJsonString());
        var method = typeof(KubernetesYaml).GetMethods()
            .First(m => m.Name == "Deserialize" && m.IsGenericMethod && m.GetParameters() is [{ ParameterType: var p0 }, { ParameterType: var p1 }] && p0 == typeof(string) && p1 == typeof(bool));
        try { return method.MakeGenericMethod(kind.ModelType).Invoke(null, [yaml, true])!; }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException != null) { throw e.InnerException; }
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
