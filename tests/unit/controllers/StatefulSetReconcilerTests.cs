using Cluster.Grains.Controllers.StatefulSets;
using k8s.Models;

namespace Cluster.Tests.Unit.Controllers;

public class StatefulSetReconcilerTests
{
    static V1StatefulSet Set(int replicas = 3, string image = "web:1", string policy = "OrderedReady", int partition = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "sts-uid", Generation = 1 },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas, ServiceName = "web", PodManagementPolicy = policy,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateStatefulSetStrategy { Partition = partition } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = image, VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }] }] },
            },
            VolumeClaimTemplates =
            [
                new V1PersistentVolumeClaim
                {
                    Metadata = new V1ObjectMeta { Name = "data" },
                    Spec = new V1PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"], Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } } },
                },
            ],
        },
    };

    static V1Pod Pod(V1StatefulSet set, int i, bool ready = true, string? revision = null, bool deleting = false) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"web-{i}", DeletionTimestamp = deleting ? DateTime.UtcNow : null,
            Labels = new Dictionary<string, string> { [StatefulSetReconciler.RevisionLabel] = revision ?? StatefulSetReconciler.Revision(set) },
        },
        Status = new V1PodStatus { Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    [Fact]
    public void OrderedReadyStartsOnePodAtATimeWithItsClaimFirst()
    {
        var set = Set();
        var plan = StatefulSetReconciler.Plan(set, [], new HashSet<string>());
        var pod = Assert.Single(plan.Create);
        Assert.Equal("web-0", pod.Metadata.Name);
        Assert.Equal("data-web-0", Assert.Single(plan.CreateClaims).Metadata.Name);
        Assert.Equal("data-web-0", pod.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim.ClaimName);
        Assert.Equal("web-0", pod.Spec.Hostname);
        Assert.Equal("web", pod.Spec.Subdomain);

        // web-1 waits while web-0 is not ready, then comes.
        Assert.Empty(StatefulSetReconciler.Plan(set, [Pod(set, 0, ready: false)], new HashSet<string> { "data-web-0" }).Create);
        plan = StatefulSetReconciler.Plan(set, [Pod(set, 0)], new HashSet<string> { "data-web-0" });
        Assert.Equal("web-1", Assert.Single(plan.Create).Metadata.Name);
    }

    [Fact]
    public void ParallelStartsThemAll()
    {
        var plan = StatefulSetReconciler.Plan(Set(policy: "Parallel"), [], new HashSet<string>());
        Assert.Equal(["web-0", "web-1", "web-2"], plan.Create.Select(p => p.Metadata.Name).ToList());
        Assert.Equal(3, plan.CreateClaims.Count);
    }

    [Fact]
    public void ScalingDownRemovesTheHighestOrdinalFirstOneAtATimeAndKeepsClaims()
    {
        var set = Set(replicas: 1);
        var pods = new[] { Pod(set, 0), Pod(set, 1), Pod(set, 2) };
        var plan = StatefulSetReconciler.Plan(set, pods, new HashSet<string> { "data-web-0", "data-web-1", "data-web-2" });
        Assert.Equal(["web-2"], plan.Delete);
        Assert.Empty(plan.CreateClaims);
        // While web-2 terminates, web-1 stays.
        Assert.Empty(StatefulSetReconciler.Plan(set, [pods[0], pods[1], Pod(set, 2, deleting: true)], new HashSet<string>()).Delete);
    }

    [Fact]
    public void RollingUpdateGoesInReverseOrderDownToThePartition()
    {
        var old = Set(image: "web:1");
        var next = Set(image: "web:2", partition: 1);
        var oldRevision = StatefulSetReconciler.Revision(old);
        var pods = new[] { Pod(old, 0), Pod(old, 1), Pod(old, 2) };
        var plan = StatefulSetReconciler.Plan(next, pods, new HashSet<string>());
        Assert.Equal(["web-2"], plan.Delete);
        var updated = new[] { Pod(old, 0), Pod(old, 1), Pod(next, 2) };
        Assert.Equal(["web-1"], StatefulSetReconciler.Plan(next, updated, new HashSet<string>()).Delete);
        var atPartition = new[] { Pod(old, 0), Pod(next, 1), Pod(next, 2) };
        Assert.Empty(StatefulSetReconciler.Plan(next, atPartition, new HashSet<string>()).Delete); // web-0 is below the partition
        Assert.Equal(oldRevision, atPartition[0].Metadata.Labels[StatefulSetReconciler.RevisionLabel]);
    }
}
