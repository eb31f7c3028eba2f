using Cluster.Grains.Nodes;
using Cluster.Grains.Runtime;
using k8s.Models;

namespace Cluster.Tests.Unit.Nodes;

public class PodSyncTests
{
    static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    static readonly Dictionary<string, Waiting> None = new();

    static RuntimeContainer C(string id, int attempt, string state, int exit = 0, DateTime? started = null, DateTime? finished = null) =>
        new(id, "n1", "uid-p", "default", "p", "c", attempt, state, exit, started ?? Now.AddMinutes(-1), finished, "nginx", "sha", new Dictionary<int, int> { [80] = 32768 }, "172.17.0.2");

    [Fact]
    public void StartsAMissingContainer()
    {
        var plan = PodSync.Plan(TestObjects.Pod("p", "n1"), [], None, Now);
        var start = Assert.IsType<StartContainer>(Assert.Single(plan.Actions));
        Assert.Equal(0, start.Attempt);
    }

    [Fact]
    public void RunningContainerIsLeftAlone() =>
        Assert.Empty(PodSync.Plan(TestObjects.Pod("p", "n1"), [C("a", 0, ContainerStates.Running)], None, Now).Actions);

    [Fact]
    public void ExitedContainerRestartsWithExponentialBackoff()
    {
        var pod = TestObjects.Pod("p", "n1");
        // First exit: restarted at once.
        var first = PodSync.Plan(pod, [C("a", 0, ContainerStates.Exited, 1, finished: Now.AddSeconds(-1))], None, Now);
        Assert.Equal(1, Assert.IsType<StartContainer>(Assert.Single(first.Actions)).Attempt);
        // Second exit, 5 s ago: in CrashLoopBackOff for 10 s.
        var second = PodSync.Plan(pod, [C("a", 0, ContainerStates.Exited, 1), C("b", 1, ContainerStates.Exited, 1, finished: Now.AddSeconds(-5))], None, Now);
        Assert.Empty(second.Actions);
        Assert.Equal("CrashLoopBackOff", second.Waiting["c"].Reason);
        Assert.Equal(Now.AddSeconds(5), second.Waiting["c"].NextAttempt);
        Assert.Equal(TimeSpan.FromSeconds(40), PodSync.Backoff(3));
        Assert.Equal(TimeSpan.FromMinutes(5), PodSync.Backoff(12));
    }

    [Fact]
    public void NeverRestartPolicyLeavesExitedContainers()
    {
        var pod = TestObjects.Pod("p", "n1");
        pod.Spec.RestartPolicy = "Never";
        Assert.Empty(PodSync.Plan(pod, [C("a", 0, ContainerStates.Exited, 0, finished: Now)], None, Now).Actions);
        var status = PodStatusBuilder.Build(pod, [C("a", 0, ContainerStates.Exited, 0, finished: Now)], None, "127.0.0.1", Now);
        Assert.Equal("Succeeded", status.Phase);
    }

    [Fact]
    public void TerminatingPodStopsWithinGraceAndFinalizes()
    {
        var pod = TestObjects.Pod("p", "n1");
        pod.Metadata.DeletionTimestamp = Now.AddSeconds(30);
        var plan = PodSync.Plan(pod, [C("a", 0, ContainerStates.Running)], None, Now);
        Assert.True(plan.Finalize);
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.IsType<StopContainer>(plan.Actions[0]).Grace);
        Assert.IsType<RemoveContainer>(plan.Actions[1]);
    }

    [Fact]
    public void ImagePullFailureBacksOff()
    {
        var waiting = new Dictionary<string, Waiting> { ["c"] = new("ErrImagePull", "pull failed", 1, Now.AddSeconds(10)) };
        var plan = PodSync.Plan(TestObjects.Pod("p", "n1"), [], waiting, Now);
        Assert.Empty(plan.Actions);
        Assert.Equal("ImagePullBackOff", plan.Waiting["c"].Reason);
        var later = PodSync.Plan(TestObjects.Pod("p", "n1"), [], waiting, Now.AddSeconds(11));
        Assert.IsType<StartContainer>(Assert.Single(later.Actions));
    }

    [Fact]
    public void StatusReportsRunningReadyAndRestarts()
    {
        var pod = TestObjects.Pod("p", "n1");
        var status = PodStatusBuilder.Build(pod, [C("a", 0, ContainerStates.Exited, 2, finished: Now.AddSeconds(-3)), C("b", 1, ContainerStates.Running)], None, "127.0.0.1", Now);
        Assert.Equal("Running", status.Phase);
        var cs = Assert.Single(status.ContainerStatuses);
        Assert.True(cs.Ready);
        Assert.Equal(1, cs.RestartCount);
        Assert.Equal(2, cs.LastState.Terminated.ExitCode);
        Assert.Contains(status.Conditions, c => c.Type == "Ready" && c.Status == "True");
        Assert.Equal("172.17.0.2", status.PodIP);
    }
}
