using System.Net;
using Cluster.Grains.Store;
using Cluster.Silo.Storage;
using Orleans.Configuration;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Cluster.Silo.Hosting;

/// <summary>Orleans configuration shared by the silo and the test clusters: embedded (SQLite) or Redis-backed.</summary>
public static class OrleansSetup
{
    public static void Configure(ISiloBuilder silo, SiloSettings s, Security.ApiTls? tls = null, bool tracing = false)
    {
        // mTLS between silos and on the gateway: each side shows a certificate the cluster CA signed, so a client
        // without one cannot even connect (it still needs a token to be allowed anything).
        if (tls != null)
            silo.UseTls(tls.ServingCertificate, o =>
            {
                o.RemoteCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
                o.ClientCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
                o.RemoteCertificateValidation = (cert, _, _) => cert != null && tls.SignedByCa(cert);
                o.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = "cluster";
            });
        silo.Configure<ClusterOptions>(o => { o.ClusterId = s.ClusterId; o.ServiceId = "cluster"; });
        silo.Configure<SiloOptions>(o => o.SiloName = s.NodeName);
        silo.Configure<Orleans.Hosting.ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(10));
        // Operators: their controller grains join this silo's grain types (Orleans reads an assembly's generated manifest).
        foreach (var dll in s.ControllerAssemblies)
        {
            var assembly = System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(dll);
            silo.Services.AddSerializer(b => b.AddAssembly(assembly));
        }
        if (s.Redis is { } redis)
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false;
            silo.ConfigureEndpoints(IPAddress.Loopback, s.SiloPort, s.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseRedisClustering(o => o.ConfigurationOptions = options);
            silo.AddRedisObjectStorage(options, ObjectGrain<k8s.Models.V1Pod>.StorageName);
            silo.UseRedisReminderService(o => o.ConfigurationOptions = options);
            // Measured on this project's machines: a kill -9 is detected in 0.7-1.9 s with these (7-14 s by default).
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            });
        }
        else
        {
            silo.UseLocalhostClustering(s.SiloPort, s.GatewayPort);
            var db = Path.Combine(s.ResolvedDataDir, "cluster.db");
            silo.AddSqliteStorage(db, ObjectGrain<k8s.Models.V1Pod>.StorageName);
            silo.UseSqliteReminderService();
            // One silo: the directory cache only saves a lookup in the silo's own directory partition. Orleans
            // allocates it at its capacity (1,000,000 entries by default: 10 MB of an idle silo's 210). Not much
            // smaller than the grains a loaded silo calls, though: a miss takes the partition's lock, which at 1,000
            // entries was 2.6% of the silo's busy time in the scheduling benchmark, spinning.
            silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 100_000);
        }
        silo.Services.AddHostedService<Grains.Events.EventSink>();
        silo.Services.AddSingleton<IndexCache>();
        // Trace context rides on grain calls only when spans are exported: each call filter is one more asynchronous
        // step (a state machine and a continuation on the grain's scheduler) on both ends of every call, and without
        // a listener the filters carry nothing.
        if (tracing) silo.AddActivityPropagation();
        silo.AddOutgoingGrainCallFilter<Cluster.Interfaces.Calls.RetryUndeliveredCalls>();
        Cluster.Interfaces.Calls.InterfaceTypeCache.AddTo(silo.Services);
        silo.Services.AddPlacementDirector<Grains.Nodes.NodePlacementStrategy, Grains.Nodes.NodePlacementDirector>();
    }
}
