using System.Security.Cryptography;
using System.Text;

namespace Cluster.Grains.Store;

/// <summary>
/// Encryption at rest for the kinds that hold secrets (Secret): the stored record holds
/// "enc:aesgcm:v1:KEYID:BASE64(nonce | ciphertext | tag)" instead of the object's JSON, sealed with the primary key
/// and opened with whichever key of the ring its id names, so that keys can be rotated. Records written before
/// encryption was enabled (plain JSON) still open, and are sealed on their next write.
/// </summary>
public sealed class AtRestEncryption
{
    const string Prefix = "enc:aesgcm:v1:";
    readonly Dictionary<string, byte[]> _keys;
    readonly string _primary;

    /// <param name="keyRing">"id=BASE64KEY[,id2=BASE64KEY...]": 32-byte AES-256 keys; the first seals new writes.</param>
    public AtRestEncryption(string keyRing)
    {
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string? primary = null;
        foreach (var part in keyRing.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) throw new FormatException($"encryption key \"{Redact(part)}\" is not id=base64key");
            var id = part[..eq];
            if (id.Contains(':')) throw new FormatException($"encryption key id \"{id}\" may not contain ':'");
            byte[] key;
            try { key = Convert.FromBase64String(part[(eq + 1)..]); }
            catch (FormatException) { throw new FormatException($"encryption key \"{id}\" is not valid base64"); }
            if (key.Length != 32) throw new FormatException($"encryption key \"{id}\" must be 32 bytes (AES-256), is {key.Length}");
            if (!_keys.TryAdd(id, key)) throw new FormatException($"encryption key id \"{id}\" appears twice");
            primary ??= id;
        }
        _primary = primary ?? throw new FormatException("no encryption key given");
    }

    public string PrimaryKeyId => _primary;

    static string Redact(string s) => s.Length > 6 ? s[..6] + "..." : s;

    /// <summary>A new random key ring entry ("id=base64").</summary>
    public static string NewKey(string id) => $"{id}={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";

    public static bool IsSealed(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    public string Seal(string json)
    {
        var key = _keys[_primary];
        var plain = Encoding.UTF8.GetBytes(json);
        var blob = new byte[12 + plain.Length + 16];
        var nonce = blob.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plain, blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length, 16), Encoding.UTF8.GetBytes(_primary));
        return $"{Prefix}{_primary}:{Convert.ToBase64String(blob)}";
    }

    /// <summary>The JSON of a stored record (sealed or, from before encryption, plain).</summary>
    public string Open(string stored)
    {
        if (!IsSealed(stored)) return stored;
        var rest = stored.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0) throw new CryptographicException("malformed sealed record");
        var id = rest[..colon].ToString();
        if (!_keys.TryGetValue(id, out var key))
            throw new CryptographicException($"the record was sealed with encryption key \"{id}\", which this silo does not have");
        var blob = Convert.FromBase64String(rest[(colon + 1)..].ToString());
        if (blob.Length < 28) throw new CryptographicException("malformed sealed record");
        var plain = new byte[blob.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length, 16), plain, Encoding.UTF8.GetBytes(id));
        return Encoding.UTF8.GetString(plain);
    }
}
