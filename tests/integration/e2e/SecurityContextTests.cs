using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>Pods' securityContext on the real engine, and Pod Security admission through kubectl: runAsNonRoot
/// with an image that runs as root never starts (the kubelet's reason); privileged and hostPath pods are refused at
/// the default level; runAsUser, readOnlyRootFilesystem and dropped capabilities reach the container.</summary>
[Collection("docker")]
public sealed class SecurityContextTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("sec-" + Guid.NewGuid().ToString("N")[..6]);
    ClusterClient _client = null!;
    Support.Kubectl _kubectl = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); _kubectl = new Support.Kubectl(_silo.ApiPort); }
    public async Task DisposeAsync() { _kubectl.Dispose(); await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    Task<CliRunner.Result> Apply(string yaml) => _kubectl.ApplyAsync(yaml);

    [Fact]
    public async Task RunAsNonRootWithARootImageIsRefusedToStart()
    {
        var r = await Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: nonroot}
            spec:
              securityContext: {runAsNonRoot: true}
              containers:
              - {name: app, image: busybox:latest, command: ["sleep", "3600"]}
            """);
        Assert.True(r.ExitCode == 0, r.ToString());
        var pod = await Eventually.Until(() => _client.GetAsync<V1Pod>("nonroot"),
            p => p?.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason == "CreateContainerConfigError", TimeSpan.FromSeconds(30), "CreateContainerConfigError");
        var message = pod!.Status.ContainerStatuses[0].State.Waiting.Message;
        output.WriteLine(message);
        Assert.StartsWith("container has runAsNonRoot and image will run as root (pod: \"nonroot_default(", message);
        Assert.Empty(await Engine.ListAsync(_silo.NodeName, all: true));
    }

    [Fact]
    public async Task PrivilegedAndHostPathPodsAreRefusedByDefault()
    {
        var r = await Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: root}
            spec:
              containers:
              - {name: app, image: busybox:latest, securityContext: {privileged: true}}
              volumes:
              - {name: host, hostPath: {path: /etc}}
            """);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("pods \"root\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"app\" must not set securityContext.privileged=true), hostPath volumes (volume \"host\")", r.Err);
        Assert.Null(await _client.GetAsync<V1Pod>("root"));
    }

    [Fact]
    public async Task UserReadOnlyRootAndCapabilitiesReachTheContainer()
    {
        var r = await Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: locked}
            spec:
              restartPolicy: Never
              securityContext: {runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true}
              containers:
              - name: app
                image: busybox:latest
                command: ["sh", "-c", "echo uid=$(id -u) gid=$(id -g); touch /probe 2>/dev/null && echo writable || echo read-only"]
                securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
            """);
        Assert.True(r.ExitCode == 0, r.ToString());
        await Eventually.Until(() => _client.GetAsync<V1Pod>("locked"), p => p?.Status?.Phase == "Succeeded", TimeSpan.FromSeconds(30), "the pod to finish");
        var logs = await _client.LogsAsync("default", "locked");
        Assert.Contains("uid=1000 gid=3000", logs);
        Assert.Contains("read-only", logs);
    }
}
