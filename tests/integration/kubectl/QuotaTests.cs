using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.Kubectl;

/// <summary>ResourceQuota and LimitRange through kubectl (simulated nodes): defaults from the LimitRange, a pod over
/// its maximum refused, a Deployment held at the quota's pod count with FailedCreate events, and the quota's usage.</summary>
public sealed class QuotaTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("quota-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
    ClusterClient _client = null!;
    Support.Kubectl _kubectl = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); _kubectl = new Support.Kubectl(_silo.ApiPort); }
    public async Task DisposeAsync() { _kubectl.Dispose(); await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    Task<CliRunner.Result> Apply(string yaml) => _kubectl.ApplyAsync(yaml);

    [Fact]
    public async Task LimitRangeDefaultsAndQuotaLimitsHoldInANamespace()
    {
        var r = await Apply("""
            apiVersion: v1
            kind: LimitRange
            metadata: {name: defaults}
            spec:
              limits:
              - type: Container
                default: {cpu: 500m}
                defaultRequest: {cpu: 200m}
                max: {cpu: "1"}
            ---
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: compute}
            spec:
              hard: {pods: "2", requests.cpu: "1"}
            """);
        Assert.True(r.ExitCode == 0, r.ToString());

        r = await _kubectl.RunAsync("run", "plain", "--image=nginx:latest");
        Assert.True(r.ExitCode == 0, r.ToString());
        var pod = (await _client.GetAsync<V1Pod>("plain"))!;
        Assert.Equal("200m", pod.Spec.Containers[0].Resources.Requests["cpu"].ToString());
        Assert.Equal("500m", pod.Spec.Containers[0].Resources.Limits["cpu"].ToString());

        r = await Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: greedy}
            spec:
              containers:
              - {name: c, image: nginx:latest, resources: {limits: {cpu: "2"}}}
            """);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("pods \"greedy\" is forbidden: maximum cpu usage per Container is 1, but limit is 2", r.Err);
        Assert.Null(await _client.GetAsync<V1Pod>("greedy"));

        // A Deployment of 3 gets one pod: the quota allows 2 pods in all.
        r = await _kubectl.RunAsync("create", "deployment", "web", "--image=nginx:latest", "--replicas=3");
        Assert.True(r.ExitCode == 0, r.ToString());
        await Eventually.Until(() => _client.ListAsync<Corev1Event>(), e => e.Any(x => x.Reason == "FailedCreate" && x.Message.Contains("exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2")),
            TimeSpan.FromSeconds(30), "a FailedCreate event naming the quota");
        Assert.Equal(2, (await _client.ListAsync<V1Pod>()).Count);

        var get = await Eventually.Until(async () => (await _kubectl.RunAsync("get", "quota")).Out, o => o.Contains("pods: 2/2"), TimeSpan.FromSeconds(20), "the quota's usage");
        output.WriteLine(get);
        Assert.Matches(@"compute\s+\d+s\s+pods: 2/2, requests.cpu: 400m/1", get);
    }
}
