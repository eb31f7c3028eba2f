using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>
/// A StatefulSet of 3 with a volumeClaimTemplate on the real engine, driven with kubectl: pods start in order, each
/// with its own claim bound to a provisioned volume (a Docker named volume); data written by web-1 is there after
/// web-1 is deleted and recreated; scaling down removes web-2 first and keeps the claims; deleting a claim
/// deletes its volume (reclaimPolicy Delete).
/// </summary>
[Collection("docker")]
public sealed class StatefulSetTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("sts-" + Guid.NewGuid().ToString("N")[..6]);
    ClusterClient _client = null!;
    Support.Kubectl _kubectl = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); _kubectl = new Support.Kubectl(_silo.ApiPort); }

    public async Task DisposeAsync()
    {
        _kubectl.Dispose(); await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync();
        // The volumes this test's claims made (their claims are gone with the silo's store).
        var volumes = await Engine.RunAsync("volume", "ls", "-q", "--filter", "name=cluster-pvc-");
        foreach (var v in volumes.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            try { await Engine.RunAsync("volume", "rm", "-f", v); } catch (InvalidOperationException) { }
    }

    async Task<Support.CliRunner.Result> Kubectl(params string[] args)
    {
        var r = await _kubectl.RunAsync(args);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    async Task<string> Logs(string pod)
    {
        try { return await _client.LogsAsync("default", pod); }
        catch (Cluster.Interfaces.Api.ClusterApiException) { return ""; }
    }

    [Fact]
    public async Task OrderedStartStableStorageAndScaleDownFromTheTop()
    {
        var file = Path.Combine(Path.GetTempPath(), $"sts-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              clusterIP: None
              selector: {app: web}
              ports: [{port: 80}]
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: web}
            spec:
              serviceName: web
              replicas: 3
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: web
                    image: nginx:latest
                    command: ["sh", "-c", "[ -f /data/id ] || echo $POD_NAME-$(date +%s%N) > /data/id; echo id=$(cat /data/id); exec httpd -f -p 80 -h /www"]
                    env:
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    volumeMounts:
                    - {name: data, mountPath: /data}
              volumeClaimTemplates:
              - metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
            """);
        await Kubectl("apply", "-f", file);

        // In order: no pod starts before the one below it is Running and Ready.
        var order = new List<string>();
        await Eventually.Until(async () =>
        {
            var pods = (await _client.ListAsync<V1Pod>()).Where(p => p.Metadata.Name.StartsWith("web-")).OrderBy(p => p.Metadata.Name).ToList();
            for (var i = 1; i < pods.Count; i++)
            {
                var below = pods.FirstOrDefault(p => p.Metadata.Name == $"web-{i - 1}");
                Assert.True(below != null, $"web-{i} exists before web-{i - 1}");
            }
            foreach (var p in pods) if (!order.Contains(p.Metadata.Name)) order.Add(p.Metadata.Name);
            return pods;
        }, p => p.Count == 3 && p.All(x => x.Status?.Phase == "Running"), TimeSpan.FromSeconds(60), "3 running pods", TimeSpan.FromMilliseconds(100));
        Assert.Equal(["web-0", "web-1", "web-2"], order);
        var ready = await Kubectl("get", "statefulset", "web");
        output.WriteLine(ready.Out);

        // One bound claim per pod, each with its own provisioned volume.
        var claims = await Kubectl("get", "pvc");
        output.WriteLine(claims.Out);
        foreach (var i in new[] { 0, 1, 2 }) Assert.Matches($@"data-web-{i}\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+RWO\s+local", claims.Out);
        output.WriteLine((await Kubectl("get", "pv")).Out);

        // The headless Service gives each pod a stable name in the service records every pod's /etc/hosts holds.
        async Task<string> HostsOf(string pod)
        {
            var c = (await Engine.ListAsync(_silo.NodeName)).First(x => x.PodName == pod && x.State == "running");
            return await Engine.RunAsync("exec", c.Id, "cat", "/etc/hosts");
        }
        async Task<string> IpOf(string pod) => (await _client.GetAsync<V1Pod>(pod))!.Status.PodIP;
        var web1Ip = await IpOf("web-1");
        var web2Ip = await IpOf("web-2");
        // Each pod's record appears once the Endpoints list it (ready) and a sync pass rewrites the file.
        var hosts = await Eventually.Until(() => HostsOf("web-0"),
            h => h.Contains($"{web1Ip}\tweb-1.web.default.svc.cluster.local") && h.Contains($"{web2Ip}\tweb-2.web.default.svc.cluster.local"),
            TimeSpan.FromSeconds(10), "web-1's and web-2's records in web-0's /etc/hosts");
        output.WriteLine(hosts);
        Assert.Contains($"{await IpOf("web-0")}\tweb-0.web.default.svc.cluster.local\tweb-0", hosts);
        Assert.Contains($"{web2Ip}\tweb-2.web.default.svc.cluster.local\tweb-2.web.default\tweb-2.web", hosts);
        Assert.Contains($"{web1Ip}\tweb.default.svc.cluster.local\tweb.default\tweb", hosts);
        // The container's own resolver reads it: its hostname is the pod's and resolves to the pod's IP.
        var web0 = (await Engine.ListAsync(_silo.NodeName)).First(x => x.PodName == "web-0" && x.State == "running");
        Assert.Equal("web-0", (await Engine.RunAsync("exec", web0.Id, "hostname")).Trim());
        Assert.Equal(await IpOf("web-0"), (await Engine.RunAsync("exec", web0.Id, "hostname", "-i")).Trim());

        // web-1's data survives web-1's replacement.
        var first = await Eventually.Until(() => Logs("web-1"), l => l.Contains("id=web-1-"), TimeSpan.FromSeconds(20), "web-1's id");
        var uid = (await _client.GetAsync<V1Pod>("web-1"))!.Metadata.Uid;
        await Kubectl("delete", "pod", "web-1");
        await Eventually.Until(() => _client.GetAsync<V1Pod>("web-1"), p => p != null && p.Metadata.Uid != uid && p.Status?.Phase == "Running", TimeSpan.FromSeconds(60), "web-1 recreated");
        var second = await Eventually.Until(() => Logs("web-1"), l => l.Contains("id="), TimeSpan.FromSeconds(20), "the new web-1's id");
        Assert.Equal(first.Trim(), second.Trim());
        // Its name follows it to its new address.
        var newIp = await IpOf("web-1");
        await Eventually.Until(() => HostsOf("web-0"), h => h.Contains($"{newIp}\tweb-1.web.default.svc.cluster.local"),
            TimeSpan.FromSeconds(10), "web-1's new address in web-0's /etc/hosts");

        // Scale down: web-2 goes first, the claims stay.
        await Kubectl("scale", "statefulset", "web", "--replicas=1");
        var seen = new List<string>();
        await Eventually.Until(async () =>
        {
            var names = (await _client.ListAsync<V1Pod>()).Where(p => p.Metadata.Name.StartsWith("web-")).Select(p => p.Metadata.Name).Order().ToList();
            if (names.Count == 2 && !seen.Contains(string.Join(",", names))) seen.Add(string.Join(",", names));
            return names;
        }, n => n.SequenceEqual(["web-0"]), TimeSpan.FromSeconds(60), "only web-0 left", TimeSpan.FromMilliseconds(100));
        Assert.All(seen, s => Assert.Equal("web-0,web-1", s)); // never web-0,web-2
        Assert.Equal(3, (await _client.ListAsync<V1PersistentVolumeClaim>()).Count);

        // Deleting web-2's claim releases its volume, which reclaimPolicy Delete removes with its data.
        var pv = (await _client.GetAsync<V1PersistentVolumeClaim>("data-web-2"))!.Spec.VolumeName;
        await Kubectl("delete", "pvc", "data-web-2");
        await Eventually.Until(() => _client.GetAsync<V1PersistentVolume>(pv, null), v => v == null, TimeSpan.FromSeconds(30), "the released volume deleted");
        var left = await Engine.RunAsync("volume", "ls", "-q", "--filter", $"name=cluster-{pv}");
        Assert.Equal("", left.Trim());
    }
}
