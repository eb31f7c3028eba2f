using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>Pod volumes on the real engine: configMap and secret files (updated in the running pod), emptyDir
/// shared by two containers, hostPath, and a clear reason when a volume's object is missing.</summary>
[Collection("docker")]
public sealed class VolumeTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("vol-" + Guid.NewGuid().ToString("N")[..6]);
    ClusterClient _client = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); }
    public async Task DisposeAsync() { await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    /// <summary>The container's log, or "" while it has not started.</summary>
    async Task<string> Logs(string pod, string? container = null, int? tail = null)
    {
        try { return await _client.LogsAsync("default", pod, container, tailLines: tail); }
        catch (Cluster.Interfaces.Api.ClusterApiException) { return ""; }
    }

    static V1ObjectMeta Meta(string name) => new() { Name = name, NamespaceProperty = "default" };

    [Fact]
    public async Task ConfigMapAndSecretFilesReachThePodAndAConfigMapChangeReachesTheRunningPod()
    {
        await _client.CreateAsync(new V1ConfigMap { Metadata = Meta("settings"), Data = new Dictionary<string, string> { ["greeting"] = "hello" } });
        await _client.CreateAsync(new V1Secret { Metadata = Meta("creds"), StringData = new Dictionary<string, string> { ["password"] = "s3cret" } });
        await _client.CreateAsync(new V1Pod
        {
            Metadata = Meta("reader"),
            Spec = new V1PodSpec
            {
                Volumes =
                [
                    new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = "settings" } },
                    new V1Volume { Name = "secret", Secret = new V1SecretVolumeSource { SecretName = "creds" } },
                ],
                Containers =
                [
                    new V1Container
                    {
                        Name = "main", Image = "busybox:latest",
                        Command = ["sh", "-c", "echo password=$(cat /etc/secret/password); while true; do echo greeting=$(cat /etc/config/greeting); sleep 0.3; done"],
                        VolumeMounts = [new V1VolumeMount { Name = "config", MountPath = "/etc/config" }, new V1VolumeMount { Name = "secret", MountPath = "/etc/secret" }],
                    },
                ],
            },
        });
        var logs = await Eventually.Until(() => Logs("reader"), l => l.Contains("greeting=hello"), TimeSpan.FromSeconds(30), "the configMap file in the container");
        Assert.Contains("password=s3cret", logs);

        var cm = (await _client.GetAsync<V1ConfigMap>("settings"))!;
        cm.Data["greeting"] = "bonjour";
        await _client.UpdateAsync(cm);
        var changed = DateTime.UtcNow;
        await Eventually.Until(() => Logs("reader", tail: 2), l => l.Contains("greeting=bonjour"), TimeSpan.FromSeconds(30), "the changed file in the running container");
        output.WriteLine($"ConfigMap change seen in the running container after {(DateTime.UtcNow - changed).TotalSeconds:0.0} s");
        Assert.Equal(0, (await _client.GetAsync<V1Pod>("reader"))!.Status.ContainerStatuses[0].RestartCount);
    }

    [Fact]
    public async Task EmptyDirIsSharedByTheContainersAndHostPathReachesTheHost()
    {
        var host = Path.Combine(Path.GetTempPath(), "cluster-tests", "hostpath-" + Guid.NewGuid().ToString("N")[..8]);
        // hostPath volumes are refused at the default (baseline) Pod Security level: this namespace allows them.
        var ns = (await _client.GetAsync<V1Namespace>("default", null))!;
        ns.Metadata.Labels ??= new Dictionary<string, string>();
        ns.Metadata.Labels["pod-security.kubernetes.io/enforce"] = "privileged";
        await _client.UpdateAsync(ns);
        await _client.CreateAsync(new V1Pod
        {
            Metadata = Meta("sharing"),
            Spec = new V1PodSpec
            {
                Volumes =
                [
                    new V1Volume { Name = "scratch", EmptyDir = new V1EmptyDirVolumeSource() },
                    new V1Volume { Name = "out", HostPath = new V1HostPathVolumeSource { Path = host, Type = "DirectoryOrCreate" } },
                ],
                Containers =
                [
                    new V1Container { Name = "writer", Image = "busybox:latest", Command = ["sh", "-c", "echo from-writer > /data/x; sleep 3600"], VolumeMounts = [new V1VolumeMount { Name = "scratch", MountPath = "/data" }] },
                    new V1Container
                    {
                        Name = "reader", Image = "busybox:latest",
                        Command = ["sh", "-c", "while [ ! -f /shared/x ]; do sleep 0.2; done; cat /shared/x > /host/copy; cat /shared/x; sleep 3600"],
                        VolumeMounts = [new V1VolumeMount { Name = "scratch", MountPath = "/shared" }, new V1VolumeMount { Name = "out", MountPath = "/host" }],
                    },
                ],
            },
        });
        await Eventually.Until(() => Logs("sharing", "reader"), l => l.Contains("from-writer"), TimeSpan.FromSeconds(30), "the reader to see the writer's file");
        Assert.Equal("from-writer", (await File.ReadAllTextAsync(Path.Combine(host, "copy"))).Trim());

        // The emptyDir goes with the pod.
        var volumes = Path.Combine(_silo.DataDir, "pods", _silo.NodeName);
        Assert.Single(Directory.GetDirectories(volumes));
        await _client.DeleteAsync<V1Pod>("sharing", options: new Cluster.Interfaces.Store.DeleteOptions(GracePeriodSeconds: 0));
        await Eventually.Until(() => Task.FromResult(Directory.GetDirectories(volumes).Length), n => n == 0, TimeSpan.FromSeconds(30), "the pod's volumes removed");
    }

    [Fact]
    public async Task AMissingConfigMapKeepsThePodWaitingWithTheReason()
    {
        await _client.CreateAsync(new V1Pod
        {
            Metadata = Meta("orphan"),
            Spec = new V1PodSpec
            {
                Volumes = [new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = "nope" } }],
                Containers = [new V1Container { Name = "main", Image = "busybox:latest", Command = ["sleep", "3600"], VolumeMounts = [new V1VolumeMount { Name = "config", MountPath = "/etc/config" }] }],
            },
        });
        var pod = await Eventually.Until(() => _client.GetAsync<V1Pod>("orphan"),
            p => p?.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason == "CreateContainerConfigError", TimeSpan.FromSeconds(30), "CreateContainerConfigError");
        Assert.Equal("configmap \"nope\" not found", pod!.Status.ContainerStatuses[0].State.Waiting.Message);
        await Eventually.Until(() => _client.ListAsync<Corev1Event>(), events => events.Any(e => e.Reason == "FailedMount" && e.InvolvedObject.Name == "orphan"),
            TimeSpan.FromSeconds(10), "the FailedMount event");

        // Created later, the ConfigMap lets the pod start.
        await _client.CreateAsync(new V1ConfigMap { Metadata = Meta("nope"), Data = new Dictionary<string, string> { ["k"] = "v" } });
        await Eventually.Until(() => _client.GetAsync<V1Pod>("orphan"), p => p?.Status?.Phase == "Running", TimeSpan.FromSeconds(60), "the pod to run once its ConfigMap exists");
    }
}
