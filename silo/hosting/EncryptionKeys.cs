using Cluster.Grains.Store;

namespace Cluster.Silo.Hosting;

/// <summary>
/// Where the silo's key ring for Secrets at rest comes from: --encryption-keys (or CLUSTER_ENCRYPTION_KEYS), else
/// --encryption-key-file, else, on one machine, DATA/encryption-keys, made with a random key on first start.
/// Silos sharing Redis must be given the same keys; without any, Secrets are stored unencrypted (with a warning).
/// </summary>
public static class EncryptionKeys
{
    public static AtRestEncryption? Resolve(SiloSettings s, out string? warning)
    {
        warning = null;
        if (!string.IsNullOrWhiteSpace(s.EncryptionKeys)) return new AtRestEncryption(s.EncryptionKeys);
        if (s.EncryptionKeyFile != null) return new AtRestEncryption(File.ReadAllText(s.EncryptionKeyFile).Trim());
        if (s.Redis != null)
        {
            warning = "Secrets are stored in Redis unencrypted: give every silo the same --encryption-keys (see README, Secrets at rest)";
            return null;
        }
        var file = Path.Combine(s.ResolvedDataDir, "encryption-keys");
        if (!File.Exists(file))
        {
            var tmp = file + ".tmp";
            File.WriteAllText(tmp, AtRestEncryption.NewKey("key1") + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(tmp, file);
        }
        return new AtRestEncryption(File.ReadAllText(file).Trim());
    }
}
