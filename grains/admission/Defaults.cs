using k8s.Models;

namespace Cluster.Grains.Admission;

/// <summary>Kubernetes' defaulting for the kinds we serve (the parts that change behaviour).</summary>
public static class Defaults
{
    public static void Apply(object obj)
    {
        switch (obj)
        {
            case V1Deployment d: Deployment(d); break;
            case Cluster.Interfaces.Api.CustomObject co: CustomResources.CustomResourceAdmission.PruneAndDefault(co); break;
            case V1CustomResourceDefinition crd:
                if (crd.Spec?.Names is { } n) { n.Singular ??= n.Kind?.ToLowerInvariant(); n.ListKind ??= n.Kind + "List"; }
                break;
            case V1ReplicaSet rs: rs.Spec ??= new(); rs.Spec.Replicas ??= 1; PodTemplate(rs.Spec.Template); break;
            case V1Pod p: p.Spec ??= new(); PodSpec(p.Spec); break;
            case V1Service s: Service(s); break;
            case V1Job j: j.Spec ??= new(); JobSpec(j.Spec); break;
            case V1StatefulSet st:
                st.Spec ??= new();
                st.Spec.Replicas ??= 1;
                st.Spec.PodManagementPolicy ??= "OrderedReady";
                st.Spec.RevisionHistoryLimit ??= 10;
                st.Spec.UpdateStrategy ??= new V1StatefulSetUpdateStrategy();
                st.Spec.UpdateStrategy.Type ??= "RollingUpdate";
                if (st.Spec.UpdateStrategy.Type == "RollingUpdate")
                {
                    st.Spec.UpdateStrategy.RollingUpdate ??= new V1RollingUpdateStatefulSetStrategy();
                    st.Spec.UpdateStrategy.RollingUpdate.Partition ??= 0;
                }
                st.Spec.PersistentVolumeClaimRetentionPolicy ??= new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Retain", WhenScaled = "Retain" };
                foreach (var t in st.Spec.VolumeClaimTemplates ?? [])
                {
                    t.Spec ??= new();
                    t.Spec.VolumeMode ??= "Filesystem";
                }
                PodTemplate(st.Spec.Template);
                break;
            case V1PersistentVolumeClaim pvc:
                pvc.Spec ??= new();
                pvc.Spec.VolumeMode ??= "Filesystem";
                break;
            case V1PersistentVolume pv:
                pv.Spec ??= new();
                pv.Spec.PersistentVolumeReclaimPolicy ??= "Retain";
                pv.Spec.VolumeMode ??= "Filesystem";
                break;
            case V2HorizontalPodAutoscaler hpa:
                hpa.Spec ??= new();
                hpa.Spec.MinReplicas ??= 1;
                if (hpa.Spec.Metrics == null || hpa.Spec.Metrics.Count == 0)
                    hpa.Spec.Metrics = [new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 80 } } }];
                hpa.Spec.Behavior ??= new V2HorizontalPodAutoscalerBehavior();
                hpa.Spec.Behavior.ScaleUp ??= new V2HPAScalingRules();
                hpa.Spec.Behavior.ScaleUp.StabilizationWindowSeconds ??= 0;
                hpa.Spec.Behavior.ScaleUp.SelectPolicy ??= "Max";
                hpa.Spec.Behavior.ScaleUp.Policies ??= [new V2HPAScalingPolicy { Type = "Pods", Value = 4, PeriodSeconds = 15 }, new V2HPAScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 }];
                hpa.Spec.Behavior.ScaleDown ??= new V2HPAScalingRules();
                hpa.Spec.Behavior.ScaleDown.StabilizationWindowSeconds ??= 300;
                hpa.Spec.Behavior.ScaleDown.SelectPolicy ??= "Max";
                hpa.Spec.Behavior.ScaleDown.Policies ??= [new V2HPAScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 }];
                break;
            case V1StorageClass sc:
                sc.ReclaimPolicy ??= "Delete";
                sc.VolumeBindingMode ??= "Immediate";
                break;
            case V1DaemonSet ds:
                ds.Spec ??= new();
                ds.Spec.RevisionHistoryLimit ??= 10;
                ds.Spec.UpdateStrategy ??= new V1DaemonSetUpdateStrategy();
                ds.Spec.UpdateStrategy.Type ??= "RollingUpdate";
                if (ds.Spec.UpdateStrategy.Type == "RollingUpdate")
                {
                    ds.Spec.UpdateStrategy.RollingUpdate ??= new V1RollingUpdateDaemonSet();
                    ds.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable ??= (IntOrString)"1";
                    ds.Spec.UpdateStrategy.RollingUpdate.MaxSurge ??= (IntOrString)"0";
                }
                PodTemplate(ds.Spec.Template);
                break;
            case V1CronJob cj:
                cj.Spec ??= new();
                cj.Spec.ConcurrencyPolicy ??= "Allow";
                cj.Spec.Suspend ??= false;
                cj.Spec.SuccessfulJobsHistoryLimit ??= 3;
                cj.Spec.FailedJobsHistoryLimit ??= 1;
                cj.Spec.JobTemplate ??= new();
                cj.Spec.JobTemplate.Spec ??= new();
                JobSpec(cj.Spec.JobTemplate.Spec);
                break;
        }
    }

    static void JobSpec(V1JobSpec s)
    {
        if (s.Completions == null && s.Parallelism == null) { s.Completions = 1; s.Parallelism = 1; }
        s.Parallelism ??= 1;
        s.BackoffLimit ??= 6;
        s.CompletionMode ??= "NonIndexed";
        s.Suspend ??= false;
        s.ManualSelector = s.ManualSelector == true ? true : null;
        s.PodReplacementPolicy ??= "TerminatingOrFailed";
        PodTemplate(s.Template);
    }

    static void Deployment(V1Deployment d)
    {
        d.Spec ??= new();
        var s = d.Spec;
        s.Replicas ??= 1;
        s.RevisionHistoryLimit ??= 10;
        s.ProgressDeadlineSeconds ??= 600;
        s.Strategy ??= new V1DeploymentStrategy();
        s.Strategy.Type ??= "RollingUpdate";
        if (s.Strategy.Type == "RollingUpdate")
        {
            s.Strategy.RollingUpdate ??= new V1RollingUpdateDeployment();
            s.Strategy.RollingUpdate.MaxSurge ??= (IntOrString)"25%";
            s.Strategy.RollingUpdate.MaxUnavailable ??= (IntOrString)"25%";
        }
        PodTemplate(s.Template);
    }

    static void PodTemplate(V1PodTemplateSpec? t)
    {
        if (t == null) return;
        t.Spec ??= new();
        PodSpec(t.Spec);
    }

    public static void PodSpec(V1PodSpec s)
    {
        s.RestartPolicy ??= "Always";
        s.TerminationGracePeriodSeconds ??= 30;
        s.DnsPolicy ??= "ClusterFirst";
        s.SchedulerName ??= "default-scheduler";
        s.SecurityContext ??= new V1PodSecurityContext();
        // null entries are left for validation to name
        foreach (var c in (s.Containers ?? []).Concat(s.InitContainers ?? []).Where(c => c != null))
        {
            // IfNotPresent for every tag (no registry is assumed reachable); Kubernetes would pick Always for :latest.
            c.ImagePullPolicy ??= "IfNotPresent";
            c.Resources ??= new V1ResourceRequirements(); // Kubernetes always shows "resources": {}
            c.TerminationMessagePath ??= "/dev/termination-log";
            c.TerminationMessagePolicy ??= "File";
            foreach (var p in (c.Ports ?? []).Where(p => p != null)) p.Protocol ??= "TCP";
        }
    }

    static void Service(V1Service s)
    {
        s.Spec ??= new();
        s.Spec.Type ??= "ClusterIP";
        s.Spec.SessionAffinity ??= "None";
        foreach (var p in (s.Spec.Ports ?? []).Where(p => p != null))
        {
            p.Protocol ??= "TCP";
            p.TargetPort ??= (IntOrString)p.Port;
        }
    }
}
