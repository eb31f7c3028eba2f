using System.Net;
using System.Runtime.CompilerServices;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Cluster.Client;

/// <summary>How an apply ended, in kubectl's words.</summary>
public enum ApplyOutcome { Created, Configured, Unchanged }

/// <summary>
/// The .NET SDK: connects to a cluster's Orleans gateway and reaches the same object grains (and so the same
/// admission path) as the HTTP API. Failures raise <see cref="ClusterApiException"/> with the server's Status.
/// </summary>
public sealed class ClusterClient : IAsyncDisposable
{
    public const string DefaultServer = "127.0.0.1:30000";
    readonly IHost _host;
    public IGrainFactory Grains { get; }
    public string Server { get; }

    ClusterClient(IHost host, string server)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IClusterClient>();
        Server = server;
    }

    /// <summary>Connects to the gateway at server ("host:port"), CLUSTER_SERVER, or the local one-machine cluster.</summary>
    public static async Task<ClusterClient> ConnectAsync(string? server = null, CancellationToken ct = default, string? clusterId = null, string? token = null,
        GatewayTls? tls = null)
    {
        tls ??= GatewayTls.FromEnvironment();
        // Every call carries the bearer token (CLUSTER_TOKEN by default): the silos authenticate and authorise it.
        token ??= Environment.GetEnvironmentVariable("CLUSTER_TOKEN");
        server ??= Environment.GetEnvironmentVariable("CLUSTER_SERVER") ?? DefaultServer;
        var endpoint = ParseEndpoint(server);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o => { o.ClusterId = clusterId ?? Environment.GetEnvironmentVariable("CLUSTER_CLUSTER_ID") ?? "cluster"; o.ServiceId = "cluster"; });
            c.UseStaticClustering(endpoint);
            c.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(30));
            // Fail fast when no gateway answers: the CLI should say so at once, not retry for seconds.
            c.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            // A call that finds a silo crashed but not yet declared dead is retried, not failed (see the filter).
            c.AddOutgoingGrainCallFilter<Cluster.Interfaces.Calls.RetryUndeliveredCalls>();
            Cluster.Interfaces.Calls.InterfaceTypeCache.AddTo(c.Services);
            // A secure cluster's gateway wants TLS with a client certificate its CA signed, and is verified against that CA.
            if (tls != null)
                c.UseTls(tls.ClientCertificate, o =>
                {
                    o.RemoteCertificateValidation = (cert, _, _) => cert != null && tls.Verifies(cert);
                    o.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = "cluster";
                });
            if (token != null)
                c.AddOutgoingGrainCallFilter(async call =>
                {
                    Orleans.Runtime.RequestContext.Set(Cluster.Interfaces.Security.RequestIdentity.TokenKey, token);
                    await call.Invoke();
                });
        });
        var host = builder.Build();
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(15));
            await host.StartAsync(cts.Token);
        }
        catch (Exception e)
        {
            host.Dispose();
            throw new ClusterConnectionException($"cannot reach the cluster at {server} ({e.GetBaseException().Message}); is a silo running? start one with: dotnet run --project silo");
        }
        var client = new ClusterClient(host, server);
        // The kinds the cluster's CustomResourceDefinitions register, so manifests and kind names of them resolve.
        try { await CustomKinds.RefreshAsync(client.Grains); } catch (Exception) { /* an older cluster, or a busy one: built-in kinds still work */ }
        return client;
    }

    /// <summary>Re-reads the custom kinds (after applying a CustomResourceDefinition through this client).</summary>
    public Task RefreshKindsAsync() => CustomKinds.RefreshAsync(Grains);

    static IPEndPoint ParseEndpoint(string server)
    {
        var s = server.Contains("://") ? new Uri(server).Authority : server;
        var colon = s.LastIndexOf(':');
        var hostPart = colon > 0 ? s[..colon] : s;
        var port = colon > 0 && int.TryParse(s[(colon + 1)..], out var p) ? p : 30000;
        if (hostPart is "localhost" or "") hostPart = "127.0.0.1";
        var addr = IPAddress.TryParse(hostPart, out var ip) ? ip : Dns.GetHostAddresses(hostPart).First();
        return new IPEndPoint(addr, port);
    }

    static ApiResult Check(ApiResult r) => r.Ok ? r : throw new ClusterApiException(r);

    /// <summary>
    /// A grain call whose failure inside the cluster (storage unreachable, a silo going away) becomes a clear,
    /// retryable 503 instead of a runtime exception.
    /// </summary>
    static async Task<ApiResult> Safe(Func<Task<ApiResult>> call)
    {
        try { return await call(); }
        catch (Orleans.Runtime.OrleansException e) { return ApiResult.Unavailable($"the cluster could not complete the request, retry: {FirstLine(e.Message)}"); }
        catch (TimeoutException e) { return new ApiResult(504, "Timeout", $"the request timed out, retry: {FirstLine(e.Message)}", null); }
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();

    public static ObjectKey KeyOf(KindInfo kind, string? ns, string name) => new(kind.Kind, kind.Namespaced ? ns ?? "default" : "", name);

    // ------------------------------------------------------------------ raw JSON operations

    public async Task<string> CreateJsonAsync(KindInfo kind, string? ns, string json, bool dryRun = false)
    {
        var name = k8s.KubernetesJson.Deserialize<PartialObject>(json, null).Metadata?.Name
            ?? throw new ClusterApiException(ApiResult.Invalid(kind, "", [new("FieldValueRequired", "Required value", "metadata.name")]));
        return Check(await Safe(() => Grains.For(KeyOf(kind, ns, name)).Create(json, new WriteOptions(dryRun)))).Json!;
    }

    /// <summary>Creates, or updates what the manifest states (kubectl apply's outcome words).</summary>
    public async Task<(ApplyOutcome Outcome, string Json)> ApplyJsonAsync(KindInfo kind, string? ns, string name, string json, bool dryRun = false)
    {
        var r = Check(await Safe(() => Grains.For(KeyOf(kind, ns, name)).Apply(json, new WriteOptions(dryRun))));
        var outcome = r.Code == 201 ? ApplyOutcome.Created : r.Reason == "Unchanged" ? ApplyOutcome.Unchanged : ApplyOutcome.Configured;
        return (outcome, r.Json!);
    }

    public Task<(ApplyOutcome Outcome, string Json)> ApplyAsync(Manifest m, string? defaultNamespace = null, bool dryRun = false) =>
        ApplyJsonAsync(m.Kind, m.Namespace ?? defaultNamespace ?? "default", m.Name, m.Json, dryRun);

    public async Task<string> UpdateJsonAsync(KindInfo kind, string? ns, string name, string json) =>
        Check(await Safe(() => Grains.For(KeyOf(kind, ns, name)).Update(json, WriteOptions.Default))).Json!;

    public async Task<string?> GetJsonAsync(KindInfo kind, string? ns, string name)
    {
        var r = await Safe(() => Grains.For(KeyOf(kind, ns, name)).Get());
        if (r.Code == 404) return null;
        return Check(r).Json;
    }

    public async Task<string> DeleteAsync(KindInfo kind, string? ns, string name, DeleteOptions? options = null) =>
        Check(await Safe(() => Grains.For(KeyOf(kind, ns, name)).Delete(options ?? DeleteOptions.Default))).Json!;

    /// <summary>Lists one namespace, or every namespace when ns is null (for namespaced kinds).</summary>
    public async Task<(IReadOnlyList<string> Items, long ResourceVersion)> ListJsonAsync(KindInfo kind, string? ns, string? labelSelector = null, string? fieldSelector = null)
    {
        var request = new ListRequest(labelSelector, fieldSelector);
        try
        {
            if (!kind.Namespaced) { var r = await Grains.Index(kind.Kind, "").List(request); return (r.Items, r.ResourceVersion); }
            if (ns != null) { var r = await Grains.Index(kind.Kind, ns).List(request); return (r.Items, r.ResourceVersion); }
            var all = new List<string>();
            long rv = 0;
            foreach (var n in await NamespacesAsync())
            {
                var r = await Grains.Index(kind.Kind, n).List(request);
                all.AddRange(r.Items);
                rv = Math.Max(rv, r.ResourceVersion);
            }
            return (all, rv);
        }
        catch (ArgumentException e) { throw new ClusterApiException(ApiResult.BadRequest(e.Message)); }
        catch (FormatException e) { throw new ClusterApiException(ApiResult.BadRequest(e.Message)); }
    }

    public Task<IReadOnlyList<string>> NamespacesAsync() => Grains.NamespaceNames();

    /// <summary>Watch events after fromVersion (0: from now) in one namespace (or all), until cancelled. Restarts from a fresh list on 410 Gone.</summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(KindInfo kind, string? ns, long fromVersion = 0, string? labelSelector = null,
        string? fieldSelector = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var namespaces = !kind.Namespaced ? [""] : ns != null ? [ns] : (await NamespacesAsync()).ToList();
        var versions = new Dictionary<string, long>();
        foreach (var n in namespaces)
            versions[n] = fromVersion > 0 ? fromVersion : (await Grains.Index(kind.Kind, n).List(new ListRequest(labelSelector, fieldSelector, Limit: 1))).ResourceVersion;
        var pending = namespaces.ToDictionary(n => n, n => Poll(kind, n, versions[n], labelSelector, fieldSelector));
        while (!ct.IsCancellationRequested)
        {
            var done = await Task.WhenAny(pending.Values).WaitAsync(ct);
            var n = pending.First(kv => kv.Value == done).Key;
            var result = await done;
            if (result.Gone)
            {
                var list = await Grains.Index(kind.Kind, n).List(new ListRequest(labelSelector, fieldSelector));
                foreach (var item in list.Items) yield return new WatchEvent(WatchTypes.Added, list.ResourceVersion, item);
                versions[n] = list.ResourceVersion;
            }
            else
            {
                foreach (var e in result.Events) yield return e;
                versions[n] = Math.Max(versions[n], result.ResourceVersion);
            }
            pending[n] = Poll(kind, n, versions[n], labelSelector, fieldSelector);
        }
    }

    // Short long-polls (WatchRequest.MaxPoll): an index grain being moved waits for its running calls.
    Task<WatchResult> Poll(KindInfo kind, string ns, long from, string? ls, string? fs) =>
        Grains.Index(kind.Kind, ns).Watch(new WatchRequest(from, ls, fs, WatchRequest.MaxPoll));

    // ------------------------------------------------------------------ typed operations

    public async Task<T> CreateAsync<T>(T obj, bool dryRun = false) where T : IKubernetesObject<V1ObjectMeta>
    {
        var kind = KindOf<T>();
        return KubernetesJson.Deserialize<T>(await CreateJsonAsync(kind, obj.Metadata?.NamespaceProperty, KubernetesJson.Serialize(Stamp(obj, kind)), dryRun));
    }

    public async Task<(ApplyOutcome Outcome, T Object)> ApplyAsync<T>(T obj, bool dryRun = false) where T : IKubernetesObject<V1ObjectMeta>
    {
        var kind = KindOf<T>();
        var (o, json) = await ApplyJsonAsync(kind, obj.Metadata.NamespaceProperty, obj.Metadata.Name, KubernetesJson.Serialize(Stamp(obj, kind)), dryRun);
        return (o, KubernetesJson.Deserialize<T>(json));
    }

    public async Task<T> UpdateAsync<T>(T obj) where T : IKubernetesObject<V1ObjectMeta>
    {
        var kind = KindOf<T>();
        return KubernetesJson.Deserialize<T>(await UpdateJsonAsync(kind, obj.Metadata.NamespaceProperty, obj.Metadata.Name, KubernetesJson.Serialize(Stamp(obj, kind))));
    }

    public async Task<T?> GetAsync<T>(string name, string? ns = "default") where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var json = await GetJsonAsync(KindOf<T>(), ns, name);
        return json == null ? null : KubernetesJson.Deserialize<T>(json);
    }

    public async Task<IReadOnlyList<T>> ListAsync<T>(string? ns = "default", string? labelSelector = null, string? fieldSelector = null) where T : IKubernetesObject<V1ObjectMeta>
    {
        var (items, _) = await ListJsonAsync(KindOf<T>(), ns, labelSelector, fieldSelector);
        return items.Select(j => KubernetesJson.Deserialize<T>(j)).ToList();
    }

    public Task<string> DeleteAsync<T>(string name, string? ns = "default", DeleteOptions? options = null) where T : IKubernetesObject<V1ObjectMeta> =>
        DeleteAsync(KindOf<T>(), ns, name, options);

    public async Task ScaleAsync(KindInfo kind, string? ns, string name, int replicas)
    {
        var key = KeyOf(kind, ns, name);
        var r = kind.Kind switch
        {
            "Deployment" => await Grains.GetGrain<IDeploymentGrain>(key.GrainKey).Scale(replicas),
            "ReplicaSet" => await Grains.GetGrain<IReplicaSetGrain>(key.GrainKey).Scale(replicas),
            "StatefulSet" => await Grains.GetGrain<IStatefulSetGrain>(key.GrainKey).Scale(replicas),
            _ => ApiResult.BadRequest($"{kind.Resource} cannot be scaled"),
        };
        Check(r);
    }

    IDeploymentGrain Deployment(string? ns, string name) => Grains.GetGrain<IDeploymentGrain>(KeyOf(Kinds.Deployment, ns, name).GrainKey);
    public async Task<ApiResult> RollbackAsync(string? ns, string name, long toRevision = 0) => Check(await Deployment(ns, name).Rollback(toRevision));
    public async Task PauseAsync(string? ns, string name) => Check(await Deployment(ns, name).SetPaused(true));
    public async Task ResumeAsync(string? ns, string name) => Check(await Deployment(ns, name).SetPaused(false));
    public async Task RestartAsync(string? ns, string name) => Check(await Deployment(ns, name).Restart());

    /// <summary>A container's log, fetched from the agent of the pod's node.</summary>
    public async Task<string> LogsAsync(string? ns, string pod, string? container = null, bool previous = false, int? tailLines = null, DateTime? since = null, bool timestamps = false)
    {
        var json = await GetJsonAsync(Kinds.Pod, ns, pod) ?? throw new ClusterApiException(ApiResult.NotFound(Kinds.Pod, pod));
        var p = KubernetesJson.Deserialize<V1Pod>(json);
        if (string.IsNullOrEmpty(p.Spec.NodeName))
            throw new ClusterApiException(ApiResult.BadRequest($"pod {pod} is not scheduled to a node yet"));
        var node = Grains.GetGrain<INodeGrain>(new ObjectKey("Node", "", p.Spec.NodeName).GrainKey);
        return Check(await node.Logs(new LogRequest(KeyOf(Kinds.Pod, ns, pod), container, previous, tailLines, since, timestamps))).Json ?? "";
    }

    public static KindInfo KindOf<T>() => Kinds.ByModelType(typeof(T))
        ?? throw new ArgumentException($"{typeof(T).Name} is not a kind this cluster serves");

    static T Stamp<T>(T obj, KindInfo kind) where T : IKubernetesObject<V1ObjectMeta>
    {
        obj.ApiVersion ??= kind.ApiVersion;
        obj.Kind ??= kind.Kind;
        return obj;
    }

    sealed class PartialObject { public V1ObjectMeta? Metadata { get; set; } }

    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync(TimeSpan.FromSeconds(2)); } catch { }
        _host.Dispose();
    }
}

