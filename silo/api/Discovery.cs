using System.Text.Json.Nodes;
using Cluster.Interfaces.Api;

namespace Cluster.Silo.Api;

/// <summary>API discovery: aggregated (apidiscovery.k8s.io/v2, what kubectl 1.32 asks for first) and the legacy documents.</summary>
public static class Discovery
{
    public const string AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static bool WantsAggregated(string? accept) => accept != null && accept.Contains("as=APIGroupDiscoveryList") && accept.Contains("v=v2");

    /// <summary>Every kind at every version it is served at (a custom kind may be served at several).</summary>
    public static IEnumerable<KindInfo> Served() =>
        Kinds.Builtin.Concat(CustomKinds.All.SelectMany(c => c.ServedVersions.Select(v => c.Info with { Version = v })));

    static IEnumerable<IGrouping<string, KindInfo>> Groups(bool core) => Served().Where(k => (k.Group.Length == 0) == core).GroupBy(k => k.Group);

    /// <summary>A group's versions, preferred first (the custom kinds' storage version; otherwise Kubernetes' version order).</summary>
    static List<string> Versions(IGrouping<string, KindInfo> g)
    {
        var storage = g.Where(k => k.IsCustom).Select(k => CustomKinds.Get(k.Kind)?.Info.Version).FirstOrDefault(v => v != null);
        return g.Select(k => k.Version).Distinct().OrderByDescending(v => v == storage).ThenByDescending(VersionPriority).ToList();
    }

    static (int, int, int) VersionPriority(string v)
    {
        var m = System.Text.RegularExpressions.Regex.Match(v, "^v(\\d+)(?:(alpha|beta)(\\d+))?$");
        if (!m.Success) return (0, 0, 0);
        var stage = m.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        return (stage, int.Parse(m.Groups[1].Value), m.Groups[3].Success && m.Groups[3].Length > 0 ? int.Parse(m.Groups[3].Value) : 0);
    }

    static JsonArray Subresources(KindInfo k)
    {
        if (k == Kinds.SelfSubjectAccessReview || k == Kinds.SelfSubjectReview || k.Group == "rbac.authorization.k8s.io") return [];
        if (k.IsCustom)
            return CustomKinds.Get(k.Kind)?.StatusSubresource == true ? [Sub("status", k.Group, k.Version, k.Kind, ["get", "patch", "update"])] : [];
        var subs = new JsonArray { Sub("status", k.Group, k.Version, k.Kind, ["get", "patch", "update"]) };
        if (k.Kind is "Deployment" or "ReplicaSet") subs.Add(Sub("scale", "autoscaling", "v1", "Scale", ["get", "patch", "update"]));
        if (k.Kind == "ServiceAccount") return [Sub("token", "authentication.k8s.io", "v1", "TokenRequest", ["create"])];
        if (k.Kind == "Pod")
        {
            subs.Add(Sub("log", "", "v1", "Pod", ["get"]));
            subs.Add(Sub("eviction", "policy", "v1", "Eviction", ["create"]));
            subs.Add(Sub("binding", "", "v1", "Binding", ["create"]));
        }
        return subs;
    }

    static JsonObject Sub(string name, string g, string v, string kind, string[] verbs) => new()
    {
        ["subresource"] = name, ["responseKind"] = new JsonObject { ["group"] = g, ["version"] = v, ["kind"] = kind },
        ["verbs"] = new JsonArray(verbs.Select(x => (JsonNode)x).ToArray()),
    };

    public static string Aggregated(bool core)
    {
        var items = new JsonArray();
        foreach (var g in Groups(core))
        {
            var versions = new JsonArray();
            foreach (var version in Versions(g))
            {
            var resources = new JsonArray();
            foreach (var k in g.Where(k => k.Version == version).OrderBy(k => k.Plural))
                resources.Add(new JsonObject
                {
                    ["resource"] = k.Plural,
                    ["responseKind"] = new JsonObject { ["group"] = k.Group, ["version"] = k.Version, ["kind"] = k.Kind },
                    ["scope"] = k.Namespaced ? "Namespaced" : "Cluster",
                    ["singularResource"] = k.Singular,
                    ["verbs"] = VerbsOf(k),
                    ["shortNames"] = new JsonArray(k.ShortNames.Select(s => (JsonNode)s).ToArray()),
                    ["categories"] = Categories(k),
                    ["subresources"] = Subresources(k),
                });
            versions.Add(new JsonObject { ["version"] = version, ["resources"] = resources, ["freshness"] = "Current" });
            }
            items.Add(new JsonObject { ["metadata"] = new JsonObject { ["name"] = g.Key }, ["versions"] = versions });
        }
        return new JsonObject { ["kind"] = "APIGroupDiscoveryList", ["apiVersion"] = "apidiscovery.k8s.io/v2", ["metadata"] = new JsonObject(), ["items"] = items }.ToJsonString();
    }

    static JsonArray VerbsOf(KindInfo k) =>
        new((k == Kinds.SelfSubjectAccessReview || k == Kinds.SelfSubjectReview ? ["create"] : Verbs).Select(v => (JsonNode)v).ToArray());

    static JsonArray? Categories(KindInfo k) =>
        k.IsCustom ? CustomKinds.Get(k.Kind)?.Categories is { Length: > 0 } c ? new JsonArray(c.Select(x => (JsonNode)x).ToArray()) : null
        : k.Kind is "Pod" or "Deployment" or "ReplicaSet" or "Service" ? new JsonArray("all") : null;

    public static string LegacyVersions() => """{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":""}]}""";

    public static string LegacyGroups()
    {
        var groups = new JsonArray();
        foreach (var g in Groups(core: false))
        {
            var versions = Versions(g).Select(v => new JsonObject { ["groupVersion"] = $"{g.Key}/{v}", ["version"] = v }).ToList();
            groups.Add(new JsonObject { ["name"] = g.Key, ["versions"] = new JsonArray(versions.ToArray<JsonNode>()), ["preferredVersion"] = versions[0].DeepClone() });
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups }.ToJsonString();
    }

    public static string? ResourceList(string group, string version)
    {
        var kinds = Served().Where(k => k.Group == group && k.Version == version).ToList();
        if (kinds.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var k in kinds)
        {
            resources.Add(new JsonObject
            {
                ["name"] = k.Plural, ["singularName"] = k.Singular, ["namespaced"] = k.Namespaced, ["kind"] = k.Kind,
                ["verbs"] = VerbsOf(k),
                ["shortNames"] = new JsonArray(k.ShortNames.Select(s => (JsonNode)s).ToArray()),
            });
            foreach (var sub in Subresources(k).OfType<JsonObject>())
                resources.Add(new JsonObject
                {
                    ["name"] = $"{k.Plural}/{sub["subresource"]}", ["singularName"] = "", ["namespaced"] = k.Namespaced,
                    ["group"] = sub["responseKind"]!["group"]!.DeepClone(), ["version"] = sub["responseKind"]!["version"]!.DeepClone(),
                    ["kind"] = sub["responseKind"]!["kind"]!.DeepClone(), ["verbs"] = sub["verbs"]!.DeepClone(),
                });
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}", ["resources"] = resources,
        }.ToJsonString();
    }
}
