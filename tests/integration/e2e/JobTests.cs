using Cluster.Client;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>Jobs on the real engine, created with kubectl: completions and parallelism, the back-off limit, TTL.</summary>
[Collection("docker")]
public sealed class JobTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("jobs-" + Guid.NewGuid().ToString("N")[..6]);
    ClusterClient _client = null!;
    Support.Kubectl _kubectl = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); _kubectl = new Support.Kubectl(_silo.ApiPort); }
    public async Task DisposeAsync() { _kubectl.Dispose(); await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    async Task Apply(string yaml)
    {
        var r = await _kubectl.ApplyAsync(yaml);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    async Task<List<V1Pod>> PodsOf(string job) =>
        (await _client.ListAsync<V1Pod>()).Where(p => p.Metadata.Labels != null && p.Metadata.Labels.TryGetValue("job-name", out var n) && n == job).ToList();

    [Fact]
    public async Task FiveCompletionsTwoAtATimeAndKubectlShowsThem()
    {
        await Apply("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: five}
            spec:
              completions: 5
              parallelism: 2
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - {name: work, image: busybox:latest, command: ["sh", "-c", "sleep 1; echo done"]}
            """);
        var mostActive = 0;
        var job = await Eventually.Until(async () =>
        {
            var pods = await PodsOf("five");
            mostActive = Math.Max(mostActive, pods.Count(p => p.Status?.Phase is "Pending" or "Running"));
            return (await _client.GetAsync<V1Job>("five"))!;
        }, j => j.Status?.Conditions?.Any(c => c.Type == "Complete" && c.Status == "True") == true, TimeSpan.FromSeconds(90), "the job to complete", TimeSpan.FromMilliseconds(100));
        Assert.Equal(5, job.Status.Succeeded);
        Assert.NotNull(job.Status.CompletionTime);
        Assert.True(mostActive is >= 1 and <= 2, $"at most 2 pods at a time, saw {mostActive}");
        var pods = await PodsOf("five");
        Assert.Equal(5, pods.Count);
        Assert.All(pods, p => Assert.Equal("Succeeded", p.Status.Phase));

        var get = await _kubectl.RunAsync("get", "jobs");
        output.WriteLine(get.Out);
        var lines = get.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$", lines[0]);
        Assert.Matches(@"^five\s+Complete\s+5/5\s+\d+s\s+\d+s$", lines[1]);
        var logs = await _kubectl.RunAsync("logs", pods[0].Metadata.Name);
        Assert.Equal("done", logs.Out.Trim());
    }

    [Fact]
    public async Task AFailingJobStopsAtItsBackoffLimitAndTtlDeletesIt()
    {
        await Apply("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: broken}
            spec:
              backoffLimit: 1
              ttlSecondsAfterFinished: 3
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - {name: work, image: busybox:latest, command: ["sh", "-c", "exit 1"]}
            """);
        var job = await Eventually.Until(() => _client.GetAsync<V1Job>("broken"),
            j => j?.Status?.Conditions?.Any(c => c.Type == "Failed" && c.Status == "True") == true, TimeSpan.FromSeconds(60), "the job to fail");
        var failed = job!.Status.Conditions.Single(c => c.Type == "Failed");
        Assert.Equal("BackoffLimitExceeded", failed.Reason);
        Assert.Equal("Job has reached the specified backoff limit", failed.Message);
        Assert.Equal(2, job.Status.Failed); // the first pod and one retry (after Kubernetes' 10 s back-off)
        Assert.Equal(2, (await PodsOf("broken")).Count(p => p.Status.Phase == "Failed"));
        var get = await _kubectl.RunAsync("get", "job", "broken");
        Assert.Matches(@"broken\s+Failed\s+0/1", get.Out);

        // ttlSecondsAfterFinished: the Job and its pods go.
        await Eventually.Until(() => _client.GetAsync<V1Job>("broken"), j => j == null, TimeSpan.FromSeconds(30), "the finished job to be deleted");
        await Eventually.Until(() => PodsOf("broken"), p => p.Count == 0, TimeSpan.FromSeconds(30), "its pods to be deleted");
    }

    [Fact]
    public async Task InvalidJobsAreRefusedWithKubernetesWording()
    {
        var file = Path.Combine(Path.GetTempPath(), $"job-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: bad}
            spec:
              template:
                spec:
                  restartPolicy: Always
                  containers:
                  - {name: work, image: busybox:latest}
            """);
        var r = await _kubectl.RunAsync("apply", "-f", file);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"", r.Err);
        Assert.Null(await _client.GetAsync<V1Job>("bad"));
    }
}

/// <summary>
/// A CronJob on the real engine: a one-minute schedule runs twice in about two minutes and keeps only its history
/// limit of finished Jobs. Not in the "docker" collection: it mostly waits, so it runs beside the other classes.
/// </summary>
public sealed class CronJobTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly SiloProcess _silo = new("cron-" + Guid.NewGuid().ToString("N")[..6]);
    ClusterClient _client = null!;
    Support.Kubectl _kubectl = null!;
    public async Task InitializeAsync() { await _silo.StartAsync(); _client = await ClusterClient.ConnectAsync(_silo.Gateway); _kubectl = new Support.Kubectl(_silo.ApiPort); }
    public async Task DisposeAsync() { _kubectl.Dispose(); await _client.DisposeAsync(); output.WriteLine(_silo.Log); await _silo.DisposeAsync(); }

    [Fact]
    public async Task AOneMinuteScheduleRunsTwiceInTwoMinutesAndKeepsItsHistoryLimit()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cron-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: tick}
            spec:
              schedule: "* * * * *"
              successfulJobsHistoryLimit: 1
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers:
                      - {name: tick, image: busybox:latest, command: ["sh", "-c", "date"]}
            """);
        var r = await _kubectl.RunAsync("apply", "-f", file);
        Assert.True(r.ExitCode == 0, r.ToString());
        var started = DateTime.UtcNow;
        var seen = new HashSet<string>();
        await Eventually.Until(async () =>
        {
            foreach (var j in await _client.ListAsync<V1Job>()) seen.Add(j.Metadata.Name);
            return seen.Count;
        }, n => n >= 2, TimeSpan.FromSeconds(150), "two scheduled runs", TimeSpan.FromSeconds(1));
        output.WriteLine($"two runs {(DateTime.UtcNow - started).TotalSeconds:0} s after creation: {string.Join(", ", seen)}");
        Assert.All(seen, n => Assert.Matches(@"^tick-\d{8}$", n));

        // Both complete; only the newest finished one is kept (successfulJobsHistoryLimit: 1).
        var jobs = await Eventually.Until(() => _client.ListAsync<V1Job>(),
            js => js.Count == 1 && js.All(j => j.Status?.Conditions?.Any(c => c.Type == "Complete") == true) && seen.Max() == js[0].Metadata.Name,
            TimeSpan.FromSeconds(40), "one finished job kept");
        var cj = (await _client.GetAsync<V1CronJob>("tick"))!;
        Assert.NotNull(cj.Status.LastScheduleTime);
        Assert.NotNull(cj.Status.LastSuccessfulTime);
        var get = await _kubectl.RunAsync("get", "cronjobs");
        output.WriteLine(get.Out);
        // LAST SCHEDULE and AGE as kubectl prints them: "45s", or "2m" / "2m5s" once past two minutes.
        Assert.Matches(@"tick\s+\* \* \* \* \*\s+<none>\s+False\s+\d\s+\d+(s|m\d*s?)\s+\d+(s|m\d*s?)", get.Out);
    }
}
