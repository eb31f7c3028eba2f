using Cluster.Grains.Controllers.Deployments;
using Cluster.Grains.Store;
using k8s.Models;

namespace Cluster.Tests.Unit.Controllers;

public class DeploymentReconcilerTests
{
    static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>A tiny world: ReplicaSets whose pods become available one step after they are asked for.</summary>
    sealed class World
    {
        public List<V1ReplicaSet> Sets = [];
        int _clock;

        public DeploymentPlan Step(V1Deployment d)
        {
            var plan = DeploymentReconciler.Plan(d, Sets, Now.AddSeconds(_clock++));
            foreach (var rs in plan.Create) { rs.Metadata.Uid = Guid.NewGuid().ToString(); rs.Metadata.CreationTimestamp = Now.AddSeconds(_clock); rs.Status = new V1ReplicaSetStatus(); Sets.Add(rs); }
            foreach (var rs in plan.Update) { var i = Sets.FindIndex(s => s.Metadata.Name == rs.Metadata.Name); rs.Status = Sets[i].Status; Sets[i] = rs; }
            Sets.RemoveAll(s => plan.Delete.Contains(s.Metadata.Name));
            // Scale-downs remove pods at once; scale-ups become available only at the next step.
            foreach (var rs in Sets)
            {
                var want = rs.Spec.Replicas ?? 0;
                rs.Status ??= new V1ReplicaSetStatus();
                if ((rs.Status.AvailableReplicas ?? 0) > want) rs.Status.AvailableReplicas = rs.Status.ReadyReplicas = want;
                rs.Status.Replicas = Math.Max(want, rs.Status.AvailableReplicas ?? 0);
            }
            d.Status = plan.Status;
            if (plan.Revision != null) { d.Metadata.Annotations ??= new Dictionary<string, string>(); d.Metadata.Annotations[DeploymentReconciler.RevisionAnnotation] = plan.Revision; }
            return plan;
        }

        public void PodsBecomeReady()
        {
            foreach (var rs in Sets) { rs.Status.AvailableReplicas = rs.Status.ReadyReplicas = rs.Status.Replicas = rs.Spec.Replicas ?? 0; }
        }

        public int Available => Sets.Sum(s => s.Status?.AvailableReplicas ?? 0);
        public int Total => Sets.Sum(s => Math.Max(s.Spec.Replicas ?? 0, s.Status?.Replicas ?? 0));
    }

    static void Converge(World w, V1Deployment d, Action<World>? check = null, int max = 60)
    {
        for (var i = 0; i < max; i++)
        {
            var plan = w.Step(d);
            check?.Invoke(w);
            w.PodsBecomeReady();
            if (plan.Create.Count == 0 && plan.Update.Count == 0 && plan.Delete.Count == 0 && d.Status?.Conditions?.Any(c => c.Reason == "NewReplicaSetAvailable") == true) return;
        }
        Assert.Fail("the deployment did not converge");
    }

    [Fact]
    public void NewDeploymentCreatesHashedReplicaSetWithRevisionOne()
    {
        var d = TestObjects.Deployment(replicas: 3);
        var plan = DeploymentReconciler.Plan(d, [], Now);
        var rs = Assert.Single(plan.Create);
        var hash = PodTemplateHash.Compute(d.Spec.Template);
        Assert.Equal($"web-{hash}", rs.Metadata.Name);
        Assert.Equal(hash, rs.Spec.Selector.MatchLabels[PodTemplateHash.Label]);
        Assert.Equal(hash, rs.Spec.Template.Metadata.Labels[PodTemplateHash.Label]);
        Assert.Equal("1", rs.Metadata.Annotations[DeploymentReconciler.RevisionAnnotation]);
        Assert.Equal(3, rs.Spec.Replicas);
        var owner = Assert.Single(rs.Metadata.OwnerReferences);
        Assert.True(owner.Controller);
        Assert.Equal(d.Metadata.Uid, owner.Uid);
    }

