using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Cluster.Grains.Admission;
using Cluster.Interfaces.Api;
using k8s;
using k8s.Models;

namespace Cluster.Grains.CustomResources;

/// <summary>Admission for custom kinds (schema pruning, defaulting, validation) and for the definitions themselves.</summary>
public static class CustomResourceAdmission
{
    static readonly ConcurrentDictionary<string, (long Version, JsonObject? Schema)> Schemas = new();

    /// <summary>The parsed openAPIV3Schema of a custom kind (cached per definition version).</summary>
    public static JsonObject? Schema(string kind)
    {
        if (CustomKinds.Get(kind) is not { } c || c.Schema == null) return null;
        if (Schemas.TryGetValue(kind, out var cached) && cached.Version == c.CrdVersion) return cached.Schema;
        var parsed = JsonNode.Parse(c.Schema) as JsonObject;
        Schemas[kind] = (c.CrdVersion, parsed);
        return parsed;
    }

    static JsonObject ToNode(CustomObject o) => (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(o))!;

    static void CopyBack(CustomObject o, JsonObject n)
    {
        var back = KubernetesJson.Deserialize<CustomObject>(n.ToJsonString());
        o.Spec = back.Spec; o.Status = back.Status; o.Extra = back.Extra;
    }

    /// <summary>Prunes undeclared fields and fills in defaults, as the API server does before validating.</summary>
    public static void PruneAndDefault(CustomObject o)
    {
        if (Schema(o.Kind) is not { } schema) return;
        var n = ToNode(o);
        StructuralSchema.Prune(n, schema);
        StructuralSchema.Default(n, schema);
        CopyBack(o, n);
    }

    public static IReadOnlyList<StatusCause> Validate(CustomObject o) =>
        Schema(o.Kind) is { } schema ? StructuralSchema.Validate(ToNode(o), schema) : [];

    /// <summary>Fields of a request body that the kind's schema does not declare (what strict field validation refuses).</summary>
    public static IReadOnlyList<string> UnknownFields(string kind, string json) =>
        Schema(kind) is { } schema && JsonNode.Parse(json) is JsonObject n ? StructuralSchema.Prune(n, schema) : [];

    /// <summary>apiextensions' validation of a definition, with its wording.</summary>
    public static IEnumerable<StatusCause> ValidateDefinition(V1CustomResourceDefinition crd)
    {
        var s = crd.Spec;
        if (s == null) { yield return Required("spec"); yield break; }
        if (string.IsNullOrEmpty(s.Group)) yield return Required("spec.group");
        else if (!s.Group.Contains('.')) yield return Invalid("spec.group", s.Group, "should be a domain with at least one dot");
        else if (Names.Dns1123Subdomain(s.Group) is { } ge) yield return Invalid("spec.group", s.Group, ge);
        var names = s.Names;
        if (names == null) { yield return Required("spec.names"); yield break; }
        if (string.IsNullOrEmpty(names.Plural)) yield return Required("spec.names.plural");
        else if (Names.Dns1123Label(names.Plural) is { } pe) yield return Invalid("spec.names.plural", names.Plural, pe);
        if (!string.IsNullOrEmpty(names.Singular) && Names.Dns1123Label(names.Singular) is { } se) yield return Invalid("spec.names.singular", names.Singular, se);
        if (string.IsNullOrEmpty(names.Kind)) yield return Required("spec.names.kind");
        else if (!char.IsAsciiLetter(names.Kind[0]) || names.Kind.Any(ch => !char.IsAsciiLetterOrDigit(ch)))
            yield return Invalid("spec.names.kind", names.Kind, "may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?");
        if (!string.IsNullOrEmpty(names.Plural) && !string.IsNullOrEmpty(s.Group) && crd.Metadata.Name != $"{names.Plural}.{s.Group}")
            yield return Invalid("metadata.name", crd.Metadata.Name, "must be spec.names.plural+\".\"+spec.group");
        if (s.Scope is not ("Namespaced" or "Cluster"))
            yield return new("FieldValueNotSupported", $"Unsupported value: \"{s.Scope}\": supported values: \"Cluster\", \"Namespaced\"", "spec.scope");
        if (s.Versions == null || s.Versions.Count == 0) { yield return Invalid("spec.versions", "", "must have exactly one version marked as storage version"); yield break; }
        if (s.Versions.Count(v => v.Storage) != 1) yield return Invalid("spec.versions", s.Versions.Count(v => v.Storage).ToString(), "must have exactly one version marked as storage version");
        if (!s.Versions.Any(v => v.Served)) yield return Invalid("spec.versions", "", "must have at least one version marked as served");
        for (var i = 0; i < s.Versions.Count; i++)
        {
            var v = s.Versions[i];
            if (string.IsNullOrEmpty(v.Name)) yield return Required($"spec.versions[{i}].name");
            else if (Names.Dns1035Label(v.Name) != null) yield return Invalid($"spec.versions[{i}].name", v.Name, "must be a valid version name");
            if (v.Schema?.OpenAPIV3Schema == null) yield return new("FieldValueRequired", "Required value: schemas are required", $"spec.versions[{i}].schema.openAPIV3Schema");
            else if (v.Schema.OpenAPIV3Schema.Type != "object")
                yield return new("FieldValueRequired", "Required value: must be object at the root", $"spec.versions[{i}].schema.openAPIV3Schema.type");
            foreach (var (c, j) in (v.AdditionalPrinterColumns ?? []).Select((c, j) => (c, j)))
            {
                if (string.IsNullOrEmpty(c.Name)) yield return Required($"spec.versions[{i}].additionalPrinterColumns[{j}].name");
                if (string.IsNullOrEmpty(c.JsonPath) || !c.JsonPath.StartsWith('.')) yield return Invalid($"spec.versions[{i}].additionalPrinterColumns[{j}].jsonPath", c.JsonPath, "must be a simple json path starting with .");
                if (c.Type is not ("integer" or "number" or "string" or "boolean" or "date"))
                    yield return new("FieldValueNotSupported", $"Unsupported value: \"{c.Type}\": supported values: \"boolean\", \"date\", \"integer\", \"number\", \"string\"", $"spec.versions[{i}].additionalPrinterColumns[{j}].type");
            }
        }
    }

    static StatusCause Required(string field) => new("FieldValueRequired", "Required value", field);
    static StatusCause Invalid(string field, string? value, string detail) => new("FieldValueInvalid", $"Invalid value: \"{value}\": {detail}", field);
}
