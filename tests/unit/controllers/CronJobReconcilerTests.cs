using Cluster.Grains.Controllers.CronJobs;
using k8s.Models;

namespace Cluster.Tests.Unit.Controllers;

public class CronJobReconcilerTests
{
    static readonly DateTime Created = new(2026, 1, 1, 12, 0, 30, DateTimeKind.Utc);

    static V1CronJob Cron(string schedule = "* * * * *", string policy = "Allow", long? deadline = null, string? zone = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "tick", NamespaceProperty = "default", Uid = "cj-uid", CreationTimestamp = Created },
        Spec = new V1CronJobSpec
        {
            Schedule = schedule, ConcurrencyPolicy = policy, StartingDeadlineSeconds = deadline, TimeZone = zone,
            SuccessfulJobsHistoryLimit = 2, FailedJobsHistoryLimit = 1,
            JobTemplate = new V1JobTemplateSpec { Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "c", Image = "busybox" }] } } } },
        },
    };

    static V1Job Job(string name, string? condition, DateTime started) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Status = new V1JobStatus
        {
            StartTime = started, CompletionTime = condition == "Complete" ? started.AddSeconds(5) : null,
            Conditions = condition == null ? null : [new V1JobCondition { Type = condition, Status = "True" }],
        },
    };

    [Fact]
    public void NothingRunsBeforeTheFirstScheduledTime()
    {
        var plan = CronJobReconciler.Plan(Cron(), [], Created.AddSeconds(10));
        Assert.Null(plan.Create);
        Assert.Equal(TimeSpan.FromSeconds(20.1), plan.RequeueAfter);
    }

    [Fact]
    public void StartsTheJobOfTheScheduledTimeNamedAfterIt()
    {
        var now = new DateTime(2026, 1, 1, 12, 1, 2, DateTimeKind.Utc);
        var plan = CronJobReconciler.Plan(Cron(), [], now);
        Assert.NotNull(plan.Create);
        var due = new DateTime(2026, 1, 1, 12, 1, 0, DateTimeKind.Utc);
        Assert.Equal($"tick-{new DateTimeOffset(due).ToUnixTimeSeconds() / 60}", plan.Create!.Metadata.Name);
        Assert.Equal("cj-uid", Assert.Single(plan.Create.Metadata.OwnerReferences).Uid);
        Assert.Equal("2026-01-01T12:01:00Z", plan.Create.Metadata.Annotations[CronJobReconciler.ScheduledTimestampAnnotation]);
        Assert.Equal(due, plan.Status.LastScheduleTime);
        Assert.Equal(TimeSpan.FromSeconds(58.1), plan.RequeueAfter);
    }

    [Fact]
    public void AfterADowntimeOnlyTheMostRecentMissedRunStartsAndOnlyWithinTheStartingDeadline()
    {
        var cj = Cron(deadline: 30);
        cj.Status = new V1CronJobStatus { LastScheduleTime = new DateTime(2026, 1, 1, 12, 1, 0, DateTimeKind.Utc) };
        var plan = CronJobReconciler.Plan(cj, [], new DateTime(2026, 1, 1, 12, 10, 20, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2026, 1, 1, 12, 10, 0, DateTimeKind.Utc), plan.Status.LastScheduleTime);
        Assert.NotNull(plan.Create);
        plan = CronJobReconciler.Plan(cj, [], new DateTime(2026, 1, 1, 12, 10, 40, DateTimeKind.Utc));
        Assert.Null(plan.Create); // 12:10 is more than 30 s ago: missed
    }

    [Fact]
    public void ForbidSkipsWhileAJobRunsAndReplaceStopsIt()
    {
        var now = new DateTime(2026, 1, 1, 12, 2, 1, DateTimeKind.Utc);
        var cj = Cron(policy: "Forbid");
        cj.Status = new V1CronJobStatus { LastScheduleTime = new DateTime(2026, 1, 1, 12, 1, 0, DateTimeKind.Utc) };
        var running = Job("tick-1", null, now.AddSeconds(-60));
        var plan = CronJobReconciler.Plan(cj, [running], now);
        Assert.Null(plan.Create);
        Assert.NotNull(plan.Skipped);
        Assert.Single(plan.Status.Active);

        cj.Spec.ConcurrencyPolicy = "Replace";
        plan = CronJobReconciler.Plan(cj, [running], now);
        Assert.NotNull(plan.Create);
        Assert.Contains("tick-1", plan.Delete);
    }

    [Fact]
    public void KeepsOnlyTheHistoryLimits()
    {
        var t = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        var jobs = new[]
        {
            Job("s1", "Complete", t.AddMinutes(1)), Job("s2", "Complete", t.AddMinutes(2)), Job("s3", "Complete", t.AddMinutes(3)),
            Job("f1", "Failed", t.AddMinutes(4)), Job("f2", "Failed", t.AddMinutes(5)),
        };
        var cj = Cron(schedule: "0 0 1 1 *");
        var plan = CronJobReconciler.Plan(cj, jobs, t.AddMinutes(6));
        Assert.Equal(["f1", "s1"], plan.Delete.Order().ToList());
        Assert.Equal(t.AddMinutes(3).AddSeconds(5), plan.Status.LastSuccessfulTime);
    }

    [Fact]
    public void SchedulesInTheGivenTimeZone()
    {
        // 09:00 in Tokyo is 00:00 UTC.
        var plan = CronJobReconciler.Plan(Cron(schedule: "0 9 * * *", zone: "Asia/Tokyo"), [], new DateTime(2026, 1, 2, 0, 0, 5, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc), plan.Status.LastScheduleTime);
    }

    [Theory]
    [InlineData("*/5 * * * *", null)]
    [InlineData("@hourly", null)]
    [InlineData("61 * * * *", "x")]
    [InlineData("TZ=UTC * * * * *", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")]
    public void SchedulesAreValidated(string schedule, string? error)
    {
        var e = CronSchedule.ParseError(schedule, null);
        if (error == null) Assert.Null(e);
        else if (error == "x") Assert.NotNull(e);
        else Assert.Equal(error, e);
    }
}
