using System.Security.Cryptography;
using Cluster.Interfaces.Security;

namespace Cluster.Grains.Security;

/// <summary>
/// Bearer tokens to users: tokens of a static token file (Kubernetes' --token-auth-file CSV: token,user,uid,"g1,g2")
/// and tokens the cluster signed (ServiceAccounts, the admin token, identities the API forwards).
/// </summary>
public sealed class TokenAuthenticator(ECDsa signingKey, IReadOnlyDictionary<string, UserInfo> staticTokens)
{
    public ECDsa SigningKey => signingKey;

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (UserInfo User, DateTime Until)> _verified = new();

    /// <remarks>
    /// The API authenticates a request and the grain filter each call it makes with the same token, so a signed
    /// token's verification (an ECDSA check) is remembered for a minute, and never past the token's expiry.
    /// </remarks>
    public UserInfo? Authenticate(string token)
    {
        if (staticTokens.TryGetValue(token, out var u)) return u;
        var now = DateTime.UtcNow;
        if (_verified.TryGetValue(token, out var hit) && hit.Until > now) return hit.User;
        if (ClusterTokens.Verify(signingKey, token) is not { } claims) return null;
        var user = ClusterTokens.UserOf(claims);
        var until = now.AddMinutes(1);
        if (claims["exp"] is System.Text.Json.Nodes.JsonValue exp && exp.TryGetValue<long>(out var e) && DateTimeOffset.FromUnixTimeSeconds(e).UtcDateTime < until)
            until = DateTimeOffset.FromUnixTimeSeconds(e).UtcDateTime;
        if (_verified.Count > 10_000) _verified.Clear(); // a bound, not an LRU: a miss only costs one verification
        _verified[token] = (user, until);
        return user;
    }

    public string Issue(UserInfo user, TimeSpan? lifetime = null) => ClusterTokens.Issue(signingKey, user, lifetime);

    /// <summary>Reads a static token file; a malformed line is an error naming the line.</summary>
    public static Dictionary<string, UserInfo> ReadTokenFile(string path)
    {
        var result = new Dictionary<string, UserInfo>();
        var n = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = SplitCsv(line);
            if (fields.Count < 2 || fields[0].Length == 0 || fields[1].Length == 0)
                throw new FormatException($"{path}:{n}: expected token,user[,uid[,\"group1,group2\"]]");
            var groups = fields.Count > 3 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() : [];
            groups.Add(UserInfo.Authenticated);
            result[fields[0]] = new UserInfo(fields[1], fields.Count > 2 && fields[2].Length > 0 ? fields[2] : null, groups);
        }
        return result;
    }

    static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var ch in line)
        {
            if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) { fields.Add(sb.ToString().Trim()); sb.Clear(); }
            else sb.Append(ch);
        }
        fields.Add(sb.ToString().Trim());
        return fields;
    }
}

/// <summary>How this cluster treats requests without credentials.</summary>
public sealed class SecurityOptions
{
    /// <summary>The legacy insecure mode (plain HTTP on loopback, --insecure-local): no credentials means the cluster admin.</summary>
    public bool AnonymousIsAdmin { get; set; }
    /// <summary>What marks the silos' own calls (<see cref="InternalCalls"/>); the same on every silo of a cluster.</summary>
    public string? InternalSecret { get; set; }
    /// <remarks>On every grain call: compared in constant time without allocating.</remarks>
    public bool IsInternal(string? marker) =>
        marker != null && InternalSecret != null
        && CryptographicOperations.FixedTimeEquals(System.Runtime.InteropServices.MemoryMarshal.AsBytes(marker.AsSpan()), System.Runtime.InteropServices.MemoryMarshal.AsBytes(InternalSecret.AsSpan()));

    /// <summary>The internal secret of a cluster: an HMAC of a fixed label under the token signing key.</summary>
    public static string DeriveInternalSecret(ECDsa signingKey) =>
        Convert.ToBase64String(HMACSHA256.HashData(signingKey.ExportPkcs8PrivateKey(), "cluster internal calls"u8));
}