/// <summary>The gateway could not be reached.</summary>
public sealed class ClusterConnectionException(string message) : Exception(message);

/// <summary>
/// What a client needs for a secure cluster's gateway: a client certificate the cluster CA signed (the silo writes
/// the admin's, DATA/admin.crt and admin.key) and the CA to verify the silo with (DATA/pki/ca.crt).
/// </summary>
public sealed record GatewayTls(System.Security.Cryptography.X509Certificates.X509Certificate2 ClientCertificate, System.Security.Cryptography.X509Certificates.X509Certificate2 Ca)
{
    /// <summary>From PEM files: the client certificate and key, and the CA.</summary>
    public static GatewayTls FromFiles(string certFile, string keyFile, string caFile)
    {
        var cert = Cluster.Interfaces.Security.ClusterPki.Exportable(
            System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certFile, keyFile));
        return new GatewayTls(cert, System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(caFile)));
    }

    /// <summary>CLUSTER_CLIENT_CERT, CLUSTER_CLIENT_KEY and CLUSTER_CA, when all three are set.</summary>
    public static GatewayTls? FromEnvironment() =>
        Environment.GetEnvironmentVariable("CLUSTER_CLIENT_CERT") is { } c && Environment.GetEnvironmentVariable("CLUSTER_CLIENT_KEY") is { } k
        && Environment.GetEnvironmentVariable("CLUSTER_CA") is { } ca ? FromFiles(c, k, ca) : null;

    /// <summary>A silo data directory's admin credentials (admin.crt, admin.key, pki/ca.crt), when present.</summary>
    public static GatewayTls? FromDataDir(string dir) =>
        File.Exists(Path.Combine(dir, "admin.crt")) && File.Exists(Path.Combine(dir, "admin.key")) && File.Exists(Path.Combine(dir, "pki", "ca.crt"))
            ? FromFiles(Path.Combine(dir, "admin.crt"), Path.Combine(dir, "admin.key"), Path.Combine(dir, "pki", "ca.crt")) : null;

    public bool Verifies(System.Security.Cryptography.X509Certificates.X509Certificate2 cert) => Cluster.Interfaces.Security.ClusterPki.Verify(Ca, cert);
}
