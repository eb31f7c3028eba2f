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

        // The gateway: a client without a certificate the cluster CA signed cannot connect at all...
        var refused = await Assert.ThrowsAsync<ClusterConnectionException>(() => ClusterClient.ConnectAsync(_silo.Gateway));
        Assert.Contains("cannot reach the cluster", refused.Message);
        // ...and one with the certificate but no token is refused each call.
        await using (var client = await ClusterClient.ConnectAsync(_silo.Gateway, tls: GatewayTls.FromDataDir(_silo.DataDir)))
        {
            var e = await Assert.ThrowsAsync<ClusterApiException>(() => client.GetAsync<V1Namespace>("default", null));
            Assert.Equal(401, e.Result.Code);
            var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => client.ListAsync<V1Pod>());
            Assert.Equal(401, denied.Code);
        }
    }

    [Fact]
    public async Task AClientCertificateFromTheClusterCaAuthenticatesItsHolder()
    {
        var file = Path.Combine(_silo.DataDir, "carol.kubeconfig");
        var r = await CliRunner.RunAsync(_silo.Gateway, "config", "kubeconfig", "--data-dir", _silo.DataDir, "--user", "carol", "--group", "auditors", "--kubeconfig", file);
        Assert.True(r.ExitCode == 0, r.ToString());
        var config = await File.ReadAllTextAsync(file);
        Assert.Contains("client-certificate-data: ", config);
        Assert.DoesNotContain("token:", config);
        using var carol = new Support.Kubectl(file);
        r = await carol.RunAsync("auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("carol ", r.Out);
        Assert.Contains("auditors", r.Out);
        r = await carol.RunAsync("get", "pods");
        Assert.Contains("pods is forbidden: User \"carol\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"", r.Err);
        r = await _admin.RunAsync("create", "clusterrolebinding", "auditors-view", "--clusterrole=view", "--group=auditors");
        Assert.True(r.ExitCode == 0, r.ToString());
        r = await carol.RunAsync("get", "pods");
        Assert.True(r.ExitCode == 0, r.ToString());

        // A certificate another CA signed is no one here.
        var (otherCa, otherKey) = ClusterPki.NewCa();
        var (cert, key) = ClusterPki.IssueClientPem(otherCa, otherKey, "mallory", [UserInfo.Masters]);
        var forged = System.Text.RegularExpressions.Regex.Replace(config, "client-certificate-data: \\S+", "client-certificate-data: " + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(cert)));
        forged = System.Text.RegularExpressions.Regex.Replace(forged, "client-key-data: \\S+", "client-key-data: " + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(key)));
        var forgedFile = Path.Combine(_silo.DataDir, "mallory.kubeconfig");
        await File.WriteAllTextAsync(forgedFile, forged);
        using var mallory = new Support.Kubectl(forgedFile);
        r = await mallory.RunAsync("get", "pods");
        Assert.NotEqual(0, r.ExitCode);
        Assert.True(r.Err.Contains("You must be logged in to the server"), r.ToString());
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

        // A ServiceAccount's token (kubectl create token), signed by the cluster, bound to the view role in a.
        await Ok(_admin, "create", "serviceaccount", "robot", "-n", "a");
        Assert.Contains("default", (await Ok(_admin, "get", "serviceaccounts", "-n", "b")).Out);
        await Ok(_admin, "create", "rolebinding", "robot-views", "-n", "a", "--clusterrole=view", "--serviceaccount=a:robot");
        var robotToken = (await Ok(_admin, "create", "token", "robot", "-n", "a")).Out.Trim();
        Assert.Equal(3, robotToken.Split('.').Length);
        var robotConfig = Path.Combine(_silo.DataDir, "robot.kubeconfig");
        await File.WriteAllTextAsync(robotConfig, (await File.ReadAllTextAsync(_silo.AdminKubeconfig)).Replace("token: " + _silo.AdminToken, "token: " + robotToken).Replace("cluster-admin", "robot"));
        using (var robot = new Support.Kubectl(robotConfig))
        {
            Assert.Contains("web", (await Ok(robot, "get", "deployments", "-n", "a")).Out);
            await CanI(robot, "no", "create", "deployments", "-n", "a");
            r = await robot.RunAsync("delete", "deployment", "web", "-n", "a");
            Assert.True(r.Err.Contains("deployments.apps \"web\" is forbidden: User \"system:serviceaccount:a:robot\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"a\""), r.ToString());
            Assert.Equal("system:serviceaccount:a:robot", (await Ok(robot, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")).Out.Trim());
        }

        // The SDK through the gateway, with the same token: the same decisions.
        await using var sdk = await ClusterClient.ConnectAsync(_silo.Gateway, token: AliceToken, tls: GatewayTls.FromDataDir(_silo.DataDir));
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

/// <summary>
/// Two secure silos sharing Redis: one cluster CA (kept in the store) serves both APIs, so one kubeconfig verifies
/// either; the silos talk to each other over mutual TLS, and pods spread over both nodes.
/// </summary>
public sealed class SecureClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly RedisServer _redis = new();
    readonly List<SiloProcess> _silos = [];

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        var cluster = "tls" + Guid.NewGuid().ToString("N")[..6];
        foreach (var n in new[] { "a", "b" })
        {
            var s = new SiloProcess($"{cluster}-{n}", "--runtime", "simulated", "--redis", _redis.Address, "--cluster-id", cluster) { Secure = true };
            _silos.Add(s);
            await s.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _silos) { output.WriteLine($"--- {s.NodeName}\n{s.Log}"); await s.DisposeAsync(); }
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task OneCaForEverySiloAndMutualTlsBetweenThem()
    {
        var caA = await File.ReadAllTextAsync(Path.Combine(_silos[0].DataDir, "pki", "ca.crt"));
        Assert.Equal(caA, await File.ReadAllTextAsync(Path.Combine(_silos[1].DataDir, "pki", "ca.crt")));
        // Silo a's admin kubeconfig, pointed at silo b: b's certificate verifies against the same CA, a's token works on b.
        var config = (await File.ReadAllTextAsync(_silos[0].AdminKubeconfig)).Replace($":{_silos[0].ApiPort}", $":{_silos[1].ApiPort}");
        var file = Path.Combine(_silos[0].DataDir, "to-b.kubeconfig");
        await File.WriteAllTextAsync(file, config);
        using var kubectl = new Support.Kubectl(file);
        await Eventually.Until(async () => (await kubectl.RunAsync("get", "nodes", "--no-headers")).Out, o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(" Ready ")) == 2,
            TimeSpan.FromSeconds(30), "2 Ready nodes seen through silo b");
        var r = await kubectl.RunAsync("create", "deployment", "spread", "--image=nginx:latest", "--replicas=4");
        Assert.True(r.ExitCode == 0, r.ToString());
        var nodes = await Eventually.Until(async () => (await kubectl.RunAsync("get", "pods", "-o", "jsonpath={range .items[*]}{.spec.nodeName} {.status.phase}{\"\\n\"}{end}")).Out,
            o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith("Running")) == 4, TimeSpan.FromSeconds(30), "4 running pods");
        Assert.Equal(2, nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).Distinct().Count());
        Assert.DoesNotContain("handshake", string.Join("\n", _silos.Select(s => s.Log)), StringComparison.OrdinalIgnoreCase);

        // The silo-to-silo port speaks TLS, with the silo's certificate from the cluster CA.
        var creds = GatewayTls.FromDataDir(_silos[0].DataDir)!;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _silos[1].SiloPort);
        using var ssl = new System.Net.Security.SslStream(tcp.GetStream(), false);
        await ssl.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "cluster", ClientCertificates = [creds.ClientCertificate],
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is X509Certificate2 c && creds.Verifies(c),
        });
        Assert.True(ssl.IsAuthenticated);
        Assert.StartsWith("CN=cluster-apiserver-", ssl.RemoteCertificate!.Subject);
    }
}
