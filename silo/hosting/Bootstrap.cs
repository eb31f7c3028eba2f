using Cluster.Grains.Controllers.GarbageCollection;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;

namespace Cluster.Silo.Hosting;

/// <summary>
/// On start: the built-in namespaces exist, and every controller is poked once so that work interrupted by a
/// crash or a stop resumes at once (reminders re-run it too, but only at their next tick).
/// </summary>
public sealed class Bootstrap(IGrainFactory grains, SiloSettings settings, Cluster.Grains.Security.TokenAuthenticator tokens, ILogger<Bootstrap> logger) : IHostedService
{
    public static readonly string[] BuiltInNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var ns in BuiltInNamespaces)
        {
            var key = new ObjectKey("Namespace", "", ns);
            var json = Objects.ToJson(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } });
            var r = await grains.For(key).Create(json, WriteOptions.Default);
            if (!r.Ok && r.Reason != "AlreadyExists") logger.LogWarning("creating namespace {Ns} failed: {Message}", ns, r.Message);
        }
        // The default StorageClass: claims without a class get Docker named volumes on the node that first mounts them.
        var sc = new V1StorageClass
        {
            ApiVersion = "storage.k8s.io/v1", Kind = "StorageClass",
            Metadata = new V1ObjectMeta { Name = "local", Annotations = new Dictionary<string, string> { [Grains.Storage.VolumeBinding.DefaultClassAnnotation] = "true" } },
            Provisioner = Grains.Storage.VolumeBinding.Provisioner, ReclaimPolicy = "Delete", VolumeBindingMode = "Immediate",
        };
        var scResult = await grains.For(new ObjectKey("StorageClass", "", "local")).Create(Objects.ToJson(sc), WriteOptions.Default);
        if (!scResult.Ok && scResult.Reason != "AlreadyExists") logger.LogWarning("creating the default StorageClass failed: {Message}", scResult.Message);
        // RBAC defaults: cluster-admin for system:masters, admin/edit/view to bind, basic-user for everyone signed in.
        foreach (var o in Cluster.Grains.Security.BootstrapPolicy.ClusterRoles.Cast<k8s.IKubernetesObject<V1ObjectMeta>>()
                     .Concat(Cluster.Grains.Security.BootstrapPolicy.ClusterRoleBindings))
        {
            var r = await grains.For(new ObjectKey(o.Kind, "", o.Metadata.Name)).Create(Objects.ToJson(o), WriteOptions.Default);
            if (!r.Ok && r.Reason != "AlreadyExists") logger.LogWarning("creating {Kind} {Name} failed: {Message}", o.Kind, o.Metadata.Name, r.Message);
        }
        WriteAdminToken();
        // Resuming the controllers is a nudge, not a precondition: the API opens meanwhile. (With 20,000 pods stored it
        // took 15 s, and the API answered only after it.)
        _resume = Task.Run(ResumeAsync, CancellationToken.None);
    }

    Task? _resume;

    async Task ResumeAsync()
    {
        try
        {
            var namespaces = await grains.NamespaceNames();
            var poked = 0;
            foreach (var ns in namespaces)
                // Not pods: a node grain takes its pods from the index when it activates, and the scheduler every unbound
                // pod, so poking each pod (150,000 activations after a restart) adds nothing but work.
                foreach (var kind in new[] { "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob", "PersistentVolumeClaim", "HorizontalPodAutoscaler" })
                    poked += await grains.Index(kind, ns).ReconcileAll();
            await grains.GetGrain<IGarbageCollectorGrain>(0).Sweep();
            logger.LogInformation("bootstrap done: {Count} controllers resumed", poked);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // Reminders re-run every controller within their period anyway.
            logger.LogWarning("resuming the controllers stopped early ({Message}); their reminders will", e.Message);
        }
    }

    /// <summary>
    /// The first credentials: a token for the cluster admin (group system:masters) in DATA/admin.token, readable by
    /// this machine's owner only, as kubeadm leaves admin.conf on the control-plane machine. `cluster config
    /// kubeconfig` writes a kubeconfig from it.
    /// </summary>
    void WriteAdminToken()
    {
        var file = Path.Combine(settings.ResolvedDataDir, "admin.token");
        if (!(File.Exists(file) && tokens.Authenticate(File.ReadAllText(file).Trim()) != null))
        {
            Cluster.Silo.Security.ClusterSecrets.WritePrivate(file, tokens.Issue(new Cluster.Interfaces.Security.UserInfo("cluster-admin", null, [Cluster.Interfaces.Security.UserInfo.Masters])) + "\n");
            logger.LogInformation("wrote the cluster admin's token to {File}", file);
        }
        Cluster.Silo.Security.ClusterSecrets.WritePrivate(Path.Combine(settings.ResolvedDataDir, "admin.kubeconfig"), Cluster.Silo.Security.AdminKubeconfig.Render(settings, File.ReadAllText(file).Trim()));
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_resume != null) await Task.WhenAny(_resume, Task.Delay(Timeout.Infinite, ct));
    }
}
