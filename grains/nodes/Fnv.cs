namespace Cluster.Grains.Nodes;

/// <summary>FNV-1a, 64 bits: a cheap fingerprint of what the agent compares from one pass to the next (it keeps
/// the fingerprint, not the text: a status per pod at 150,000 pods was 450 MB).</summary>
static class Fnv
{
    public const ulong Start = 14695981039346656037;
    const ulong Prime = 1099511628211;

    public static ulong Add(ulong h, string? s)
    {
        foreach (var ch in s ?? "") h = (h ^ ch) * Prime;
        return (h ^ 0xFFFF) * Prime; // a separator, so ("ab","c") and ("a","bc") differ
    }

    public static ulong Add(ulong h, long v)
    {
        for (var i = 0; i < 8; i++, v >>= 8) h = (h ^ (byte)v) * Prime;
        return h;
    }
}
