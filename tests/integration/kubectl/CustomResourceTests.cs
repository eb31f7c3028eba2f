using Cluster.Client;
using Cluster.Tests.Integration.Support;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.Kubectl;

/// <summary>
/// CustomResourceDefinitions through kubectl (simulated nodes): the kind appears in discovery and OpenAPI, objects
/// of it are created, listed with the definition's printer columns, watched and deleted; the schema refuses a bad
/// object and prunes undeclared fields; deleting the definition deletes its objects.
/// </summary>
public sealed class CustomResourceTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("crd-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
    Support.Kubectl _kubectl = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _kubectl = new Support.Kubectl(_silo.ApiPort); }
    public async Task DisposeAsync() { _kubectl.Dispose(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    public const string CronTabDefinition = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: crontabs.stable.example.com
        spec:
          group: stable.example.com
          scope: Namespaced
          names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [cronSpec]
                    properties:
                      cronSpec: {type: string, pattern: '^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$'}
                      image: {type: string}
                      replicas: {type: integer, minimum: 1, maximum: 10, default: 1}
            additionalPrinterColumns:
            - {name: Spec, type: string, jsonPath: .spec.cronSpec}
            - {name: Replicas, type: integer, jsonPath: .spec.replicas}
            - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
        """;

    [Fact]
    public async Task ACustomKindIsServedValidatedListedWatchedAndDeleted()
    {
        var r = await _kubectl.ApplyAsync(CronTabDefinition);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created", r.Out);
        r = await _kubectl.RunAsync("wait", "--for=condition=established", "--timeout=20s", "crd/crontabs.stable.example.com");
        Assert.True(r.ExitCode == 0, r.ToString());

        // Discovery and OpenAPI know the kind.
        r = await _kubectl.RunAsync("api-resources", "--api-group=stable.example.com");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"crontabs\s+ct\s+stable.example.com/v1\s+true\s+CronTab", r.Out);
        r = await _kubectl.RunAsync("explain", "crontab.spec");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("cronSpec", r.Out);

        // A watcher started before the objects exist sees them come and go.
        var (watch, watched) = _kubectl.Start("get", "crontabs", "--watch", "--output-watch-events");
        try
        {
            r = await _kubectl.ApplyAsync("""
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata: {name: nightly}
                spec: {cronSpec: "0 3 * * *", image: busybox, color: blue}
                """);
            // kubectl validates strictly by default: a field the schema does not declare is refused...
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("CronTab in version \"v1\" cannot be handled as a CronTab: strict decoding error: unknown field \"spec.color\"", r.Err);
            // ...and without validation it is pruned, as the API server prunes it.
            var file = Path.Combine(Path.GetTempPath(), $"crontab-{Guid.NewGuid():N}.yaml");
            await File.WriteAllTextAsync(file, """
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata: {name: nightly}
                spec: {cronSpec: "0 3 * * *", image: busybox, color: blue}
                """);
            r = await _kubectl.RunAsync("apply", "--validate=false", "-f", file);
            File.Delete(file);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("crontab.stable.example.com/nightly created", r.Out);
            r = await _kubectl.ApplyAsync("""
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata: {name: hourly}
                spec: {cronSpec: "0 * * * *", image: busybox, replicas: 3}
                """);
            Assert.True(r.ExitCode == 0, r.ToString());

            // Listed with the definition's printer columns; the default filled in; the undeclared field pruned.
            r = await _kubectl.RunAsync("get", "crontabs");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Matches(@"NAME\s+SPEC\s+REPLICAS\s+AGE", r.Out);
            Assert.Matches(@"hourly\s+0 \* \* \* \*\s+3\s+\d+s", r.Out);
            Assert.Matches(@"nightly\s+0 3 \* \* \*\s+1\s+\d+s", r.Out);
            r = await _kubectl.RunAsync("get", "ct", "nightly", "-o", "jsonpath={.spec}");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("\"replicas\":1", r.Out);
            Assert.DoesNotContain("color", r.Out);

            // The schema refuses what it forbids, with Kubernetes' wording, and nothing is stored.
            r = await _kubectl.ApplyAsync("""
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata: {name: broken}
                spec: {cronSpec: "every minute", replicas: 20}
                """);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("The CronTab \"broken\" is invalid", r.Err);
            Assert.Contains("spec.cronSpec: Invalid value: \"every minute\": spec.cronSpec in body should match", r.Err);
            Assert.Contains("spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10", r.Err);
            r = await _kubectl.ApplyAsync("""
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata: {name: broken}
                spec: {image: busybox, replicas: two}
                """);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"", r.Err.Replace("\"two\"", "\"string\""));
            Assert.Contains("spec.cronSpec: Required value", r.Err);
            r = await _kubectl.RunAsync("get", "crontab", "broken");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("crontabs.stable.example.com \"broken\" not found", r.Err);

            // An update (merge patch) and a delete.
            r = await _kubectl.RunAsync("patch", "crontab", "hourly", "--type=merge", "-p", """{"spec":{"replicas":4}}""");
            Assert.True(r.ExitCode == 0, r.ToString());
            r = await _kubectl.RunAsync("get", "crontab", "hourly", "-o", "jsonpath={.spec.replicas}");
            Assert.Equal("4", r.Out.Trim());
            r = await _kubectl.RunAsync("delete", "crontab", "hourly");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("crontab.stable.example.com \"hourly\" deleted", r.Out);

            var lines = await Eventually.Until(() => Task.FromResult(watched()), w => w.Contains("DELETED"), TimeSpan.FromSeconds(10), "the watch to see the delete");
            Assert.Matches(@"ADDED\s+nightly\s+0 3", lines);
            Assert.Matches(@"ADDED\s+hourly\s+0 \*", lines);
            Assert.Matches(@"MODIFIED\s+hourly\s+0 \* \* \* \*\s+4", lines);
            Assert.Matches(@"DELETED\s+hourly", lines);
        }
        finally { try { watch.Kill(true); } catch { } }

        // Deleting the definition deletes its objects, then the kind is gone.
        r = await _kubectl.RunAsync("delete", "crd", "crontabs.stable.example.com");
        Assert.True(r.ExitCode == 0, r.ToString());
        r = await _kubectl.RunAsync("get", "crd");
        Assert.DoesNotContain("crontabs.stable.example.com", r.Out);
        r = await _kubectl.RunAsync("get", "crontabs");
        Assert.NotEqual(0, r.ExitCode);
        // kubectl answers from its discovery cache: either way the server no longer serves the kind.
        Assert.True(r.Err.Contains("the server doesn't have a resource type \"crontabs\"") || r.Err.Contains("the server could not find the requested resource"), r.Err);
    }

    [Fact]
    public async Task TheCliAndTheSdkServeCustomKindsToo()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"crd-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "crd.yaml"), CronTabDefinition);
            await File.WriteAllTextAsync(Path.Combine(dir, "ct.yaml"), """
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata: {name: weekly, labels: {team: ops}}
                spec: {cronSpec: "0 0 * * 0", image: busybox}
                """);
            var r = await CliRunner.RunAsync(_silo.Gateway, "apply", "-f", Path.Combine(dir, "crd.yaml"));
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created", r.Out);
            r = await CliRunner.RunAsync(_silo.Gateway, "apply", "-f", Path.Combine(dir, "ct.yaml"));
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("crontab.stable.example.com/weekly created", r.Out);

            r = await CliRunner.RunAsync(_silo.Gateway, "get", "ct", "--show-labels");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Matches(@"NAME\s+SPEC\s+REPLICAS\s+AGE\s+LABELS", r.Out);
            Assert.Matches(@"weekly\s+0 0 \* \* 0\s+1\s+\d+s\s+team=ops", r.Out);
            r = await CliRunner.RunAsync(_silo.Gateway, "get", "crontabs", "-o", "name");
            Assert.Equal("crontab.stable.example.com/weekly", r.Out.Trim());
            r = await CliRunner.RunAsync(_silo.Gateway, "get", "crontab", "weekly", "-o", "yaml");
            Assert.Contains("cronSpec: 0 0 * * 0", r.Out);
            Assert.Contains("replicas: 1", r.Out);

            // The SDK: the kind resolves once connected, and objects of it are written and read as JSON.
            await using (var client = await ClusterClient.ConnectAsync(_silo.Gateway))
            {
                var kind = Cluster.Interfaces.Api.Kinds.Resolve("crontabs")!;
                Assert.Equal("stable.example.com/v1", kind.ApiVersion);
                await client.CreateJsonAsync(kind, "default", """{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"daily"},"spec":{"cronSpec":"0 1 * * *"}}""");
                var (items, _) = await client.ListJsonAsync(kind, "default");
                Assert.Equal(2, items.Count);
                var bad = await Assert.ThrowsAsync<Cluster.Interfaces.Api.ClusterApiException>(() =>
                    client.CreateJsonAsync(kind, "default", """{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"bad"},"spec":{"cronSpec":"0 1 * * *","replicas":0}}"""));
                Assert.Contains("spec.replicas in body should be greater than or equal to 1", bad.Message + string.Join(" ", bad.Result.Causes?.Select(c => c.Message) ?? []));
            }

            r = await CliRunner.RunAsync(_silo.Gateway, "delete", "crontab", "weekly");
            Assert.True(r.ExitCode == 0, r.ToString());
            r = await CliRunner.RunAsync(_silo.Gateway, "get", "crontabs", "-o", "name");
            Assert.Equal("crontab.stable.example.com/daily", r.Out.Trim());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task ABadDefinitionIsRefusedAndABuiltinKindCannotBeTaken()
    {
        var r = await _kubectl.ApplyAsync("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Galaxy
              names: {plural: widgets, kind: Widget}
              versions:
              - {name: v1, served: true, storage: true}
            """);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("spec.scope: Unsupported value: \"Galaxy\"", r.Err);
        Assert.Contains("spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required", r.Err);

        r = await _kubectl.ApplyAsync("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: pods.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: pods, kind: Pod}
              versions:
              - name: v1
                served: true
                storage: true
                schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            """);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Pod is already served by v1", r.Err);
        r = await _kubectl.RunAsync("get", "pods");
        Assert.True(r.ExitCode == 0, r.ToString());
    }
}
