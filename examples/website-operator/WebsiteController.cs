using Cluster.Interfaces.Operators;
using k8s.Models;

namespace Cluster.Examples.WebsiteOperator;

/// <summary>What a Website asks for (its spec, as the CRD's schema declares it).</summary>
public sealed class WebsiteSpec
{
    public string Image { get; set; } = "";
    public int Replicas { get; set; } = 1;
    public int Port { get; set; } = 80;
}

/// <summary>What the controller reports (its status).</summary>
public sealed class WebsiteStatus
{
    public int AvailableReplicas { get; set; }
    public string? Url { get; set; }
    public string? Phase { get; set; }
}

/// <summary>
/// The Website operator: each Website gets a Deployment running its image and a Service in front of it, both owned
/// by the Website (deleted with it). The status counts available replicas. It runs again whenever the Website or
/// the Deployment it owns changes, so the status follows the pods.
/// </summary>
[CustomResourceController("example.com", "websites")]
public sealed class WebsiteController : CustomResourceController<WebsiteSpec, WebsiteStatus>
{
    protected override async Task<(WebsiteStatus Status, TimeSpan? RequeueAfter)> ReconcileAsync(Resource site)
    {
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = site.Name, ["app.kubernetes.io/managed-by"] = "website-operator" };
        var deployment = await ApplyOwned(site, new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = site.Name, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = site.Spec.Replicas,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        Containers = [new V1Container { Name = "web", Image = site.Spec.Image, Ports = [new V1ContainerPort { ContainerPort = site.Spec.Port }] }],
                    },
                },
            },
        });
        var service = await ApplyOwned(site, new V1Service
        {
            Metadata = new V1ObjectMeta { Name = site.Name, Labels = labels },
            Spec = new V1ServiceSpec { Selector = labels, Ports = [new V1ServicePort { Port = 80, TargetPort = site.Spec.Port }] },
        });
        var available = deployment.Status?.AvailableReplicas ?? 0;
        return (new WebsiteStatus
        {
            AvailableReplicas = available,
            Url = $"http://{service.Metadata.Name}.{site.Namespace}.svc:80",
            Phase = available >= site.Spec.Replicas ? "Ready" : "Progressing",
        }, null);
    }
}
