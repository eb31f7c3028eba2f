using Cluster.Silo.Hosting;

namespace Cluster.Silo.Security;

/// <summary>The kubeconfig of the cluster admin for this silo's API (DATA/admin.kubeconfig, 0600).</summary>
public static class AdminKubeconfig
{
    public static string BaseUrl(SiloSettings s) => $"{(ApiTls.Enabled(s) ? "https" : "http")}://{s.ApiAddress}:{s.ApiPort}";

    public static string Render(SiloSettings s, string token)
    {
        var ca = ApiTls.Enabled(s) && File.Exists(ApiTls.CaPath(s))
            ? $"\n    certificate-authority-data: {Convert.ToBase64String(File.ReadAllBytes(ApiTls.CaPath(s)))}" : "";
        return $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: cluster
              cluster:
                server: {{BaseUrl(s)}}{{ca}}
            users:
            - name: cluster-admin
              user:
                token: {{token}}
            contexts:
            - name: cluster-admin@cluster
              context: {cluster: cluster, user: cluster-admin, namespace: default}
            current-context: cluster-admin@cluster

            """;
    }
}
