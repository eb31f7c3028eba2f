using System.Text.Json.Nodes;

namespace Cluster.Interfaces.Api;

/// <summary>YAML to JSON without a model type (server-side apply bodies, custom objects in manifests).</summary>
public static class YamlJson
{
    /// <summary>The first document of a YAML text as JSON, scalars typed as YAML 1.1 core types (quoted ones stay strings).</summary>
    public static JsonObject ToJsonObject(string yaml)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(yaml));
        return (JsonObject)Convert(stream.Documents[0].RootNode)!;

        static JsonNode? Convert(YamlDotNet.RepresentationModel.YamlNode n) => n switch
        {
            YamlDotNet.RepresentationModel.YamlMappingNode m => new JsonObject(m.Children.Select(kv =>
                KeyValuePair.Create(((YamlDotNet.RepresentationModel.YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
            YamlDotNet.RepresentationModel.YamlSequenceNode s => new JsonArray(s.Children.Select(Convert).ToArray()),
            YamlDotNet.RepresentationModel.YamlScalarNode sc => Scalar(sc),
            _ => null,
        };

        static JsonNode? Scalar(YamlDotNet.RepresentationModel.YamlScalarNode s)
        {
            var v = s.Value;
            if (s.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted or YamlDotNet.Core.ScalarStyle.Literal or YamlDotNet.Core.ScalarStyle.Folded) return JsonValue.Create(v);
            if (v is null or "null" or "~" or "") return null;
            if (v is "true" or "True") return JsonValue.Create(true);
            if (v is "false" or "False") return JsonValue.Create(false);
            if (long.TryParse(v, out var l)) return JsonValue.Create(l);
            if (double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && v.Any(char.IsDigit) && !v.Contains(':')) return JsonValue.Create(d);
            return JsonValue.Create(v);
        }
    }
}
