using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Interfaces.Api;

namespace Cluster.Silo.Api;

/// <summary>
/// OpenAPI v3: an index of group-versions and, per group-version, the paths with a PATCH operation per kind that
/// takes fieldValidation, which is what lets kubectl's default (Strict) validation hand validation to the server.
/// </summary>
public static class OpenApi
{
    static string GvPath(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    public static string Index()
    {
        var paths = new JsonObject();
        foreach (var gv in Discovery.Served().Select(k => (k.Group, k.Version)).Distinct())
        {
            var p = GvPath(gv.Group, gv.Version);
            paths[p] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{p}?hash={Hash(Document(gv.Group, gv.Version)!)}" };
        }
        return new JsonObject { ["paths"] = paths }.ToJsonString();
    }

    static string Hash(string s) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..16];

    static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), string?> Documents = new();

    /// <summary>The document of a group-version; those with custom kinds are built afresh (their definitions change).</summary>
    public static string? Document(string group, string version) =>
        CustomKinds.All.Any(c => c.Info.Group == group) ? Build(group, version) : Documents.GetOrAdd((group, version), k => Build(k.Item1, k.Item2));

    static string? Build(string group, string version)
    {
        var kinds = Discovery.Served().Where(k => k.Group == group && k.Version == version).ToList();
        if (kinds.Count == 0) return null;
        var paths = new JsonObject();
        var prefix = "/" + GvPath(group, version);
        foreach (var k in kinds)
        {
            var item = k.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{k.Plural}/{{name}}" : $"{prefix}/{k.Plural}/{{name}}";
            var collection = k.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{k.Plural}" : $"{prefix}/{k.Plural}";
            JsonObject Op(string verb) => new()
            {
                ["operationId"] = $"{verb}{(group.Length == 0 ? "Core" : char.ToUpper(group[0]) + group[1..])}V1{(k.Namespaced ? "Namespaced" : "")}{k.Kind}",
                ["x-kubernetes-action"] = verb,
                ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = k.Kind },
                ["parameters"] = new JsonArray(
                    new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                    new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                    new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
            };
            paths[item] = new JsonObject { ["get"] = Op("get"), ["put"] = Op("put"), ["patch"] = Op("patch"), ["delete"] = Op("delete") };
            paths[collection] = new JsonObject { ["get"] = Op("list"), ["post"] = Op("post") };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Cluster", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = OpenApiSchemas.For(group, version) },
        }.ToJsonString();
    }
}
