using System.Security.Cryptography;
using Cluster.Silo.Hosting;
using StackExchange.Redis;

namespace Cluster.Silo.Security;

/// <summary>
/// The key that signs the cluster's tokens (ECDSA P-256), shared by every silo: on one machine a file in the data
/// directory (DATA/pki/signing-key.pem, 0600), with Redis a key in the store that the first silo sets and every
/// later one reads (SET NX), so tokens any silo issues verify on all of them.
/// </summary>
public static class ClusterSigningKey
{
    public static ECDsa LoadOrCreate(SiloSettings s)
    {
        var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = fresh.ExportPkcs8PrivateKeyPem();
        if (s.Redis is { } redis)
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false;
            using var mux = ConnectionMultiplexer.Connect(options);
            var db = mux.GetDatabase();
            var key = $"cluster:{s.ClusterId}:pki:signing-key";
            db.StringSet(key, pem, when: When.NotExists);
            pem = (string?)db.StringGet(key) ?? throw new InvalidOperationException($"could not read {key} from Redis");
        }
        else
        {
            var dir = Path.Combine(s.ResolvedDataDir, "pki");
            Directory.CreateDirectory(dir);
            var file = Path.Combine(dir, "signing-key.pem");
            if (File.Exists(file)) pem = File.ReadAllText(file);
            else
            {
                File.WriteAllText(file, pem);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        var key2 = ECDsa.Create();
        key2.ImportFromPem(pem);
        return key2;
    }
}
