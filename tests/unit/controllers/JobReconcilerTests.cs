using Cluster.Grains.Controllers.Jobs;
using k8s.Models;

namespace Cluster.Tests.Unit.Controllers;

public class JobReconcilerTests
{
    static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    static V1Job Job(int? completions = 5, int? parallelism = 2, int backoffLimit = 6, long? deadline = null, string restart = "Never")
    {
        var j = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "work", NamespaceProperty = "default", Uid = "job-uid" },
            Spec = new V1JobSpec
            {
                Completions = completions, Parallelism = parallelism, BackoffLimit = backoffLimit, ActiveDeadlineSeconds = deadline,
                Template = new V1PodTemplateSpec { Spec = new V1PodSpec { RestartPolicy = restart, Containers = [new V1Container { Name = "c", Image = "busybox" }] } },
            },
        };
        JobReconciler.Label(j);
        return j;
    }

    static V1Pod Pod(string name, string phase, DateTime? finished = null, int restarts = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, CreationTimestamp = Now.AddMinutes(-1) },
        Status = new V1PodStatus
        {
            Phase = phase,
            ContainerStatuses = [new V1ContainerStatus { Name = "c", RestartCount = restarts, State = new V1ContainerState { Terminated = finished == null ? null : new V1ContainerStateTerminated { FinishedAt = finished } } }],
        },
    };

    [Fact]
    public void RunsParallelismPodsLabelledAndOwnedByTheJob()
    {
        var plan = JobReconciler.Plan(Job(), [], Now, new Random(1));
        Assert.Equal(2, plan.Create.Count);
        Assert.All(plan.Create, p =>
        {
            Assert.StartsWith("work-", p.Metadata.Name);
            Assert.Equal("job-uid", Assert.Single(p.Metadata.OwnerReferences).Uid);
            Assert.Equal("work", p.Metadata.Labels["job-name"]);
            Assert.Equal("job-uid", p.Metadata.Labels[JobReconciler.ControllerUidLabel]);
        });
        Assert.Equal(Now, plan.Status.StartTime);
        Assert.False(plan.Finished);
    }

    [Fact]
    public void NeverRunsMoreThanTheCompletionsLeft()
    {
        var pods = new[] { Pod("a", "Succeeded"), Pod("b", "Succeeded"), Pod("c", "Succeeded"), Pod("d", "Succeeded"), Pod("e", "Running") };
        var plan = JobReconciler.Plan(Job(), pods, Now);
        Assert.Empty(plan.Create);
        Assert.Equal(4, plan.Status.Succeeded);
        Assert.Equal(1, plan.Status.Active);
    }

    [Fact]
    public void CompletesAtTheRequestedSuccesses()
    {
        var pods = Enumerable.Range(0, 5).Select(i => Pod("p" + i, "Succeeded")).ToArray();
        var plan = JobReconciler.Plan(Job(), pods, Now);
        Assert.True(plan.Finished);
        Assert.Equal(Now, plan.Status.CompletionTime);
        Assert.Contains(plan.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
        Assert.Empty(plan.Create);
    }

    [Fact]
    public void FailsPastTheBackoffLimitAndStopsWhatRuns()
    {
        var pods = new[] { Pod("a", "Failed", Now.AddSeconds(-30)), Pod("b", "Failed", Now.AddSeconds(-5)), Pod("c", "Running") };
        var plan = JobReconciler.Plan(Job(backoffLimit: 1), pods, Now);
        Assert.True(plan.Finished);
        var failed = Assert.Single(plan.Status.Conditions, c => c.Type == "Failed");
        Assert.Equal("BackoffLimitExceeded", failed.Reason);
        Assert.Equal(["c"], plan.Delete);
        Assert.Equal(2, plan.Status.Failed);
    }

    [Fact]
    public void ReplacesAFailedPodOnlyAfterTheBackoff()
    {
        var pods = new[] { Pod("a", "Failed", Now.AddSeconds(-4)) };
        var plan = JobReconciler.Plan(Job(completions: 1, parallelism: 1), pods, Now);
        Assert.Empty(plan.Create);
        Assert.Equal(TimeSpan.FromSeconds(6), plan.RequeueAfter);
        plan = JobReconciler.Plan(Job(completions: 1, parallelism: 1), pods, Now.AddSeconds(7));
        Assert.Single(plan.Create);
    }

    [Fact]
    public void RestartsUnderOnFailureCountAgainstTheBackoffLimit()
    {
        var plan = JobReconciler.Plan(Job(completions: 1, parallelism: 1, backoffLimit: 2, restart: "OnFailure"), [Pod("a", "Running", restarts: 3)], Now);
        Assert.True(plan.Finished);
        Assert.Contains(plan.Status.Conditions, c => c.Type == "Failed" && c.Reason == "BackoffLimitExceeded");
    }

    [Fact]
    public void FailsPastTheActiveDeadline()
    {
        var job = Job(deadline: 30);
        job.Status = new V1JobStatus { StartTime = Now.AddSeconds(-31) };
        var plan = JobReconciler.Plan(job, [Pod("a", "Running")], Now);
        Assert.Contains(plan.Status.Conditions, c => c.Type == "Failed" && c.Reason == "DeadlineExceeded");
        Assert.Equal(["a"], plan.Delete);

        job.Status = new V1JobStatus { StartTime = Now.AddSeconds(-10) };
        plan = JobReconciler.Plan(job, [Pod("a", "Running")], Now);
        Assert.False(plan.Finished);
        Assert.Equal(TimeSpan.FromSeconds(20), plan.RequeueAfter);
    }
}
