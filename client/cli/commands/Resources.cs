using Cluster.Client;
using Cluster.Interfaces.Api;
using k8s;
using k8s.Models;

namespace Cluster.Cli.Commands;

/// <summary>Resolving what users type ("deploy", "deployment/nginx") and reading manifests from files, folders or stdin.</summary>
public static class Resources
{
    public static KindInfo Kind(string text) => Kinds.Resolve(text)
        ?? throw new CliException($"error: the server doesn't have a resource type \"{text}\"");

    /// <summary>"deployment/nginx" or ("deployment", "nginx").</summary>
    public static (KindInfo Kind, string Name) Target(string first, string? second)
    {
        var slash = first.IndexOf('/');
        if (slash > 0) return (Kind(first[..slash]), first[(slash + 1)..]);
        if (string.IsNullOrEmpty(second)) throw new CliException($"error: you must specify the name of the {first} (e.g. {first}/NAME)");
        return (Kind(first), second);
    }

    public static IReadOnlyList<Manifest> Read(IEnumerable<string> files, TextReader stdin)
    {
        var result = new List<Manifest>();
        foreach (var f in files)
        {
            if (f == "-") { result.AddRange(Manifests.Parse(stdin.ReadToEnd(), "STDIN")); continue; }
            if (Directory.Exists(f))
            {
                var found = Directory.GetFiles(f).Where(p => p.EndsWith(".yaml") || p.EndsWith(".yml") || p.EndsWith(".json")).Order().ToList();
                if (found.Count == 0) throw new CliException($"error: no manifests (.yaml, .yml, .json) in directory \"{f}\"");
                foreach (var p in found) result.AddRange(Manifests.Parse(File.ReadAllText(p), p));
                continue;
            }
            if (!File.Exists(f)) throw new CliException($"error: the path \"{f}\" does not exist");
            result.AddRange(Manifests.Parse(File.ReadAllText(f), f));
        }
        if (result.Count == 0) throw new CliException("error: must specify one of -f and -k");
        return result;
    }

    /// <summary>kubectl's "deployment.apps/nginx" form.</summary>
    public static string Ref(KindInfo kind, string name) => $"{kind.Singular}{(kind.Group.Length > 0 ? "." + kind.Group : "")}/{name}";
    public static string Quoted(KindInfo kind, string name) => $"{kind.Singular}{(kind.Group.Length > 0 ? "." + kind.Group : "")} \"{name}\"";

    public static object Typed(KindInfo kind, string json) => kind.Deserialize(json);
    public static V1ObjectMeta Meta(KindInfo kind, string json) => kind.Deserialize(json).Metadata;
}
