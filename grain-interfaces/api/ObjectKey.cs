namespace Cluster.Interfaces.Api;

/// <summary>Identity of one stored object; its grain key is "Kind/namespace/name" (namespace empty for cluster-scoped kinds).</summary>
[GenerateSerializer, Immutable]
public sealed record ObjectKey(string Kind, string Namespace, string Name)
{
    public string GrainKey => $"{Kind}/{Namespace}/{Name}";
    public override string ToString() => Namespace.Length == 0 ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";

    public static ObjectKey Parse(string grainKey)
    {
        var parts = grainKey.Split('/');
        if (parts.Length != 3) throw new FormatException($"not an object key: {grainKey}");
        return new ObjectKey(parts[0], parts[1], parts[2]);
    }

    /// <summary>Key of the index grain that lists this object's kind in its namespace.</summary>
    public string IndexKey => IndexKeys.For(Kind, Namespace);
}

public static class IndexKeys
{
    public static string For(string kind, string ns) => $"{kind}/{ns}";
}
