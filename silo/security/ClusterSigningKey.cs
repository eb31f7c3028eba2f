using System.Security.Cryptography;
using Cluster.Silo.Hosting;

namespace Cluster.Silo.Security;

/// <summary>
/// The key that signs the cluster's tokens (ECDSA P-256), shared by every silo (see <see cref="ClusterSecrets"/>),
/// so tokens any silo issues verify on all of them.
/// </summary>
public static class ClusterSigningKey
{
    public static ECDsa LoadOrCreate(SiloSettings s)
    {
        var pem = ClusterSecrets.LoadOrCreate(s, "signing-key.pem", () =>
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return fresh.ExportPkcs8PrivateKeyPem();
        });
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return key;
    }
}
