using Cluster.Interfaces.Store;
using k8s;
using k8s.Models;

namespace Cluster.Interfaces.Api;

/// <summary>One printer column of a custom kind (a CRD's additionalPrinterColumns).</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, int Priority, string? Description);

/// <summary>What the cluster serves for one CustomResourceDefinition.</summary>
public sealed record CustomKind(
    KindInfo Info, IReadOnlyList<string> ServedVersions, string? Schema, IReadOnlyList<PrinterColumn> Columns,
    bool StatusSubresource, string[] Categories, string CrdName, long CrdVersion, bool Terminating)
{
    /// <summary>The grain type of an operator's controller for this kind (see <see cref="Operators.CustomResourceControllerAttribute"/>).</summary>
    public string ControllerGrainType => Operators.CustomResourceControllerAttribute.GrainTypeFor(Info.Group, Info.Plural);
}

/// <summary>
/// The kinds this process knows from CustomResourceDefinitions. Each process (silo, SDK, CLI) keeps its own copy,
/// refreshed from the CRD index: silos watch it, and every lookup that misses refreshes once before answering "not
/// found", so a kind registered through another silo is usable at once.
/// </summary>
public static class CustomKinds
{
    static volatile IReadOnlyDictionary<string, CustomKind> _byKind = new Dictionary<string, CustomKind>();
    static long _generation;

    public static int Count => _byKind.Count;
    /// <summary>The built-in kinds followed by these, made once per change (null while there are none).</summary>
    public static IReadOnlyList<KindInfo>? AllKinds { get; private set; }
    /// <summary>Bumped whenever the set changes (caches of discovery and OpenAPI key on it).</summary>
    public static long Generation => Interlocked.Read(ref _generation);
    public static IEnumerable<KindInfo> Kinds => _byKind.Values.Select(c => c.Info);
    public static IEnumerable<CustomKind> All => _byKind.Values;
    public static CustomKind? Get(string kind) => _byKind.TryGetValue(kind, out var c) ? c : null;

    /// <summary>The kind at a served version other than its storage version ("stable.example.com/v1beta1").</summary>
    public static KindInfo? ByVersion(string? apiVersion, string? kind)
    {
        if (kind == null || apiVersion == null || Get(kind) is not { } c) return null;
        var slash = apiVersion.IndexOf('/');
        if (slash < 0 || apiVersion[..slash] != c.Info.Group) return null;
        var v = apiVersion[(slash + 1)..];
        return c.ServedVersions.Contains(v) ? c.Info with { Version = v } : null;
    }

    /// <summary>The kind served at /apis/group/version/plural, if any.</summary>
    public static KindInfo? ByPath(string group, string version, string plural) =>
        _byKind.Values.FirstOrDefault(c => c.Info.Group == group && c.Info.Plural == plural && c.ServedVersions.Contains(version)) is { } c
            ? c.Info with { Version = version } : null;

    /// <summary>Replaces the set with what these definitions register.</summary>
    public static void Set(IEnumerable<V1CustomResourceDefinition> crds)
    {
        var next = new Dictionary<string, CustomKind>();
        foreach (var crd in crds)
            if (From(crd) is { } c && !next.ContainsKey(c.Info.Kind) && Api.Kinds.Builtin.All(b => b.Kind != c.Info.Kind))
                next[c.Info.Kind] = c;
        var before = _byKind;
        if (before.Count == next.Count && next.All(kv => before.TryGetValue(kv.Key, out var b) && b.CrdVersion == kv.Value.CrdVersion)) return;
        _byKind = next;
        AllKinds = next.Count == 0 ? null : [.. Api.Kinds.Builtin, .. next.Values.Select(c => c.Info)];
        Interlocked.Increment(ref _generation);
    }

    /// <summary>Reads every CustomResourceDefinition from the cluster and registers their kinds.</summary>
    public static async Task RefreshAsync(IGrainFactory grains)
    {
        using var _ = Security.RequestIdentityScope.Suppress(); // the cluster reads its definitions, whoever asks
        var list = await grains.GetGrain<IIndexGrain>(IndexKeys.For(Api.Kinds.CustomResourceDefinition.Kind, "")).List(new ListRequest());
        Set(list.Items.Select(j => KubernetesJson.Deserialize<V1CustomResourceDefinition>(j)));
    }

    /// <summary>The kind a definition registers (its storage version), or null when it registers none (yet).</summary>
    public static CustomKind? From(V1CustomResourceDefinition crd)
    {
        var s = crd.Spec;
        if (s?.Names?.Kind is not { Length: > 0 } kind || s.Names.Plural is not { Length: > 0 } plural || string.IsNullOrEmpty(s.Group)) return null;
        var storage = s.Versions?.FirstOrDefault(v => v.Storage) ?? s.Versions?.FirstOrDefault();
        if (storage == null) return null;
        var served = s.Versions!.Where(v => v.Served).Select(v => v.Name).ToList();
        if (served.Count == 0) return null;
        // The storage version is the one objects are kept at; when it is not served, answer at the first served one.
        var version = served.Contains(storage.Name) ? storage.Name : served[0];
        var info = new KindInfo(kind, s.Group, version, plural, s.Names.Singular is { Length: > 0 } sg ? sg : kind.ToLowerInvariant(),
            s.Scope != "Cluster", s.Names.ShortNames?.ToArray() ?? [], typeof(CustomObject));
        var schema = storage.Schema?.OpenAPIV3Schema is { } sch ? KubernetesJson.Serialize(sch) : null;
        var columns = (storage.AdditionalPrinterColumns ?? [])
            .Select(c => new PrinterColumn(c.Name, c.Type, c.JsonPath, c.Priority ?? 0, c.Description)).ToList();
        return new CustomKind(info, served, schema, columns, storage.Subresources?.Status != null,
            s.Names.Categories?.ToArray() ?? [], crd.Metadata?.Name ?? "", long.TryParse(crd.Metadata?.ResourceVersion, out var rv) ? rv : 0,
            crd.Metadata?.DeletionTimestamp != null);
    }
}

public static class KindLookup
{
    /// <summary>The kind by name; a miss refreshes the custom kinds once (a definition created through another silo).</summary>
    public static async Task<KindInfo?> ResolveAsync(IGrainFactory grains, string kind)
    {
        if (Kinds.ByKind(kind) is { } k) return k;
        await CustomKinds.RefreshAsync(grains);
        return Kinds.ByKind(kind);
    }
}
