using Cluster.Grains.Admission;
using k8s.Models;

namespace Cluster.Tests.Unit;

/// <summary>Objects as the API would hold them after defaulting.</summary>
public static class TestObjects
{
    public static V1Deployment Deployment(string name = "web", int replicas = 3, string image = "nginx:latest", string? strategy = null, string? maxSurge = null, string? maxUnavailable = null)
    {
        var d = new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "uid-" + name, Generation = 1, CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = image, Ports = [new V1ContainerPort { ContainerPort = 80 }] }] },
                },
                Strategy = strategy == null ? null : new V1DeploymentStrategy
                {
                    Type = strategy,
                    RollingUpdate = strategy == "RollingUpdate" && (maxSurge != null || maxUnavailable != null)
                        ? new V1RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable } : null,
                },
            },
        };
        Defaults.Apply(d);
        return d;
    }

    public static V1Pod Pod(string name, string node = "", string phase = "Running", bool ready = true, string? ownerUid = null, string image = "nginx:latest")
    {
        var p = new V1Pod
        {
            ApiVersion = "v1", Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = "default", Uid = "uid-" + name, CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                OwnerReferences = ownerUid == null ? null : [new V1OwnerReference { Uid = ownerUid, Controller = true, Kind = "ReplicaSet", Name = "rs", ApiVersion = "apps/v1" }],
            },
            Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c", Image = image }] },
            Status = new V1PodStatus
            {
                Phase = phase,
                Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) }],
            },
        };
        Defaults.Apply(p);
        return p;
    }
}
