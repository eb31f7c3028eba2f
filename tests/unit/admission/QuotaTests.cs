using Cluster.Grains.Admission.Quota;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Tests.Unit.Admission;

public class QuotaTests
{
    static V1Pod Pod(string? cpuRequest = null, string? cpuLimit = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p" },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container
            {
                Name = "c", Image = "x",
                Resources = new V1ResourceRequirements
                {
                    Requests = cpuRequest == null ? null : new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuRequest) },
                    Limits = cpuLimit == null ? null : new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuLimit) },
                },
            }],
        },
    };

    static V1ResourceQuota Quota(params (string Key, string Value)[] hard) => new()
    {
        Metadata = new V1ObjectMeta { Name = "compute" },
        Spec = new V1ResourceQuotaSpec { Hard = hard.ToDictionary(h => h.Key, h => new ResourceQuantity(h.Value)) },
    };

    [Fact]
    public void PodsCountTheirRequestsAndLimits()
    {
        var u = Usage.Of(Kinds.Pod, Pod("250m", "1"));
        Assert.Equal(1, u["pods"]);
        Assert.Equal(0.25m, u["requests.cpu"]);
        Assert.Equal(1m, u["limits.cpu"]);
        Assert.Equal(1, u["count/pods"]);
    }

    [Fact]
    public void ExceedingAHardLimitIsNamedAsKubernetesDoes()
    {
        var q = Quota(("pods", "2"), ("requests.cpu", "1"));
        var used = new Dictionary<string, decimal> { ["pods"] = 1, ["requests.cpu"] = 0.8m };
        Assert.Null(Usage.Exceeded(q, used, Usage.Of(Kinds.Pod, Pod("200m"))));
        Assert.Equal("exceeded quota: compute, requested: requests.cpu=300m, used: requests.cpu=800m, limited: requests.cpu=1",
            Usage.Exceeded(q, used, Usage.Of(Kinds.Pod, Pod("300m"))));
    }

    [Fact]
    public void AQuotaOnCpuRequiresPodsToStateIt()
    {
        Assert.Equal("failed quota: compute: must specify requests.cpu", Usage.Missing(Quota(("requests.cpu", "1")), Pod()));
        Assert.Null(Usage.Missing(Quota(("pods", "1")), Pod()));
    }

    [Fact]
    public void LimitRangesDefaultAndBound()
    {
        var range = new V1LimitRange
        {
            Spec = new V1LimitRangeSpec
            {
                Limits = [new V1LimitRangeItem
                {
                    Type = "Container",
                    DefaultProperty = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m") },
                    DefaultRequest = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("200m") },
                    Max = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") },
                }],
            },
        };
        var pod = Pod();
        Assert.Null(Limits.Apply([range], pod));
        Assert.Equal("200m", pod.Spec.Containers[0].Resources.Requests["cpu"].ToString());
        Assert.Equal("500m", pod.Spec.Containers[0].Resources.Limits["cpu"].ToString());
        Assert.Equal("maximum cpu usage per Container is 1, but limit is 2", Limits.Apply([range], Pod(cpuLimit: "2")));
    }
}
