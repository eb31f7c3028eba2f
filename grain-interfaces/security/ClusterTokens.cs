using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Interfaces.Security;

/// <summary>
/// Bearer tokens the cluster signs (JWT, ES256 with the cluster's signing key): the admin token a silo writes at
/// first start, ServiceAccount tokens, and the identities the HTTP API forwards for client certificates.
/// </summary>
public static class ClusterTokens
{
    public const string Issuer = "https://cluster.local";

    static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    static byte[] UnB64(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    public static string Issue(ECDsa key, UserInfo user, TimeSpan? lifetime = null, JsonObject? extra = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Issuer, ["sub"] = user.Name, ["iat"] = now,
            ["groups"] = new JsonArray(user.Groups.Where(g => g != UserInfo.Authenticated).Select(g => (JsonNode)g).ToArray()),
        };
        if (user.Uid != null) claims["uid"] = user.Uid;
        if (lifetime is { } l) claims["exp"] = now + (long)l.TotalSeconds;
        foreach (var (k, v) in extra ?? []) claims[k] = v?.DeepClone();
        var head = B64(Encoding.UTF8.GetBytes("""{"alg":"ES256","typ":"JWT"}"""));
        var body = B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var sig = key.SignData(Encoding.ASCII.GetBytes($"{head}.{body}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{head}.{body}.{B64(sig)}";
    }

    /// <summary>The claims of a token this key signed, unexpired; null otherwise.</summary>
    public static JsonObject? Verify(ECDsa key, string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            if (!key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), UnB64(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
                return null;
            if (JsonNode.Parse(UnB64(parts[1])) is not JsonObject claims || (string?)claims["iss"] != Issuer) return null;
            if (claims["exp"] is JsonValue exp && exp.TryGetValue<long>(out var e) && e < DateTimeOffset.UtcNow.ToUnixTimeSeconds()) return null;
            return claims;
        }
        catch (Exception x) when (x is FormatException or JsonException or CryptographicException) { return null; }
    }

    public static UserInfo UserOf(JsonObject claims) =>
        new((string?)claims["sub"] ?? "", (string?)claims["uid"],
            [.. (claims["groups"] as JsonArray ?? []).Select(g => (string?)g).OfType<string>(), UserInfo.Authenticated]);
}
