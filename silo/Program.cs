using Cluster.Grains.Nodes;
using Cluster.Grains.Runtime;
using Cluster.Grains.Runtime.Docker;
using Cluster.Grains.Scheduling;
using Cluster.Silo.Agents;
using Cluster.Silo.Hosting;
using Cluster.Silo.Http;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry;
using OpenTelemetry.Trace;

// A silo: one machine's member of the cluster. It hosts grains, this machine's node agent, and the HTTP port
// (health, version, the Kubernetes API for kubectl and the official clients, and the Orleans dashboard).
// Flags (options without a value) become "--flag=true" for the configuration's command-line provider.
// Kubernetes timestamps through the fast converter: installed when Cluster.GrainInterfaces loads, which this makes sure
// of before anything serializes (the library's options cannot change once used).
if (Cluster.Interfaces.Api.FastDateTimeConverter.Installed == null) Console.Error.WriteLine("cluster-silo: timestamps use the library's slower converter");
args = args.Select((a, i) => SiloSettings.Flags.Contains(a) && (i + 1 >= args.Length || args[i + 1] is not ("true" or "false")) ? a + "=true" : a).ToArray();
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables("CLUSTER_");
builder.Configuration.AddCommandLine(args, SiloSettings.Switches);
var settings = new SiloSettings();
builder.Configuration.GetSection("Cluster").Bind(settings);
// CLUSTER_NODE_NAME style variables map onto the same settings.
foreach (var (sw, key) in SiloSettings.Switches)
{
    var env = Environment.GetEnvironmentVariable("CLUSTER_" + sw[2..].Replace('-', '_').ToUpperInvariant());
    if (env != null && !args.Any(a => a == sw || a.StartsWith(sw + "="))) builder.Configuration[key] = env;
}
builder.Configuration.GetSection("Cluster").Bind(settings);

var problems = settings.Problems().ToList();
if (problems.Count > 0)
{
    foreach (var p in problems) Console.Error.WriteLine($"cluster-silo: {p}");
    return 2;
}
Directory.CreateDirectory(settings.ResolvedDataDir);

builder.Logging.AddFilter("Polly", LogLevel.Warning);
builder.Logging.AddFilter("Orleans", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; o.IncludeScopes = true; });

builder.Services.AddSingleton(settings);
var sealer = EncryptionKeys.Resolve(settings, out var encryptionWarning);
if (sealer != null) builder.Services.AddSingleton(sealer);
// Authentication and authorisation: tokens signed with the cluster's key or listed in the token file; RBAC.
var signingKey = Cluster.Silo.Security.ClusterSigningKey.LoadOrCreate(settings);
var tokens = new Cluster.Grains.Security.TokenAuthenticator(signingKey,
    settings.TokenAuthFile != null ? Cluster.Grains.Security.TokenAuthenticator.ReadTokenFile(settings.TokenAuthFile) : new Dictionary<string, Cluster.Interfaces.Security.UserInfo>());
builder.Services.AddSingleton(tokens);
builder.Services.AddSingleton(new Cluster.Grains.Security.SecurityOptions
{
    AnonymousIsAdmin = settings.InsecureLocal, InternalSecret = Cluster.Grains.Security.SecurityOptions.DeriveInternalSecret(signingKey),
});
builder.Services.AddSingleton<Cluster.Grains.Security.Authorizer>();
builder.Services.AddSingleton<NodeAgentRegistry>();
builder.Services.AddSingleton<Cluster.Silo.Api.KubeApi>();
builder.Services.AddSingleton<Cluster.Silo.Api.AuditLog>();
builder.Services.AddSingleton<Cluster.Silo.Api.ListWatchLimits>();
Cluster.Silo.Api.ClientRateLimits.Add(builder.Services, settings);
builder.Services.AddSingleton<IContainerRuntime>(sp => NodeAgentHost.CreateRuntime(settings, sp));
builder.Services.Configure<SchedulerOptions>(o => o.Strategy = settings.Scheduler);
// TLS unless --insecure-local: a serving certificate from the cluster CA (or the one given); client certificates
// are asked for and checked by the authenticator (a request without one may still bring a token).
var tls = Cluster.Silo.Security.ApiTls.Enabled(settings) ? Cluster.Silo.Security.ApiTls.Load(settings) : null;
if (tls != null) builder.Services.AddSingleton(tls);
builder.WebHost.UseUrls($"{(tls != null ? "https" : "http")}://{settings.ApiAddress}:{settings.ApiPort}");
if (tls != null)
    builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h =>
    {
        h.ServerCertificate = tls.ServingCertificate;
        h.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
        h.AllowAnyClientCertificate(); // verified against the cluster CA by the authenticator, which can say why
    }));