    [Fact]
    public void RollingUpdateStaysWithinSurgeAndUnavailability()
    {
        var d = TestObjects.Deployment(replicas: 3);
        var w = new World();
        Converge(w, d);
        Assert.Equal(3, w.Available);

        // Roll to 5 replicas of a new image: the brief's v2 manifest.
        d = Objects.Clone(d);
        d.Spec.Replicas = 5;
        d.Spec.Template.Spec.Containers[0].Image = "nginx:stable";
        d.Metadata.Generation = 2;
        var (surge, unavailable) = DeploymentReconciler.Limits(d, 5);
        Assert.Equal((2, 1), (surge, unavailable));
        var before = w.Available;
        Converge(w, d, world =>
        {
            // Never scale down below what maxUnavailable allows (or below what was available, while growing from 3).
            Assert.True(world.Available >= Math.Min(before, 5 - unavailable), $"available {world.Available} dropped below what maxUnavailable allows");
            Assert.True(world.Total <= 5 + surge, $"total {world.Total} exceeded replicas + maxSurge");
            before = Math.Max(before, world.Available);
        });
        var current = w.Sets.Single(s => (s.Spec.Replicas ?? 0) > 0);
        Assert.Equal("nginx:stable", current.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(5, current.Spec.Replicas);
        Assert.Equal("2", current.Metadata.Annotations[DeploymentReconciler.RevisionAnnotation]);
        Assert.Equal(2, w.Sets.Count); // the old one is kept, scaled to 0, for rollback
        Assert.Equal(5, d.Status.AvailableReplicas);
        Assert.Equal(5, d.Status.UpdatedReplicas);
        Assert.Contains(d.Status.Conditions, c => c.Type == "Available" && c.Status == "True");
    }

    [Fact]
    public void RollbackReusesTheOldReplicaSetWithANewRevision()
    {
        var d = TestObjects.Deployment(replicas: 2);
        var w = new World();
        Converge(w, d);
        var first = w.Sets.Single().Metadata.Name;
        var v2 = Objects.Clone(d);
        v2.Spec.Template.Spec.Containers[0].Image = "nginx:stable";
        Converge(w, v2);
        var back = Objects.Clone(v2);
        back.Spec.Template = Objects.Clone(d.Spec.Template);
        Converge(w, back);
        var active = w.Sets.Single(s => s.Spec.Replicas > 0);
        Assert.Equal(first, active.Metadata.Name);
        Assert.Equal("3", active.Metadata.Annotations[DeploymentReconciler.RevisionAnnotation]);
        Assert.Equal("3", back.Metadata.Annotations[DeploymentReconciler.RevisionAnnotation]);
    }

    [Fact]
    public void RecreateScalesOldToZeroBeforeCreatingNew()
    {
        var d = TestObjects.Deployment(replicas: 2, strategy: "Recreate");
        var w = new World();
        Converge(w, d);
        d = Objects.Clone(d);
        d.Spec.Template.Spec.Containers[0].Image = "nginx:stable";
        var plan = w.Step(d);
        Assert.Empty(plan.Create);
        Assert.Equal(0, Assert.Single(plan.Update).Spec.Replicas);
        plan = w.Step(d);
        Assert.Equal(2, Assert.Single(plan.Create).Spec.Replicas);
    }

    [Fact]
    public void RevisionHistoryLimitDeletesOldestIdleReplicaSets()
    {
        var d = TestObjects.Deployment(replicas: 1);
        d.Spec.RevisionHistoryLimit = 1;
        var w = new World();
        foreach (var image in new[] { "a:1", "a:2", "a:3", "a:4" })
        {
            d = Objects.Clone(d);
            d.Spec.Template.Spec.Containers[0].Image = image;
            Converge(w, d);
        }
        Assert.Equal(2, w.Sets.Count); // current + one old
        Assert.Contains(w.Sets, s => s.Spec.Template.Spec.Containers[0].Image == "a:3");
    }

    [Fact]
    public void PausedDeploymentDoesNotRollOut()
    {
        var d = TestObjects.Deployment(replicas: 2);
        var w = new World();
        Converge(w, d);
        d = Objects.Clone(d);
        d.Spec.Paused = true;
        d.Spec.Template.Spec.Containers[0].Image = "nginx:stable";
        var plan = w.Step(d);
        Assert.Empty(plan.Create);
        Assert.Contains(d.Status.Conditions, c => c.Reason == "DeploymentPaused");
    }

    [Fact]
    public void ScaleToZeroAndBack()
    {
        var d = TestObjects.Deployment(replicas: 3);
        var w = new World();
        Converge(w, d);
        d.Spec.Replicas = 0;
        w.Step(d);
        Assert.Equal(0, w.Sets.Single().Spec.Replicas);
        d.Spec.Replicas = 4;
        Converge(w, d);
        Assert.Equal(4, w.Sets.Single().Spec.Replicas);
    }
}

public class DeploymentProgressTests
{
    [Fact]
    public void StalledRolloutReportsProgressDeadlineExceeded()
    {
        var now = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        var d = TestObjects.Deployment(replicas: 2);
        d.Spec.ProgressDeadlineSeconds = 60;
        var first = DeploymentReconciler.Plan(d, [], now);
        var rs = first.Create[0];
        rs.Metadata.Uid = "rs"; rs.Metadata.CreationTimestamp = now; rs.Status = new V1ReplicaSetStatus { Replicas = 2 };
        d.Status = first.Status;
        // Pods never become available: nothing changes for longer than the deadline.
        d.Status = DeploymentReconciler.Plan(d, [rs], now.AddSeconds(10)).Status;
        var waiting = DeploymentReconciler.Plan(d, [rs], now.AddSeconds(20));
        d.Status = waiting.Status;
        Assert.NotNull(waiting.RequeueAfter); // the controller comes back when the deadline passes
        var late = DeploymentReconciler.Plan(d, [rs], now.AddSeconds(120));
        var p = late.Status.Conditions.Single(c => c.Type == "Progressing");
        Assert.Equal("False", p.Status);
        Assert.Equal("ProgressDeadlineExceeded", p.Reason);
        Assert.Contains(late.Status.Conditions, c => c.Type == "Available" && c.Status == "False");
    }
}
