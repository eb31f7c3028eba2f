using System.Text.RegularExpressions;

namespace Cluster.Grains.Store;

/// <summary>
/// Kubernetes label selectors in their string form: equality (a=b, a==b, a!=b) and set-based
/// (a in (x,y), a notin (x), a, !a), comma-separated requirements that must all hold.
/// </summary>
public sealed class LabelSelector
{
    public enum Op { Equals, NotEquals, In, NotIn, Exists, NotExists }
    public sealed record Requirement(string Key, Op Operator, IReadOnlyList<string> Values);

    public IReadOnlyList<Requirement> Requirements { get; }
    public static readonly LabelSelector Everything = new([]);
    LabelSelector(IReadOnlyList<Requirement> r) => Requirements = r;

    public bool IsEmpty => Requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        // By index: a foreach over the interface allocates an enumerator, once per object listed or change watched.
        for (var i = 0; i < Requirements.Count; i++)
        {
            var r = Requirements[i];
            string? v = null;
            var has = labels != null && labels.TryGetValue(r.Key, out v);
            var ok = r.Operator switch
            {
                Op.Equals => has && v == r.Values[0],
                Op.NotEquals => !has || v != r.Values[0],
                Op.In => has && r.Values.Contains(v!),
                Op.NotIn => !has || !r.Values.Contains(v!),
                Op.Exists => has,
                Op.NotExists => !has,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    static readonly Regex SetRe = new(@"^\s*(?<key>[A-Za-z0-9./_-]+)\s+(?<op>in|notin)\s*\((?<vals>[^)]*)\)\s*$", RegexOptions.Compiled);
    static readonly Regex EqRe = new(@"^\s*(?<key>[A-Za-z0-9./_-]+)\s*(?<op>==|=|!=)\s*(?<val>[A-Za-z0-9._-]*)\s*$", RegexOptions.Compiled);
    static readonly Regex ExistsRe = new(@"^\s*(?<neg>!?)\s*(?<key>[A-Za-z0-9./_-]+)\s*$", RegexOptions.Compiled);

    /// <summary>Parses a selector string; throws <see cref="FormatException"/> naming the bad requirement.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var reqs = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            Match m;
            if ((m = SetRe.Match(part)).Success)
            {
                var vals = m.Groups["vals"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                reqs.Add(new(m.Groups["key"].Value, m.Groups["op"].Value == "in" ? Op.In : Op.NotIn, vals));
            }
            else if ((m = EqRe.Match(part)).Success)
                reqs.Add(new(m.Groups["key"].Value, m.Groups["op"].Value == "!=" ? Op.NotEquals : Op.Equals, [m.Groups["val"].Value]));
            else if ((m = ExistsRe.Match(part)).Success)
                reqs.Add(new(m.Groups["key"].Value, m.Groups["neg"].Value == "!" ? Op.NotExists : Op.Exists, []));
            else
                throw new FormatException($"unable to parse requirement: \"{part.Trim()}\"");
        }
        return new LabelSelector(reqs);
    }

    /// <summary>A selector from a LabelSelector object's matchLabels and matchExpressions.</summary>
    public static LabelSelector FromModel(k8s.Models.V1LabelSelector? s)
    {
        if (s == null) return Everything;
        var reqs = new List<Requirement>();
        foreach (var (k, v) in s.MatchLabels ?? new Dictionary<string, string>())
            reqs.Add(new(k, Op.Equals, [v]));
        foreach (var e in s.MatchExpressions ?? [])
            reqs.Add(new(e.Key, e.OperatorProperty switch
            {
                "In" => Op.In, "NotIn" => Op.NotIn, "Exists" => Op.Exists, "DoesNotExist" => Op.NotExists,
                _ => throw new FormatException($"invalid operator {e.OperatorProperty}"),
            }, (IReadOnlyList<string>?)e.Values?.ToList() ?? []));
        return new LabelSelector(reqs);
    }

    static IEnumerable<string> SplitTopLevel(string s)
    {
        var depth = 0; var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')') depth--;
            else if (s[i] == ',' && depth == 0) { yield return s[start..i]; start = i + 1; }
        }
        yield return s[start..];
    }
}