// OpenTelemetry. Metrics: the cluster's (reconcile duration, work-queue depth, scheduling latency, pods by phase,
// container start), the service proxies' and Orleans' own. Traces (API request -> reconciles -> scheduling ->
// container start, across silos) and logs: only when the standard OTEL_EXPORTER_OTLP_* variables name a collector,
// so that an untraced silo pays nothing for spans. Log lines carry the trace and span ids of the work they belong to.
var otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
var otel = builder.Services.AddOpenTelemetry()
    .ConfigureResource(r => r.AddService("cluster-silo", serviceInstanceId: settings.NodeName))
    .WithMetrics(m => m.AddMeter(Cluster.Grains.Telemetry.Telemetry.Name, "Cluster.ServiceProxy", "Microsoft.Orleans"));
if (otlp)
    otel.WithTracing(t => t.AddSource(Cluster.Grains.Telemetry.Telemetry.Name, "Microsoft.AspNetCore", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"))
        .WithLogging()
        .UseOtlpExporter();

builder.UseOrleans(silo =>
{
    OrleansSetup.Configure(silo, settings, tls, tracing: otlp);
    silo.AddIncomingGrainCallFilter<Cluster.Grains.Security.AuthorizationFilter>();
    if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CallCounts.Variable))) silo.AddIncomingGrainCallFilter<CallCounts>();
    silo.Services.AddSingleton<Cluster.Interfaces.Calls.IOutgoingCallMark, Cluster.Grains.Security.InternalCalls>();
    silo.AddDashboard();
    Cluster.Silo.Http.DashboardMetrics.Replace(silo.Services);
});
builder.Services.AddHostedService<Bootstrap>();
builder.Services.AddHostedService<NodeAgentHost>();
builder.Services.AddSingleton<Cluster.Silo.Networking.ServiceProxy>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<Cluster.Silo.Networking.ServiceProxy>());
builder.Services.AddSingleton<Cluster.Grains.Networking.IServiceTrafficSource>(sp => sp.GetRequiredService<Cluster.Silo.Networking.ServiceProxy>());
builder.Services.AddHostedService<Cluster.Silo.Networking.IngressProxy>();
builder.Services.AddHostedService<NodeLifecycleHost>();
builder.Services.AddHostedService<CustomKindWatcher>();
builder.Services.Configure<NodeLifecycleOptions>(o => o.GracePeriod = TimeSpan.FromSeconds(settings.NodeGraceSeconds));

var app = builder.Build();
// Every mutating API request goes to the audit log once it is answered (refusals by the rate limiter included).
var audit = app.Services.GetRequiredService<Cluster.Silo.Api.AuditLog>();
app.Use(async (context, next) =>
{
    if (!Cluster.Silo.Api.AuditLog.Audited(context.Request)) { await next(context); return; }
    var received = DateTime.UtcNow;
    try { await next(context); }
    finally { audit.Record(context, received); }
});
app.UseRateLimiter();
Cluster.Silo.Security.ApiAuthentication.Use(app);
Cluster.Silo.Api.ListWatchLimits.Use(app);

// Fail fast, in one line, when the container engine is not there.
if (app.Services.GetRequiredService<IContainerRuntime>() is DockerRuntime docker && await docker.ProbeAsync(CancellationToken.None) is { } why)
{
    Console.Error.WriteLine($"cluster-silo: no Docker Engine answers at {docker.Endpoint} ({why}); start one (scripts/ensure-docker.sh), point --docker-host or DOCKER_HOST at it, or run with --runtime simulated");
    return 1;
}

var started = false;
app.Lifetime.ApplicationStarted.Register(() =>
{
    started = true;
    var baseUrl = Cluster.Silo.Security.AdminKubeconfig.BaseUrl(settings);
    app.Logger.LogInformation("cluster silo {Node} ready: API {Url}, health {Url}/healthz, dashboard {Url}/dashboard, gateway 127.0.0.1:{Gateway}, data {Data}",
        settings.NodeName, baseUrl, baseUrl, baseUrl, settings.GatewayPort, settings.Redis != null ? $"redis {settings.Redis}" : settings.ResolvedDataDir);
    if (encryptionWarning != null) app.Logger.LogWarning("{Warning}", encryptionWarning);
    else app.Logger.LogInformation("Secrets are encrypted at rest (AES-256-GCM, key {Key})", sealer!.PrimaryKeyId);
});
HealthEndpoints.Map(app, () => started);
Cluster.Silo.Api.KubeApi.Map(app);
app.MapGet("/metrics/services", (Cluster.Silo.Networking.ServiceProxy proxy) => Results.Json(proxy.Stats.ToDictionary(kv => kv.Key, kv => new
{
    connections = kv.Value.Connections, active = kv.Value.Active, bytes = kv.Value.Bytes, errors = kv.Value.Errors,
    requestsPerSecond = kv.Value.RatePerSecond, errorRatio = kv.Value.ErrorRatio,
})));
LazyDashboard.Map(app, "/dashboard");
await app.RunAsync();
return 0;
