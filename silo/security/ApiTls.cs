using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cluster.Silo.Hosting;
using Cluster.Interfaces.Security;

namespace Cluster.Silo.Security;

/// <summary>
/// TLS on the API port. A cluster CA (ECDSA P-256, ten years) is made on first start and kept where every silo of
/// the cluster finds the same one: DATA/pki on one machine, the store with Redis (the first silo sets it). Each
/// silo signs its own serving certificate with it at start (its API address, loopback, localhost and its node
/// name). Certificates given with --tls-cert-file/--tls-private-key-file are used instead. Client certificates the
/// CA signed authenticate their holder (CN the user, O the groups), as Kubernetes' x509 authenticator does.
/// </summary>
public sealed class ApiTls
{
    public X509Certificate2 ServingCertificate { get; }
    public X509Certificate2? Ca { get; }
    ECDsa? _caKey;

    public static bool Enabled(SiloSettings s) => !s.InsecureLocal;
    public static string PkiDir(SiloSettings s) => Path.Combine(s.ResolvedDataDir, "pki");
    public static string CaPath(SiloSettings s) => Path.Combine(PkiDir(s), "ca.crt");

    ApiTls(X509Certificate2 serving, X509Certificate2? ca, ECDsa? caKey) { ServingCertificate = serving; Ca = ca; _caKey = caKey; }

    public static ApiTls Load(SiloSettings s)
    {
        Directory.CreateDirectory(PkiDir(s));
        if (s.TlsCertFile != null && s.TlsPrivateKeyFile != null)
        {
            var given = X509Certificate2.CreateFromPemFile(s.TlsCertFile, s.TlsPrivateKeyFile);
            return new ApiTls(ClusterPki.Exportable(given), LoadCa(s).Cert, null);
        }
        var (ca, caKey) = LoadCa(s);
        var serving = ClusterPki.Issue(ca, caKey!, $"cluster-apiserver-{s.NodeName}", [], server: true, SubjectNames(s));
        var tls = new ApiTls(serving, ca, caKey);
        tls.WriteAdminCertificate(s);
        return tls;
    }

    public static string AdminCertPath(SiloSettings s) => Path.Combine(s.ResolvedDataDir, "admin.crt");
    public static string AdminKeyPath(SiloSettings s) => Path.Combine(s.ResolvedDataDir, "admin.key");

    /// <summary>
    /// The cluster admin's client certificate (CN cluster-admin, O system:masters), next to the admin token: the
    /// gateway lets in only clients with a certificate the cluster CA signed, so the CLI and SDK on this machine need one.
    /// </summary>
    void WriteAdminCertificate(SiloSettings s)
    {
        if (File.Exists(AdminCertPath(s)) && File.Exists(AdminKeyPath(s))
            && Authenticate(X509Certificate2.CreateFromPemFile(AdminCertPath(s), AdminKeyPath(s))) is { User: "cluster-admin" }) return;
        var cert = IssueClient("cluster-admin", ["system:masters"]);
        ClusterSecrets.WritePrivate(AdminKeyPath(s), cert.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        ClusterSecrets.WritePrivate(AdminCertPath(s), cert.ExportCertificatePem() + "\n");
    }

    /// <summary>Signs a client certificate for a user (CN) and groups (O): what `cluster config kubeconfig --user` hands out.</summary>
    public X509Certificate2 IssueClient(string user, IReadOnlyList<string> groups) =>
        ClusterPki.Issue(Ca ?? throw new InvalidOperationException("no cluster CA"), _caKey ?? throw new InvalidOperationException("the cluster CA's key is not on this silo"), user, groups, server: false, null);

    /// <summary>True when the cluster CA signed the certificate and it is valid now (silo-to-silo and gateway TLS).</summary>
    public bool SignedByCa(X509Certificate2 cert, string? usage = null) => Ca != null && ClusterPki.Verify(Ca, cert, usage);

    /// <summary>The user a client certificate names, when the cluster CA signed it and it is valid now.</summary>
    public (string User, IReadOnlyList<string> Groups)? Authenticate(X509Certificate2 cert)
    {
        if (!SignedByCa(cert, "1.3.6.1.5.5.7.3.2")) return null; // client authentication
        var user = cert.GetNameInfo(X509NameType.SimpleName, false);
        var groups = cert.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(r => r.GetSingleElementType().Value == "2.5.4.10").Select(r => r.GetSingleElementValue() ?? "").Where(g => g.Length > 0).ToList();
        return string.IsNullOrEmpty(user) ? null : (user, groups);
    }

    /// <summary>
    /// The cluster CA, shared by every silo (<see cref="ClusterSecrets"/>). Copies go to DATA/pki/ca.crt and ca.key:
    /// kubeconfigs carry the certificate, and `cluster config kubeconfig --user` signs client certificates with the key.
    /// </summary>
    static (X509Certificate2 Cert, ECDsa? Key) LoadCa(SiloSettings s)
    {
        var both = ClusterSecrets.LoadOrCreate(s, "ca.pem", () => { var fresh = ClusterPki.NewCa(); return fresh.Cert + fresh.Key; });
        var split = both.IndexOf("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal);
        var (certPem, keyPem) = (both[..split], both[split..]);
        File.WriteAllText(CaPath(s), certPem);
        ClusterSecrets.WritePrivate(Path.Combine(PkiDir(s), "ca.key"), keyPem);
        var key2 = ECDsa.Create();
        key2.ImportFromPem(keyPem);
        return (X509Certificate2.CreateFromPem(certPem), key2);
    }

    static SubjectAlternativeNameBuilder SubjectNames(SiloSettings s)
    {
        var b = new SubjectAlternativeNameBuilder();
        b.AddIpAddress(IPAddress.Loopback);
        b.AddIpAddress(IPAddress.IPv6Loopback);
        b.AddDnsName("localhost");
        if (IPAddress.TryParse(s.ApiAddress, out var ip)) { if (!IPAddress.IsLoopback(ip)) b.AddIpAddress(ip); }
        else b.AddDnsName(s.ApiAddress);
        b.AddDnsName(s.NodeName);
        if (Environment.MachineName.ToLowerInvariant() is var host && host != s.NodeName) b.AddDnsName(host);
        b.AddDnsName("kubernetes.default.svc");
        return b;
    }
}
