namespace Cluster.Interfaces.Store;

/// <summary>
/// The persisted state of one object grain: the object as Kubernetes JSON (null when absent).
/// Storage providers keep it as JSON text so the catalog can read objects back without Orleans.
/// </summary>
[GenerateSerializer]
public sealed class ObjectRecord
{
    [Id(0)] public string? Json { get; set; }
}

/// <summary>
/// Enumerates stored objects of a kind in a namespace straight from grain storage. Index grains rebuild their
/// in-memory lists from it when they activate: storage is the source of truth, the index a cache.
/// </summary>
public interface IObjectCatalog
{
    /// <summary>JSON of every stored object whose grain key starts with "Kind/namespace/".</summary>
    Task<IReadOnlyList<string>> ScanAsync(string kind, string ns, CancellationToken ct = default);
    /// <summary>Namespaces that hold at least one stored object of the kind.</summary>
    Task<IReadOnlyList<string>> NamespacesAsync(string kind, CancellationToken ct = default);
}
