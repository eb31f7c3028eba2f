using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Cluster.Client;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Security;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.Kubectl;

/// <summary>
/// A secure silo (simulated nodes): TLS with the cluster CA, 401 without credentials, and RBAC. A token (from the
/// static token file) bound to a Role in namespace a may create Deployments in a, is refused in b and on Nodes
/// with Kubernetes' 403, and `kubectl auth can-i` says so; the SDK through the gateway gets the same answers.
/// </summary>
public sealed class SecurityTests : IAsyncLifetime
{
    const string AliceToken = "alice-0123456789abcdef";
    readonly string TokenFile = Path.Combine(Path.GetTempPath(), $"tokens-{Guid.NewGuid():N}.csv");
    readonly SiloProcess _silo;
    Support.Kubectl _admin = null!, _alice = null!;

    public SecurityTests(ITestOutputHelper output)
    {
        this.output = output;
        File.WriteAllText(TokenFile, $"{AliceToken},alice,1001,\"developers\"\n");
        _silo = new SiloProcess("sec-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated", "--token-auth-file", TokenFile) { Secure = true };
    }
    readonly ITestOutputHelper output;

    public async Task InitializeAsync()
    {
        await _silo.StartAsync();
        _admin = new Support.Kubectl(_silo.AdminKubeconfig);
        var alice = Path.Combine(_silo.DataDir, "alice.kubeconfig");
        var admin = await File.ReadAllTextAsync(_silo.AdminKubeconfig);
        await File.WriteAllTextAsync(alice, admin.Replace("token: " + _silo.AdminToken, "token: " + AliceToken).Replace("cluster-admin", "alice"));
        _alice = new Support.Kubectl(alice);
    }

    public async Task DisposeAsync() { _admin.Dispose(); _alice.Dispose(); File.Delete(TokenFile); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    HttpClient Https(string? token)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_silo.DataDir, "pki", "ca.crt")));
        var handler = new HttpClientHandler
        {
            // Verify the server against the cluster CA only.
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return cert != null && chain.Build(cert);
            },
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri(_silo.ApiUrl) };
        if (token != null) http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return http;
    }

    [Fact]
    public async Task WithoutCredentials401AndPublicEndpointsStayOpen()
    {
        using var anonymous = Https(null);
        var r = await anonymous.GetAsync("/api/v1/namespaces/default/pods");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        var status = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("Unauthorized", (string?)status["reason"]);
        Assert.Equal(401, (int)status["code"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/apis")).StatusCode);
        Assert.Equal("ok", await anonymous.GetStringAsync("/healthz"));
        Assert.Equal("ok", await anonymous.GetStringAsync("/readyz"));
        Assert.Contains("gitVersion", await anonymous.GetStringAsync("/version"));
        using var forged = Https("not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/namespaces")).StatusCode);

        // Plain HTTP is not served on a secure silo's port.
        using var plain = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync($"http://127.0.0.1:{_silo.ApiPort}/healthz"));

        // The gateway: a client without a token is refused; one with a forged token too.
        await using (var client = await ClusterClient.ConnectAsync(_silo.Gateway))
        {
            var e = await Assert.ThrowsAsync<ClusterApiException>(() => client.GetAsync<V1Namespace>("default", null));
            Assert.Equal(401, e.Result.Code);
            var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => client.ListAsync<V1Pod>());
            Assert.Equal(401, denied.Code);
        }
    }

    [Fact]
    public async Task ARoleInOneNamespaceAllowsThereAndNowhereElse()
    {
        async Task<CliRunner.Result> Ok(Support.Kubectl k, params string[] args)
        {
            var r = await k.RunAsync(args);
            Assert.True(r.ExitCode == 0, $"kubectl {string.Join(' ', args)}: {r}");
            return r;
        }
        await Ok(_admin, "create", "namespace", "a");
        await Ok(_admin, "create", "namespace", "b");
        await Ok(_admin, "create", "role", "deployer", "-n", "a", "--verb=get,list,watch,create,update,patch,delete", "--resource=deployments.apps,pods");
        await Ok(_admin, "create", "rolebinding", "alice-deploys", "-n", "a", "--role=deployer", "--user=alice");
        var bindings = await Ok(_admin, "get", "rolebindings", "-n", "a", "-o", "wide");
        Assert.Matches(@"alice-deploys\s+Role/deployer\s+\d+s\s+alice", bindings.Out);

        // kubectl auth can-i (SelfSubjectAccessReview) answers for alice.
        async Task CanI(Support.Kubectl k, string answer, params string[] args)
        {
            var r = await k.RunAsync(["auth", "can-i", .. args]);
            Assert.True(r.Out.Trim() == answer, $"kubectl auth can-i {string.Join(' ', args)}: {r}");
        }
        await CanI(_alice, "yes", "create", "deployments", "-n", "a");
        await CanI(_alice, "no", "create", "deployments", "-n", "b");
        await CanI(_alice, "no", "list", "nodes");
        await CanI(_admin, "yes", "list", "nodes");

        // What she may do works; what she may not is refused with Kubernetes' wording, and nothing changes.
        var created = await Ok(_alice, "create", "deployment", "web", "--image=nginx:latest", "-n", "a");
        Assert.Contains("deployment.apps/web created", created.Out);
        await Ok(_alice, "get", "deployments", "-n", "a");
        var r = await _alice.RunAsync("create", "deployment", "web", "--image=nginx:latest", "-n", "b");
        Assert.NotEqual(0, r.ExitCode);
        Assert.True(r.Err.Contains("deployments.apps is forbidden: User \"alice\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"b\""), r.Err);
        r = await _alice.RunAsync("get", "nodes");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group \"\" at the cluster scope", r.Err);
        r = await _alice.RunAsync("delete", "namespace", "a");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Forbidden", r.Err);
        Assert.Equal("", (await Ok(_admin, "get", "deployments", "-n", "b", "-o", "name")).Out.Trim());

        // The SDK through the gateway, with the same token: the same decisions.
        await using var sdk = await ClusterClient.ConnectAsync(_silo.Gateway, token: AliceToken);
        var ok = await sdk.CreateAsync(new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment", Metadata = new V1ObjectMeta { Name = "api", NamespaceProperty = "a" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "api" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "api" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "api", Image = "nginx:latest" }] },
                },
            },
        });
        Assert.Equal("api", ok.Metadata.Name);
        var forbidden = await Assert.ThrowsAsync<ClusterApiException>(() => sdk.GetAsync<V1Deployment>("web", "b"));
        Assert.Equal(403, forbidden.Result.Code);
        var listDenied = await Assert.ThrowsAsync<AccessDeniedException>(() => sdk.ListAsync<V1Node>(null));
        Assert.Equal(403, listDenied.Code);
        Assert.Contains("User \"alice\" cannot list resource \"nodes\"", listDenied.Message);
    }
}
