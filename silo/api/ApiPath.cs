using Cluster.Interfaces.Api;

namespace Cluster.Silo.Api;

/// <summary>
/// A parsed Kubernetes REST path: /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]] or /apis/GROUP/VERSION/...
/// </summary>
public sealed record ApiPath(KindInfo Kind, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Parses the segments after /api or /apis; null when the path names no served resource (404).</summary>
    public static ApiPath? Parse(string[] segments, bool core)
    {
        // core: [v1, ...]; groups: [group, version, ...]
        string group, version;
        int i;
        if (core) { if (segments.Length < 1) return null; group = ""; version = segments[0]; i = 1; }
        else { if (segments.Length < 2) return null; group = segments[0]; version = segments[1]; i = 2; }
        var rest = segments[i..];
        if (rest.Length == 0) return null;
        string? ns = null;
        // /namespaces/NS/RESOURCE... (a namespaced resource) vs /namespaces/NAME[/status|finalize] (the Namespace itself)
        if (rest[0] == "namespaces" && rest.Length >= 3 && !(rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            ns = rest[1];
            rest = rest[2..];
        }
        var kind = Kinds.Builtin.FirstOrDefault(k => k.Plural == rest[0] && k.Group == group && k.Version == version)
            ?? CustomKinds.ByPath(group, version, rest[0]);
        if (kind == null) return null;
        if (ns != null && !kind.Namespaced) return null;
        var name = rest.Length > 1 ? rest[1] : null;
        var sub = rest.Length > 2 ? string.Join('/', rest[2..]) : null;
        return new ApiPath(kind, kind.Namespaced ? ns : null, name, sub);
    }
}
