using System.Text.Json.Nodes;
using Cluster.Interfaces.Api;

namespace Cluster.Silo.Api;

/// <summary>API discovery: aggregated (apidiscovery.k8s.io/v2, what kubectl 1.32 asks for first) and the legacy documents.</summary>
public static class Discovery
{
    public const string AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static bool WantsAggregated(string? accept) => accept != null && accept.Contains("as=APIGroupDiscoveryList") && accept.Contains("v=v2");

    static IEnumerable<IGrouping<string, KindInfo>> Groups(bool core) => Kinds.All.Where(k => (k.Group.Length == 0) == core).GroupBy(k => k.Group);

    static JsonArray Subresources(KindInfo k)
    {
        var subs = new JsonArray { Sub("status", k.Group, k.Version, k.Kind, ["get", "patch", "update"]) };
        if (k.Kind is "Deployment" or "ReplicaSet") subs.Add(Sub("scale", "autoscaling", "v1", "Scale", ["get", "patch", "update"]));
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
            var resources = new JsonArray();
            foreach (var k in g.OrderBy(k => k.Plural))
                resources.Add(new JsonObject
                {
                    ["resource"] = k.Plural,
                    ["responseKind"] = new JsonObject { ["group"] = k.Group, ["version"] = k.Version, ["kind"] = k.Kind },
                    ["scope"] = k.Namespaced ? "Namespaced" : "Cluster",
                    ["singularResource"] = k.Singular,
                    ["verbs"] = new JsonArray(Verbs.Select(v => (JsonNode)v).ToArray()),
                    ["shortNames"] = new JsonArray(k.ShortNames.Select(s => (JsonNode)s).ToArray()),
                    ["categories"] = k.Kind is "Pod" or "Deployment" or "ReplicaSet" or "Service" ? new JsonArray("all") : null,
                    ["subresources"] = Subresources(k),
                });
            // Every kind of a group is served at one version here (autoscaling: v2).
            items.Add(new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = g.Key },
                ["versions"] = new JsonArray(new JsonObject { ["version"] = g.First().Version, ["resources"] = resources, ["freshness"] = "Current" }),
            });
        }
        return new JsonObject { ["kind"] = "APIGroupDiscoveryList", ["apiVersion"] = "apidiscovery.k8s.io/v2", ["metadata"] = new JsonObject(), ["items"] = items }.ToJsonString();
    }

    public static string LegacyVersions() => """{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":""}]}""";

    public static string LegacyGroups()
    {
        var groups = new JsonArray();
        foreach (var g in Groups(core: false))
        {
            var version = g.First().Version;
            var gv = new JsonObject { ["groupVersion"] = $"{g.Key}/{version}", ["version"] = version };
            groups.Add(new JsonObject { ["name"] = g.Key, ["versions"] = new JsonArray(gv), ["preferredVersion"] = gv.DeepClone() });
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups }.ToJsonString();
    }

    public static string? ResourceList(string group, string version)
    {
        var kinds = Kinds.All.Where(k => k.Group == group && k.Version == version).ToList();
        if (kinds.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var k in kinds)
        {
            resources.Add(new JsonObject
            {
                ["name"] = k.Plural, ["singularName"] = k.Singular, ["namespaced"] = k.Namespaced, ["kind"] = k.Kind,
                ["verbs"] = new JsonArray(Verbs.Select(v => (JsonNode)v).ToArray()),
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
