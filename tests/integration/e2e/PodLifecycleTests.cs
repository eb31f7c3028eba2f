using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>Pods on the real engine: env from ConfigMaps and fields, logs, exits and CrashLoopBackOff, image pull errors, graceful delete.</summary>
[Collection("docker")]
public sealed class PodLifecycleTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("pods-" + Guid.NewGuid().ToString("N")[..6]);
    ClusterClient _client = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); }
    public async Task DisposeAsync() { await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    static V1Pod Pod(string name, string image, string[]? command, string restart = "Always") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1PodSpec
        {
            RestartPolicy = restart,
            Containers = [new V1Container { Name = "main", Image = image, Command = command }],
        },
    };

    Task<V1Pod?> Get(string name) => _client.GetAsync<V1Pod>(name);

    [Fact]
    public async Task EnvFromConfigMapAndFieldsReachTheContainerAndLogsShowIt()
    {
        await _client.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings", NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["greeting"] = "hello" } });
        var pod = Pod("env", "busybox:latest", ["sh", "-c", "echo \"$GREETING from $MY_NAME in $MY_NS\"; sleep 3600"]);
        pod.Spec.Containers[0].Env =
        [
            new V1EnvVar { Name = "GREETING", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "settings", Key = "greeting" } } },
            new V1EnvVar { Name = "MY_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
            new V1EnvVar { Name = "MY_NS", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
        ];
        await _client.CreateAsync(pod);
        await Eventually.Until(() => Get("env"), p => p?.Status?.Phase == "Running", TimeSpan.FromSeconds(30), "pod running");
        var logs = await Eventually.Until(() => CliRunner.RunAsync(_silo.Gateway, "logs", "env"), r => r.Out.Contains("hello"), TimeSpan.FromSeconds(15), "the log line");
        Assert.Equal("hello from env in default", logs.Out.Trim());

        // Graceful delete: the container stops (an init makes that quick) and the pod disappears.
        var del = await CliRunner.RunAsync(_silo.Gateway, "delete", "pod", "env");
        Assert.Equal("pod \"env\" deleted", del.Out.Trim());
        Assert.Null(await Get("env"));
        await Eventually.Until(() => Engine.ListAsync(_silo.NodeName, all: true), c => c.Count == 0, TimeSpan.FromSeconds(20), "container removed");
    }

    [Fact]
    public async Task ExitingContainerIsRestartedWithCrashLoopBackOff()
    {
        await _client.CreateAsync(Pod("crash", "busybox:latest", ["sh", "-c", "echo boom; exit 3"]));
        var p = await Eventually.Until(() => Get("crash"),
            x => x?.Status?.ContainerStatuses?.FirstOrDefault() is { RestartCount: >= 1 } cs && cs.State?.Waiting?.Reason == "CrashLoopBackOff",
            TimeSpan.FromSeconds(40), "CrashLoopBackOff");
        var cs = p!.Status.ContainerStatuses[0];
        Assert.Equal(3, cs.LastState.Terminated.ExitCode);
        Assert.Equal("Error", cs.LastState.Terminated.Reason);
        var get = await CliRunner.RunAsync(_silo.Gateway, "get", "pod", "crash");
        Assert.Matches(@"crash\s+0/1\s+CrashLoopBackOff\s+\d+ \(\d+s ago\)\s+\d+s", get.Out);
        var previous = await CliRunner.RunAsync(_silo.Gateway, "logs", "crash", "--previous");
        Assert.Equal("boom", previous.Out.Trim());
        // Only the latest two attempts are kept on the engine.
        Assert.True((await Engine.ListAsync(_silo.NodeName, all: true)).Count <= 2);
    }

    [Fact]
    public async Task MissingImageGivesErrImagePullThenBackOff()
    {
        await _client.CreateAsync(Pod("noimage", "cluster-test/does-not-exist:1", null));
        await Eventually.Until(() => Get("noimage"),
            x => x?.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff", TimeSpan.FromSeconds(30), "ErrImagePull");
        var p = await Eventually.Until(() => Get("noimage"),
            x => x?.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason == "ImagePullBackOff", TimeSpan.FromSeconds(30), "ImagePullBackOff");
        Assert.Equal("Pending", p!.Status.Phase);
        // Events are written from a queue, moments after they are recorded.
        await Eventually.Until(() => _client.ListAsync<Corev1Event>(fieldSelector: "involvedObject.name=noimage"),
            events => events.Any(e => e.Reason == "Failed" && e.Message.Contains("Failed to pull image")), TimeSpan.FromSeconds(10), "the Failed event");
    }

    [Fact]
    public async Task PublishedPortAnswersOnLoopbackAndLimitsApply()
    {
        var pod = Pod("web", "nginx:latest", null);
        pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 80 }];
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi"), ["cpu"] = new("500m") } };
        await _client.CreateAsync(pod);
        var p = await Eventually.Until(() => Get("web"), x => x?.Metadata.Annotations?.ContainsKey("cluster.local/host-ports") == true, TimeSpan.FromSeconds(30), "host port recorded");
        var port = int.Parse(p!.Metadata.Annotations["cluster.local/host-ports"].Split('=')[1]);
        using var http = new HttpClient();
        Assert.Contains("cluster test web server", await http.GetStringAsync($"http://127.0.0.1:{port}/"));
        var id = (await Engine.ListAsync(_silo.NodeName)).Single().Id;
        var inspect = await Engine.RunAsync("inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.Init}}", id);
        Assert.Equal($"{64 * 1024 * 1024} 500000000 true", inspect.Trim());
    }
}
