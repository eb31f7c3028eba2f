using Cluster.Tests.Integration.Support;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.Kubectl;

/// <summary>The official .NET client (KubernetesClient) lists and watches Deployments against a silo.</summary>
public sealed class KubernetesClientTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("kclient-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
    public Task InitializeAsync() => _silo.StartAsync();
    public async Task DisposeAsync() { output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    [Fact]
    public async Task ListAndWatchDeployments()
    {
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{_silo.ApiPort}" });
        var d = Unit.TestObjects.Deployment("api", replicas: 2);
        d.Metadata.Uid = null; d.Metadata.Generation = null; d.Metadata.CreationTimestamp = null; d.Metadata.NamespaceProperty = null;
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(d, "default");
        Assert.Equal("api", created.Metadata.Name);
        var list = await client.AppsV1.ListNamespacedDeploymentAsync("default");
        Assert.Equal("api", Assert.Single(list.Items).Metadata.Name);

        var events = new List<(WatchEventType, V1Deployment)>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = Task.Run(async () =>
        {
            await foreach (var (type, item) in client.AppsV1.ListNamespacedDeploymentWithHttpMessagesAsync("default", resourceVersion: list.Metadata.ResourceVersion, watch: true, cancellationToken: cts.Token)
                               .WatchAsync<V1Deployment, V1DeploymentList>(cancellationToken: cts.Token))
            {
                lock (events) events.Add((type, item));
                if (type == WatchEventType.Deleted) return;
            }
        }, cts.Token);
        await Task.Delay(500);
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("{\"spec\":{\"replicas\":3}}", V1Patch.PatchType.MergePatch), "api", "default");
        await client.AppsV1.DeleteNamespacedDeploymentAsync("api", "default");
        await watch;
        lock (events)
        {
            Assert.Contains(events, e => e.Item1 == WatchEventType.Modified && e.Item2.Spec.Replicas == 3);
            Assert.Equal(WatchEventType.Deleted, events[^1].Item1);
        }
        var missing = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.AppsV1.ReadNamespacedDeploymentAsync("api", "default"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.Response.StatusCode);
    }
}
