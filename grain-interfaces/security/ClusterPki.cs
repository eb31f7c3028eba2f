using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cluster.Interfaces.Security;

/// <summary>The cluster CA's certificates: the CA itself, silos' serving certificates, users' client certificates.</summary>
public static class ClusterPki
{
    public static (string Cert, string Key) NewCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=cluster-ca", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
        return (cert.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public static X509Certificate2 Issue(X509Certificate2 ca, ECDsa caKey, string cn, IReadOnlyList<string> groups, bool server, SubjectAlternativeNameBuilder? sans)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = string.Join(", ", groups.Select(g => $"O={g}").Prepend($"CN={cn}"));
        var req = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        // A silo's certificate serves (API, gateway) and also dials other silos: both usages.
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            server ? [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")] : [new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (sans != null) req.CertificateExtensions.Add(sans.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signer = ECDsa.Create();
        using var cert = req.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddMinutes(-5),
            server ? DateTimeOffset.UtcNow.AddYears(1) : DateTimeOffset.UtcNow.AddYears(1), serial);
        return Exportable(cert.CopyWithPrivateKey(key));
    }

    /// <summary>A certificate with its key as Kestrel (SslStream on Linux) wants it: through PKCS#12.</summary>
    public static X509Certificate2 Exportable(X509Certificate2 c) => X509CertificateLoader.LoadPkcs12(c.Export(X509ContentType.Pkcs12), null);

    /// <summary>A client certificate for a user (CN) in groups (O), signed by the CA, as PEM (certificate, key).</summary>
    public static (string Cert, string Key) IssueClientPem(string caCertPem, string caKeyPem, string user, IReadOnlyList<string> groups)
    {
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(caKeyPem);
        var cert = Issue(X509Certificate2.CreateFromPem(caCertPem), caKey, user, groups, server: false, null);
        return (cert.ExportCertificatePem() + "\n", cert.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>True when the CA signed the certificate (and, when given, for this usage OID) and it is valid now.</summary>
    public static bool Verify(X509Certificate2 ca, X509Certificate2 cert, string? usage = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (usage != null) chain.ChainPolicy.ApplicationPolicy.Add(new Oid(usage));
        return chain.Build(cert);
    }
}
