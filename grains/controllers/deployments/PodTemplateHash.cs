using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Grains.Controllers.Deployments;

/// <summary>The pod-template-hash Kubernetes puts in ReplicaSet names and labels: a hash of the template, safely encoded.</summary>
public static class PodTemplateHash
{
    public const string Label = "pod-template-hash";
    const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(V1PodTemplateSpec template, int? collisionCount = null)
    {
        var t = WithoutHash(template);
        var json = Objects.ToJson(t) + (collisionCount is { } c ? c.ToString() : "");
        uint h = 2166136261;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(json)) { h ^= b; h *= 16777619; }
        return SafeEncode(h.ToString());
    }

    /// <summary>Kubernetes' rand.SafeEncodeString: maps each character onto an alphabet without vowels.</summary>
    static string SafeEncode(string s) => new(s.Select(ch => Alphabet[ch % Alphabet.Length]).ToArray());

    public static V1PodTemplateSpec WithoutHash(V1PodTemplateSpec template)
    {
        var t = Objects.Clone(template);
        t.Metadata ??= new V1ObjectMeta();
        if (t.Metadata.Labels != null)
        {
            t.Metadata.Labels.Remove(Label);
            if (t.Metadata.Labels.Count == 0) t.Metadata.Labels = null;
        }
        return t;
    }

    /// <summary>Equal templates, ignoring the hash label (Kubernetes' EqualIgnoreHash).</summary>
    public static bool EqualIgnoringHash(V1PodTemplateSpec? a, V1PodTemplateSpec? b) =>
        a != null && b != null && System.Text.Json.Nodes.JsonNode.DeepEquals(Normal(WithoutHash(a)), Normal(WithoutHash(b)));

    /// <summary>JSON without empty objects and lists: {} and [] mean the same as absent (clients send either).</summary>
    static System.Text.Json.Nodes.JsonNode? Normal(object o)
    {
        var n = System.Text.Json.Nodes.JsonNode.Parse(Objects.ToJson(o));
        Prune(n);
        return n;
    }

    static bool Prune(System.Text.Json.Nodes.JsonNode? n)
    {
        switch (n)
        {
            case System.Text.Json.Nodes.JsonObject o:
                foreach (var (k, v) in o.ToList()) if (v == null || Prune(v)) o.Remove(k);
                return o.Count == 0;
            case System.Text.Json.Nodes.JsonArray a:
                foreach (var v in a.ToList()) Prune(v);
                return a.Count == 0;
            default:
                return false;
        }
    }
}
