namespace Cluster.Tests.Unit.Printing;

using Cluster.Printing;
using k8s.Models;
using Xunit;

/// <summary>
/// Tests for the kubectl-compatible printing layer. Expected strings are what kubectl 1.32 prints
/// for the same objects (tabwriter alignment, column values, describe layout, -o yaml/json shape).
/// </summary>
public class PrintingTests
{
    private static readonly DateTime Now = new(2024, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static DateTime Ago(TimeSpan d) => Now - d;

    private static V1ObjectMeta Meta(string name, string? ns, TimeSpan age, IDictionary<string, string>? labels = null) => new()
    {
        Name = name,
        NamespaceProperty = ns,
        CreationTimestamp = Ago(age),
        Labels = labels,
        Uid = "uid-" + name,
    };

    private static Dictionary<string, string> L(params string[] kv)
    {
        var d = new Dictionary<string, string>();
        for (int i = 0; i < kv.Length; i += 2)
        {
            d[kv[i]] = kv[i + 1];
        }
        return d;
    }

    private static string Get(string kind, IReadOnlyList<object> objs, bool wide = false, bool all = false, bool labels = false)
    {
        var (headers, rows) = Columns.Table(kind, objs, wide, all, labels, Now);
        return TablePrinter.Render(headers, rows);
    }

    // ------------------------------------------------------------------ fixtures

    private static V1Deployment NginxDeployment(TimeSpan age) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta
        {
            Name = "nginx-deployment",
            NamespaceProperty = "default",
            Uid = "d-uid",
            CreationTimestamp = Ago(age),
            Labels = L("app", "nginx"),
            Annotations = L("deployment.kubernetes.io/revision", "1"),
            Generation = 1,
            ManagedFields = new List<V1ManagedFieldsEntry> { new() { Manager = "kubectl-client-side-apply", Operation = "Update" } },
        },
        Spec = new V1DeploymentSpec
        {
            Replicas = 3,
            Selector = new V1LabelSelector { MatchLabels = L("app", "nginx") },
            Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = "25%" },
            },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = L("app", "nginx") },
                Spec = new V1PodSpec
                {
                    Containers = new List<V1Container>
                    {
                        new()
                        {
                            Name = "nginx",
                            Image = "nginx:1.14.2",
                            Ports = new List<V1ContainerPort> { new() { ContainerPort = 80, Protocol = "TCP" } },
                        },
                    },
                },
            },
        },
        Status = new V1DeploymentStatus
        {
            Replicas = 3,
            UpdatedReplicas = 3,
            ReadyReplicas = 3,
            AvailableReplicas = 3,
            Conditions = new List<V1DeploymentCondition>
            {
                new() { Type = "Available", Status = "True", Reason = "MinimumReplicasAvailable" },
                new() { Type = "Progressing", Status = "True", Reason = "NewReplicaSetAvailable" },
            },
        },
    };

    private static V1Pod RunningPod(string name, TimeSpan age) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "default",
            CreationTimestamp = Ago(age),
            Labels = L("app", "nginx", "pod-template-hash", "66b6c48dd5"),
            OwnerReferences = new List<V1OwnerReference>
            {
                new() { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "nginx-deployment-66b6c48dd5", Uid = "rs-uid", Controller = true, BlockOwnerDeletion = true },
            },
        },
        Spec = new V1PodSpec
        {
            NodeName = "worker-1",
            ServiceAccountName = "default",
            Priority = 0,
            Containers = new List<V1Container>
            {
                new()
                {
                    Name = "nginx",
                    Image = "nginx:1.14.2",
                    Ports = new List<V1ContainerPort> { new() { ContainerPort = 80, Protocol = "TCP" } },
                    VolumeMounts = new List<V1VolumeMount>
                    {
                        new() { Name = "kube-api-access-5m5xd", MountPath = "/var/run/secrets/kubernetes.io/serviceaccount", ReadOnlyProperty = true },
                    },
                },
            },
            Volumes = new List<V1Volume>
            {
                new()
                {
                    Name = "kube-api-access-5m5xd",
                    Projected = new V1ProjectedVolumeSource
                    {
                        Sources = new List<V1VolumeProjection>
                        {
                            new() { ServiceAccountToken = new V1ServiceAccountTokenProjection { ExpirationSeconds = 3607, Path = "token" } },
                            new() { ConfigMap = new V1ConfigMapProjection { Name = "kube-root-ca.crt" } },
                            new() { DownwardAPI = new V1DownwardAPIProjection() },
                        },
                    },
                },
            },
            Tolerations = new List<V1Toleration>
            {
                new() { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
                new() { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
            },
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            HostIP = "172.18.0.2",
            PodIP = "10.244.1.5",
            PodIPs = new List<V1PodIP> { new() { Ip = "10.244.1.5" } },
            StartTime = Ago(age),
            QosClass = "BestEffort",
            Conditions = new List<V1PodCondition>
            {
                new() { Type = "PodReadyToStartContainers", Status = "True" },
                new() { Type = "Initialized", Status = "True" },
                new() { Type = "Ready", Status = "True" },
                new() { Type = "ContainersReady", Status = "True" },
                new() { Type = "PodScheduled", Status = "True" },
            },
            ContainerStatuses = new List<V1ContainerStatus>
            {
                new()
                {
                    Name = "nginx",
                    Ready = true,
                    Started = true,
                    RestartCount = 0,
                    Image = "docker.io/library/nginx:1.14.2",
                    ImageID = "docker.io/library/nginx@sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d",
                    ContainerID = "containerd://4a0bde5d4d3c1f2b",
                    State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Ago(age) + TimeSpan.FromSeconds(5) } },
                },
            },
        },
    };

    private static V1Pod PodWithContainerState(string name, TimeSpan age, V1ContainerState state, string phase = "Running",
        bool ready = false, int restarts = 0, V1ContainerState? lastState = null) => new()
    {
        Metadata = Meta(name, "default", age),
        Spec = new V1PodSpec { Containers = new List<V1Container> { new() { Name = "app", Image = "app:1" } } },
        Status = new V1PodStatus
        {
            Phase = phase,
            ContainerStatuses = new List<V1ContainerStatus>
            {
                new() { Name = "app", Ready = ready, RestartCount = restarts, State = state, LastState = lastState ?? new V1ContainerState() },
            },
        },
    };

    // ------------------------------------------------------------------ Age

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(5, "5s")]
    [InlineData(10, "10s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(150, "2m30s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(179 * 60 + 59, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 5 * 60 + 30, "3h5m")]
    [InlineData(7 * 3600 + 59 * 60, "7h59m")]
    [InlineData(8 * 3600, "8h")]
    [InlineData(47 * 3600 + 59 * 60, "47h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(53 * 3600, "2d5h")]
    [InlineData(8 * 86400 - 1, "7d23h")]
    [InlineData(8 * 86400, "8d")]
    [InlineData(729 * 86400, "729d")]
    [InlineData(730 * 86400, "2y")]
    [InlineData(830 * 86400, "2y100d")]
    [InlineData(8 * 365 * 86400, "8y")]
    [InlineData(-1, "0s")]
    [InlineData(-2, "<invalid>")]
    public void HumanDuration_MatchesApimachinery(long seconds, string expected)
    {
        Assert.Equal(expected, Age.HumanDuration(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Age_Since_HandlesNullAndSubSecond()
    {
        Assert.Equal("<unknown>", Age.Since(null, Now));
        Assert.Equal("10s", Age.Since(Now - TimeSpan.FromMilliseconds(10_900), Now));
        // Unspecified kind is treated as UTC.
        Assert.Equal("2m30s", Age.Since(DateTime.SpecifyKind(Now - TimeSpan.FromSeconds(150), DateTimeKind.Unspecified), Now));
        Assert.Equal("5m", Age.ShortHumanDuration(TimeSpan.FromSeconds(330)));
    }

    // ------------------------------------------------------------------ TablePrinter

    [Fact]
    public void Render_AlignsLikeKubectl()
    {
        var output = Get("Deployment", [NginxDeployment(TimeSpan.FromSeconds(10))]);
        Assert.Equal(
            "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n" +
            "nginx-deployment   3/3     3            3           10s\n",
            output);
    }

    [Fact]
    public void Render_MinWidthEmptyCellsAndNewlines()
    {
        var output = TablePrinter.Render(
            ["A", "B", "C"],
            [["x", "", "multi\nline"], ["longer-value", "y", "z"]]);
        Assert.Equal(
            "A              B     C\n" +
            "x                    multi...\n" +
            "longer-value   y     z\n",
            output);
    }

    [Fact]
    public void Render_EscapesTerminalControlCharacters()
    {
        var output = TablePrinter.Render(["NAME", "MESSAGE"], [["evil", "\u001b[31mred\u001b[0m"]]);
        Assert.Equal("NAME   MESSAGE\nevil   ^[[31mred^[[0m\n", output);
    }

    // ------------------------------------------------------------------ Deployments / ReplicaSets

    [Fact]
    public void Deployments_DefaultWideAndMissingCounts()
    {
        var d = NginxDeployment(TimeSpan.FromMinutes(5));
        var scaling = new V1Deployment
        {
            Metadata = Meta("web", "default", TimeSpan.FromSeconds(30)),
            Spec = new V1DeploymentSpec
            {
                Replicas = 2,
                Selector = new V1LabelSelector
                {
                    MatchLabels = L("app", "web"),
                    MatchExpressions = new List<V1LabelSelectorRequirement>
                    {
                        new() { Key = "tier", OperatorProperty = "In", Values = new List<string> { "frontend", "cache" } },
                        new() { Key = "canary", OperatorProperty = "DoesNotExist" },
                    },
                },
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        Containers = new List<V1Container> { new() { Name = "web", Image = "web:2" }, new() { Name = "sidecar", Image = "envoy:1.30" } },
                    },
                },
            },
            Status = new V1DeploymentStatus(),
        };

        Assert.Equal(
            "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n" +
            "nginx-deployment   3/3     3            3           5m\n" +
            "web                0/2     0            0           30s\n",
            Get("Deployment", [d, scaling]));

        Assert.Equal(
            "NAME               READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS    IMAGES             SELECTOR\n" +
            "nginx-deployment   3/3     3            3           5m    nginx         nginx:1.14.2       app=nginx\n" +
            "web                0/2     0            0           30s   web,sidecar   web:2,envoy:1.30   app=web,!canary,tier in (cache,frontend)\n",
            Get("deployments", [d, scaling], wide: true));
    }

    [Fact]
    public void ReplicaSets_DefaultAndWide()
    {
        var rs = new V1ReplicaSet
        {
            Metadata = Meta("nginx-deployment-66b6c48dd5", "default", TimeSpan.FromHours(2) + TimeSpan.FromMinutes(3)),
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 3,
                Selector = new V1LabelSelector { MatchLabels = L("app", "nginx", "pod-template-hash", "66b6c48dd5") },
                Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = new List<V1Container> { new() { Name = "nginx", Image = "nginx:1.14.2" } } } },
            },
            Status = new V1ReplicaSetStatus { Replicas = 3, ReadyReplicas = 2 },
        };
        Assert.Equal(
            "NAME                          DESIRED   CURRENT   READY   AGE\n" +
            "nginx-deployment-66b6c48dd5   3         3         2       123m\n",
            Get("rs", [rs]));
        Assert.Equal(
            "NAME                          DESIRED   CURRENT   READY   AGE    CONTAINERS   IMAGES         SELECTOR\n" +
            "nginx-deployment-66b6c48dd5   3         3         2       123m   nginx        nginx:1.14.2   app=nginx,pod-template-hash=66b6c48dd5\n",
            Get("ReplicaSet", [rs], wide: true));
    }

    // ------------------------------------------------------------------ Pods

    [Fact]
    public void Pods_StatusesLikeKubectl()
    {
        var running = RunningPod("nginx-deployment-66b6c48dd5-4jw2h", TimeSpan.FromSeconds(18));

        var crash = PodWithContainerState("crashy-7d9f8b6c5-x2x7q", TimeSpan.FromMinutes(5),
            new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff", Message = "back-off 2m40s" } },
            restarts: 5,
            lastState: new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, Reason = "Error", FinishedAt = Ago(TimeSpan.FromSeconds(90)) } });

        var terminating = RunningPod("nginx-deployment-66b6c48dd5-zzzzz", TimeSpan.FromHours(1));
        terminating.Metadata.DeletionTimestamp = Ago(TimeSpan.FromSeconds(3));
        terminating.Metadata.DeletionGracePeriodSeconds = 30;

        var creating = PodWithContainerState("web-0", TimeSpan.FromSeconds(4),
            new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } }, phase: "Pending");

        var errPull = PodWithContainerState("bad-image", TimeSpan.FromSeconds(40),
            new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ErrImagePull" } }, phase: "Pending");

        var backoff = PodWithContainerState("bad-image-2", TimeSpan.FromMinutes(3),
            new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ImagePullBackOff" } }, phase: "Pending");

        var completed = PodWithContainerState("job-abcde", TimeSpan.FromDays(3),
            new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } }, phase: "Succeeded");

        var pending = new V1Pod { Metadata = Meta("unscheduled", "default", TimeSpan.FromSeconds(1)), Spec = new V1PodSpec { Containers = new List<V1Container> { new() { Name = "a" }, new() { Name = "b" } } }, Status = new V1PodStatus { Phase = "Pending" } };

        Assert.Equal(
            "NAME                                READY   STATUS              RESTARTS      AGE\n" +
            "nginx-deployment-66b6c48dd5-4jw2h   1/1     Running             0             18s\n" +
            "crashy-7d9f8b6c5-x2x7q              0/1     CrashLoopBackOff    5 (90s ago)   5m\n" +
            "nginx-deployment-66b6c48dd5-zzzzz   1/1     Terminating         0             60m\n" +
            "web-0                               0/1     ContainerCreating   0             4s\n" +
            "bad-image                           0/1     ErrImagePull        0             40s\n" +
            "bad-image-2                         0/1     ImagePullBackOff    0             3m\n" +
            "job-abcde                           0/1     Completed           0             3d\n" +
            "unscheduled                         0/2     Pending             0             1s\n",
            Get("Pod", [running, crash, terminating, creating, errPull, backoff, completed, pending]));
    }

    [Fact]
    public void Pods_InitContainersAndSpecialReasons()
    {
        var init = new V1Pod
        {
            Metadata = Meta("with-init", "default", TimeSpan.FromSeconds(20)),
            Spec = new V1PodSpec
            {
                InitContainers = new List<V1Container> { new() { Name = "init-db" }, new() { Name = "init-cache" } },
                Containers = new List<V1Container> { new() { Name = "app" } },
            },
            Status = new V1PodStatus
            {
                Phase = "Pending",
                InitContainerStatuses = new List<V1ContainerStatus>
                {
                    new() { Name = "init-db", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } } },
                    new() { Name = "init-cache", State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Ago(TimeSpan.FromSeconds(2)) } } },
                },
                ContainerStatuses = new List<V1ContainerStatus>
                {
                    new() { Name = "app", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "PodInitializing" } } },
                },
            },
        };
        var initCrash = new V1Pod
        {
            Metadata = Meta("init-crash", "default", TimeSpan.FromMinutes(1)),
            Spec = new V1PodSpec { InitContainers = new List<V1Container> { new() { Name = "init" } }, Containers = new List<V1Container> { new() { Name = "app" } } },
            Status = new V1PodStatus
            {
                Phase = "Pending",
                InitContainerStatuses = new List<V1ContainerStatus>
                {
                    new() { Name = "init", RestartCount = 3, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } } },
                },
            },
        };
        var sidecar = new V1Pod
        {
            Metadata = Meta("with-sidecar", "default", TimeSpan.FromMinutes(1)),
            Spec = new V1PodSpec
            {
                InitContainers = new List<V1Container> { new() { Name = "proxy", RestartPolicy = "Always" } },
                Containers = new List<V1Container> { new() { Name = "app" } },
            },
            Status = new V1PodStatus
            {
                Phase = "Running",
                Conditions = new List<V1PodCondition> { new() { Type = "Initialized", Status = "True" }, new() { Type = "Ready", Status = "True" } },
                InitContainerStatuses = new List<V1ContainerStatus>
                {
                    new() { Name = "proxy", Ready = true, Started = true, RestartCount = 1, State = new V1ContainerState { Running = new V1ContainerStateRunning() },
                        LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 137, FinishedAt = Ago(TimeSpan.FromSeconds(45)) } } },
                },
                ContainerStatuses = new List<V1ContainerStatus>
                {
                    new() { Name = "app", Ready = true, State = new V1ContainerState { Running = new V1ContainerStateRunning() } },
                },
            },
        };
        var oomKilled = PodWithContainerState("oom", TimeSpan.FromMinutes(2),
            new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 137, Reason = "OOMKilled" } }, phase: "Running");
        var exitCode = PodWithContainerState("exit", TimeSpan.FromMinutes(2),
            new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 2 } }, phase: "Failed");
        var nodeLost = RunningPod("lost", TimeSpan.FromMinutes(2));
        nodeLost.Status.Reason = "NodeLost";
        nodeLost.Metadata.DeletionTimestamp = Now;
        var gated = new V1Pod
        {
            Metadata = Meta("gated", "default", TimeSpan.FromSeconds(5)),
            Spec = new V1PodSpec { Containers = new List<V1Container> { new() { Name = "app" } } },
            Status = new V1PodStatus { Phase = "Pending", Conditions = new List<V1PodCondition> { new() { Type = "PodScheduled", Status = "False", Reason = "SchedulingGated" } } },
        };

        var rows = Columns.Table("Pod", [init, initCrash, sidecar, oomKilled, exitCode, nodeLost, gated], false, false, false, Now).Rows;
        Assert.Equal(["with-init", "0/1", "Init:1/2", "0", "20s"], rows[0]);
        Assert.Equal(["init-crash", "0/1", "Init:CrashLoopBackOff", "3", "60s"], rows[1]);
        Assert.Equal(["with-sidecar", "2/2", "Running", "1 (45s ago)", "60s"], rows[2]);
        Assert.Equal(["oom", "0/1", "OOMKilled", "0", "2m"], rows[3]);
        Assert.Equal(["exit", "0/1", "ExitCode:2", "0", "2m"], rows[4]);
        Assert.Equal(["lost", "1/1", "Unknown", "0", "2m"], rows[5]);
        Assert.Equal(["gated", "0/1", "SchedulingGated", "0", "5s"], rows[6]);
    }

    [Fact]
    public void Pods_WideAllNamespacesAndLabels()
    {
        var running = RunningPod("nginx-deployment-66b6c48dd5-4jw2h", TimeSpan.FromMinutes(7) + TimeSpan.FromSeconds(3));
        running.Spec.ReadinessGates = new List<V1PodReadinessGate> { new() { ConditionType = "example.com/lb-ready" } };
        var pending = new V1Pod
        {
            Metadata = Meta("coredns-5dd5756b68-abcde", "kube-system", TimeSpan.FromDays(2), L("k8s-app", "kube-dns", "pod-template-hash", "5dd5756b68")),
            Spec = new V1PodSpec { Containers = new List<V1Container> { new() { Name = "coredns" } } },
            Status = new V1PodStatus { Phase = "Pending" },
        };

        Assert.Equal(
            "NAMESPACE     NAME                                READY   STATUS    RESTARTS   AGE    IP           NODE       NOMINATED NODE   READINESS GATES   LABELS\n" +
            "default       nginx-deployment-66b6c48dd5-4jw2h   1/1     Running   0          7m3s   10.244.1.5   worker-1   <none>           0/1               app=nginx,pod-template-hash=66b6c48dd5\n" +
            "kube-system   coredns-5dd5756b68-abcde            0/1     Pending   0          2d     <none>       <none>     <none>           <none>            k8s-app=kube-dns,pod-template-hash=5dd5756b68\n",
            Get("pods", [running, pending], wide: true, all: true, labels: true));

        Assert.Equal(
            "NAME                                READY   STATUS    RESTARTS   AGE    LABELS\n" +
            "nginx-deployment-66b6c48dd5-4jw2h   1/1     Running   0          7m3s   app=nginx,pod-template-hash=66b6c48dd5\n",
            Get("po", [running], labels: true));
    }

    // ------------------------------------------------------------------ Services

    [Fact]
    public void Services_TypesPortsAndExternalIPs()
    {
        var kubernetes = new V1Service
        {
            Metadata = Meta("kubernetes", "default", TimeSpan.FromDays(5)),
            Spec = new V1ServiceSpec { Type = "ClusterIP", ClusterIP = "10.96.0.1", ClusterIPs = new List<string> { "10.96.0.1" }, Ports = new List<V1ServicePort> { new() { Name = "https", Port = 443, Protocol = "TCP", TargetPort = 6443 } } },
        };
        var lb = new V1Service
        {
            Metadata = Meta("web", "default", TimeSpan.FromMinutes(2)),
            Spec = new V1ServiceSpec
            {
                Type = "LoadBalancer",
                ClusterIPs = new List<string> { "10.96.12.34" },
                Ports = new List<V1ServicePort> { new() { Port = 80, NodePort = 30080, Protocol = "TCP" } },
                Selector = L("app", "web"),
            },
            Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = new List<V1LoadBalancerIngress> { new() { Ip = "203.0.113.10" }, new() { Ip = "203.0.113.9" } } } },
        };
        var lbPending = new V1Service
        {
            Metadata = Meta("api", "default", TimeSpan.FromSeconds(12)),
            Spec = new V1ServiceSpec { Type = "LoadBalancer", ClusterIPs = new List<string> { "10.96.40.2" }, Ports = new List<V1ServicePort> { new() { Port = 8080, NodePort = 31000 } }, Selector = L("app", "api") },
            Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus() },
        };
        var nodePort = new V1Service
        {
            Metadata = Meta("np", "default", TimeSpan.FromHours(3)),
            Spec = new V1ServiceSpec
            {
                Type = "NodePort",
                ClusterIPs = new List<string> { "10.96.7.7" },
                Ports = new List<V1ServicePort> { new() { Port = 80, NodePort = 30081, Protocol = "TCP" }, new() { Port = 53, NodePort = 30053, Protocol = "UDP" } },
                Selector = L("app", "np", "tier", "edge"),
            },
        };
        var headless = new V1Service
        {
            Metadata = Meta("db", "default", TimeSpan.FromHours(9)),
            Spec = new V1ServiceSpec { ClusterIP = "None", ClusterIPs = new List<string> { "None" }, Ports = new List<V1ServicePort> { new() { Port = 5432 } } },
        };
        var external = new V1Service
        {
            Metadata = Meta("ext", "default", TimeSpan.FromDays(40)),
            Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "db.example.com" },
        };

        Assert.Equal(
            "NAME         TYPE           CLUSTER-IP    EXTERNAL-IP        PORT(S)                     AGE\n" +
            "kubernetes   ClusterIP      10.96.0.1     <none>             443/TCP                     5d\n" +
            "web          LoadBalancer   10.96.12.34   203.0.113.10,...   80:30080/TCP                2m\n" +
            "api          LoadBalancer   10.96.40.2    <pending>          8080:31000/TCP              12s\n" +
            "np           NodePort       10.96.7.7     <none>             80:30081/TCP,53:30053/UDP   3h\n" +
            "db           ClusterIP      None          <none>             5432/TCP                    9h\n" +
            "ext          ExternalName   <none>        db.example.com     <none>                      40d\n",
            Get("svc", [kubernetes, lb, lbPending, nodePort, headless, external], wide: false));

        var wide = Columns.Table("Service", [kubernetes, lb, nodePort], true, false, false, Now);
        Assert.Equal("SELECTOR", wide.Headers[^1]);
        Assert.Equal("<none>", wide.Rows[0][^1]);
        Assert.Equal("app=web", wide.Rows[1][^1]);
        Assert.Equal("app=np,tier=edge", wide.Rows[2][^1]);

        // Without -o wide kubectl cuts long load balancer lists to 16 characters; with it they are complete.
        Assert.Equal("203.0.113.10,203.0.113.9", wide.Rows[1][3]);
        lb.Status.LoadBalancer.Ingress.Add(new V1LoadBalancerIngress { Hostname = "lb.example.com" });
        Assert.Equal("203.0.113.10,...", Columns.ServiceExternalIP(lb, wide: false));
        Assert.Equal("203.0.113.10,203.0.113.9,lb.example.com", Columns.ServiceExternalIP(lb, wide: true));
    }

    // ------------------------------------------------------------------ Nodes / Namespaces / ConfigMaps / Secrets / Events

    [Fact]
    public void Nodes_StatusRolesAndWide()
    {
        V1Node Node(string name, string? ready, bool unschedulable, IDictionary<string, string>? labels, TimeSpan age) => new()
        {
            Metadata = Meta(name, null, age, labels),
            Spec = new V1NodeSpec { Unschedulable = unschedulable },
            Status = new V1NodeStatus
            {
                Conditions = ready is null ? null : new List<V1NodeCondition> { new() { Type = "MemoryPressure", Status = "False" }, new() { Type = "Ready", Status = ready } },
                NodeInfo = new V1NodeSystemInfo { KubeletVersion = "v1.32.0", OsImage = "Debian GNU/Linux 12 (bookworm)", KernelVersion = "6.1.0-18-amd64", ContainerRuntimeVersion = "containerd://1.7.13" },
                Addresses = new List<V1NodeAddress> { new() { Type = "InternalIP", Address = "172.18.0.2" }, new() { Type = "Hostname", Address = name } },
            },
        };

        var cp = Node("control-plane", "True", false, L("node-role.kubernetes.io/control-plane", "", "kubernetes.io/hostname", "control-plane"), TimeSpan.FromDays(12));
        var w1 = Node("worker-1", "False", false, L("kubernetes.io/role", "worker"), TimeSpan.FromDays(12));
        var w2 = Node("worker-2", "True", true, null, TimeSpan.FromHours(5));
        var w3 = Node("worker-3", null, false, null, TimeSpan.FromMinutes(1));
        var w4 = Node("worker-4", "Unknown", true, null, TimeSpan.FromMinutes(1));

        Assert.Equal(
            "NAME            STATUS                        ROLES           AGE   VERSION\n" +
            "control-plane   Ready                         control-plane   12d   v1.32.0\n" +
            "worker-1        NotReady                      worker          12d   v1.32.0\n" +
            "worker-2        Ready,SchedulingDisabled      <none>          5h    v1.32.0\n" +
            "worker-3        Unknown                       <none>          60s   v1.32.0\n" +
            "worker-4        NotReady,SchedulingDisabled   <none>          60s   v1.32.0\n",
            // -A does not add NAMESPACE for cluster-scoped kinds.
            Get("nodes", [cp, w1, w2, w3, w4], all: true));

        Assert.Equal(
            "NAME            STATUS   ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME\n" +
            "control-plane   Ready    control-plane   12d   v1.32.0   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-18-amd64   containerd://1.7.13\n",
            Get("Node", [cp], wide: true));
    }

    [Fact]
    public void Namespaces_ConfigMaps_Secrets()
    {
        var nsDefault = new V1Namespace { Metadata = Meta("default", null, TimeSpan.FromDays(3)), Status = new V1NamespaceStatus { Phase = "Active" } };
        var nsGone = new V1Namespace { Metadata = Meta("old-team", null, TimeSpan.FromMinutes(15)), Status = new V1NamespaceStatus { Phase = "Terminating" } };
        Assert.Equal(
            "NAME       STATUS        AGE\n" +
            "default    Active        3d\n" +
            "old-team   Terminating   15m\n",
            Get("ns", [nsDefault, nsGone], all: true));

        var cm = new V1ConfigMap
        {
            Metadata = Meta("game-config", "default", TimeSpan.FromSeconds(42)),
            Data = L("game.properties", "lives=3", "ui.properties", "color=blue"),
            BinaryData = new Dictionary<string, byte[]> { ["logo.png"] = [1, 2, 3] },
        };
        var rootCa = new V1ConfigMap { Metadata = Meta("kube-root-ca.crt", "kube-system", TimeSpan.FromDays(3)), Data = L("ca.crt", "---") };
        Assert.Equal(
            "NAMESPACE     NAME               DATA   AGE\n" +
            "default       game-config        3      42s\n" +
            "kube-system   kube-root-ca.crt   1      3d\n",
            Get("configmaps", [cm, rootCa], all: true));

        var secret = new V1Secret
        {
            Metadata = Meta("db-credentials", "default", TimeSpan.FromMinutes(4)),
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { ["username"] = "admin"u8.ToArray(), ["password"] = "s3cr3t"u8.ToArray() },
        };
        var tls = new V1Secret { Metadata = Meta("web-tls", "default", TimeSpan.FromDays(90)), Type = "kubernetes.io/tls", Data = new Dictionary<string, byte[]> { ["tls.crt"] = [1], ["tls.key"] = [2] } };
        Assert.Equal(
            "NAME             TYPE                DATA   AGE\n" +
            "db-credentials   Opaque              2      4m\n" +
            "web-tls          kubernetes.io/tls   2      90d\n",
            Get("Secret", [secret, tls]));
    }

    [Fact]
    public void Events_DefaultAndWide()
    {
        var scheduled = new Corev1Event
        {
            Metadata = Meta("nginx-deployment-66b6c48dd5-4jw2h.17a1f0c1c2d3e4f5", "default", TimeSpan.FromSeconds(60)),
            Type = "Normal",
            Reason = "Scheduled",
            Message = "Successfully assigned default/nginx-deployment-66b6c48dd5-4jw2h to worker-1",
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "nginx-deployment-66b6c48dd5-4jw2h", NamespaceProperty = "default" },
            EventTime = Ago(TimeSpan.FromSeconds(60)),
            ReportingComponent = "default-scheduler",
            ReportingInstance = "default-scheduler-control-plane",
        };
        var backoff = new Corev1Event
        {
            Metadata = Meta("crashy.17a1f0c1c2d3e4f6", "default", TimeSpan.FromMinutes(5)),
            Type = "Warning",
            Reason = "BackOff",
            Message = "Back-off restarting failed container app in pod crashy_default(uid)\n",
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "crashy", NamespaceProperty = "default", FieldPath = "spec.containers{app}" },
            FirstTimestamp = Ago(TimeSpan.FromMinutes(5)),
            LastTimestamp = Ago(TimeSpan.FromSeconds(8)),
            Count = 21,
            Source = new V1EventSource { Component = "kubelet", Host = "worker-1" },
        };

        Assert.Equal(
            "LAST SEEN   TYPE      REASON      OBJECT                                  MESSAGE\n" +
            "60s         Normal    Scheduled   pod/nginx-deployment-66b6c48dd5-4jw2h   Successfully assigned default/nginx-deployment-66b6c48dd5-4jw2h to worker-1\n" +
            "8s          Warning   BackOff     pod/crashy                              Back-off restarting failed container app in pod crashy_default(uid)\n",
            Get("events", [scheduled, backoff]));

        var wide = Columns.Table("Event", [scheduled, backoff], true, true, false, Now);
        Assert.Equal(["NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"], wide.Headers);
        Assert.Equal(["default", "60s", "Normal", "Scheduled", "pod/nginx-deployment-66b6c48dd5-4jw2h", "", "default-scheduler, default-scheduler-control-plane",
            "Successfully assigned default/nginx-deployment-66b6c48dd5-4jw2h to worker-1", "60s", "1", "nginx-deployment-66b6c48dd5-4jw2h.17a1f0c1c2d3e4f5"], wide.Rows[0]);
        Assert.Equal(["default", "8s", "Warning", "BackOff", "pod/crashy", "spec.containers{app}", "kubelet, worker-1",
            "Back-off restarting failed container app in pod crashy_default(uid)", "5m", "21", "crashy.17a1f0c1c2d3e4f6"], wide.Rows[1]);
    }

    [Fact]
    public void Name_IsResourceDotGroupSlashName()
    {
        Assert.Equal("deployment.apps/nginx-deployment", Columns.Name("Deployment", NginxDeployment(TimeSpan.Zero)));
        Assert.Equal("replicaset.apps/rs1", Columns.Name("ReplicaSet", new V1ReplicaSet { Metadata = new V1ObjectMeta { Name = "rs1" } }));
        Assert.Equal("pod/p", Columns.Name("Pod", new V1Pod { Metadata = new V1ObjectMeta { Name = "p" } }));
        Assert.Equal("service/web", Columns.Name("svc", new V1Service { Metadata = new V1ObjectMeta { Name = "web" } }));
        Assert.Equal("node/worker-1", Columns.Name("Node", new V1Node { Metadata = new V1ObjectMeta { Name = "worker-1" } }));
        Assert.Equal("namespace/default", Columns.Name("Namespace", new V1Namespace { Metadata = new V1ObjectMeta { Name = "default" } }));
        Assert.Equal("configmap/c", Columns.Name("ConfigMap", new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }));
        Assert.Equal("secret/s", Columns.Name("Secret", new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }));
        Assert.Equal("event/e", Columns.Name("Event", new Corev1Event { Metadata = new V1ObjectMeta { Name = "e" } }));
        Assert.Throws<ArgumentException>(() => Columns.Name("Gadget", new V1Pod()));
    }

    // ------------------------------------------------------------------ Describe

    [Fact]
    public void Describe_Deployment_MatchesKubectlLayout()
    {
        var d = NginxDeployment(TimeSpan.FromSeconds(18));
        d.Metadata.CreationTimestamp = new DateTime(2024, 1, 1, 11, 59, 42, DateTimeKind.Utc);
        var rs = new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta
            {
                Name = "nginx-deployment-66b6c48dd5",
                NamespaceProperty = "default",
                CreationTimestamp = Ago(TimeSpan.FromSeconds(18)),
                Labels = L("app", "nginx", "pod-template-hash", "66b6c48dd5"),
                OwnerReferences = new List<V1OwnerReference> { new() { Kind = "Deployment", Name = "nginx-deployment", Uid = "d-uid", Controller = true } },
            },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 3,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = L("app", "nginx", "pod-template-hash", "66b6c48dd5") },
                    Spec = d.Spec.Template.Spec,
                },
            },
            Status = new V1ReplicaSetStatus { Replicas = 3 },
        };
        var oldRs = new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta
            {
                Name = "nginx-deployment-5c689d88bb",
                CreationTimestamp = Ago(TimeSpan.FromHours(1)),
                OwnerReferences = new List<V1OwnerReference> { new() { Kind = "Deployment", Name = "nginx-deployment", Uid = "d-uid", Controller = true } },
            },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 0,
                Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = new List<V1Container> { new() { Name = "nginx", Image = "nginx:1.13" } } } },
            },
            Status = new V1ReplicaSetStatus { Replicas = 0 },
        };
        var unrelated = new V1ReplicaSet { Metadata = new V1ObjectMeta { Name = "other", OwnerReferences = new List<V1OwnerReference> { new() { Kind = "Deployment", Name = "other", Uid = "x", Controller = true } } } };
        var events = new List<Corev1Event>
        {
            new()
            {
                Type = "Normal",
                Reason = "ScalingReplicaSet",
                Message = "Scaled up replica set nginx-deployment-66b6c48dd5 to 3",
                Source = new V1EventSource { Component = "deployment-controller" },
                InvolvedObject = new V1ObjectReference { Kind = "Deployment", Name = "nginx-deployment", NamespaceProperty = "default", Uid = "d-uid" },
                FirstTimestamp = Ago(TimeSpan.FromSeconds(18)),
                LastTimestamp = Ago(TimeSpan.FromSeconds(18)),
                Count = 1,
            },
            // Not about this deployment: filtered out.
            new() { Type = "Normal", Reason = "Other", InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "x" } },
        };

        string text = Describer.Describe("Deployment", d, events, Now, [rs, oldRs, unrelated], TimeZoneInfo.Utc);
        Assert.Equal(
            "Name:                   nginx-deployment\n" +
            "Namespace:              default\n" +
            "CreationTimestamp:      Mon, 01 Jan 2024 11:59:42 +0000\n" +
            "Labels:                 app=nginx\n" +
            "Annotations:            deployment.kubernetes.io/revision: 1\n" +
            "Selector:               app=nginx\n" +
            "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n" +
            "StrategyType:           RollingUpdate\n" +
            "MinReadySeconds:        0\n" +
            "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n" +
            "Pod Template:\n" +
            "  Labels:  app=nginx\n" +
            "  Containers:\n" +
            "   nginx:\n" +
            "    Image:         nginx:1.14.2\n" +
            "    Port:          80/TCP\n" +
            "    Host Port:     0/TCP\n" +
            "    Environment:   <none>\n" +
            "    Mounts:        <none>\n" +
            "  Volumes:         <none>\n" +
            "  Node-Selectors:  <none>\n" +
            "  Tolerations:     <none>\n" +
            "Conditions:\n" +
            "  Type           Status  Reason\n" +
            "  ----           ------  ------\n" +
            "  Available      True    MinimumReplicasAvailable\n" +
            "  Progressing    True    NewReplicaSetAvailable\n" +
            "OldReplicaSets:  nginx-deployment-5c689d88bb (0/0 replicas created)\n" +
            "NewReplicaSet:   nginx-deployment-66b6c48dd5 (3/3 replicas created)\n" +
            "Events:\n" +
            "  Type    Reason             Age   From                   Message\n" +
            "  ----    ------             ----  ----                   -------\n" +
            "  Normal  ScalingReplicaSet  18s   deployment-controller  Scaled up replica set nginx-deployment-66b6c48dd5 to 3\n",
            text);

        // Without ReplicaSets and events (the 4-argument API) kubectl omits the ReplicaSet lines.
        string bare = Describer.Describe("Deployment", d, [], Now);
        Assert.DoesNotContain("NewReplicaSet:", bare);
        Assert.DoesNotContain("OldReplicaSets:", bare);
        // "Events:" now joins the conditions' tab block, so that block is narrower than above.
        Assert.EndsWith("  Progressing   True    NewReplicaSetAvailable\nEvents:         <none>\n", bare);
    }

    [Fact]
    public void Describe_Pod_MatchesKubectlLayout()
    {
        var pod = RunningPod("nginx-deployment-66b6c48dd5-4jw2h", TimeSpan.FromSeconds(60));
        pod.Metadata.Annotations = L("kubectl.kubernetes.io/last-applied-configuration", "{}\n");
        var events = new List<Corev1Event>
        {
            new()
            {
                Type = "Normal", Reason = "Pulled",
                Message = "Container image \"nginx:1.14.2\" already present on machine",
                Source = new V1EventSource { Component = "kubelet", Host = "worker-1" },
                InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = "default", FieldPath = "spec.containers{nginx}" },
                FirstTimestamp = Ago(TimeSpan.FromSeconds(58)), LastTimestamp = Ago(TimeSpan.FromSeconds(58)), Count = 1,
            },
            new()
            {
                Type = "Normal", Reason = "Scheduled",
                Message = "Successfully assigned default/nginx-deployment-66b6c48dd5-4jw2h to worker-1",
                ReportingComponent = "default-scheduler",
                InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = "default" },
                EventTime = Ago(TimeSpan.FromSeconds(60)),
            },
            new()
            {
                Type = "Warning", Reason = "Unhealthy",
                Message = "Readiness probe failed: connection refused",
                Source = new V1EventSource { Component = "kubelet" },
                InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = "default" },
                FirstTimestamp = Ago(TimeSpan.FromSeconds(50)), LastTimestamp = Ago(TimeSpan.FromSeconds(20)), Count = 4,
            },
        };

        string text = Describer.Describe("Pod", pod, events, Now, null, TimeZoneInfo.Utc);
        Assert.Equal(
            "Name:             nginx-deployment-66b6c48dd5-4jw2h\n" +
            "Namespace:        default\n" +
            "Priority:         0\n" +
            "Service Account:  default\n" +
            "Node:             worker-1/172.18.0.2\n" +
            "Start Time:       Mon, 01 Jan 2024 11:59:00 +0000\n" +
            "Labels:           app=nginx\n" +
            "                  pod-template-hash=66b6c48dd5\n" +
            "Annotations:      <none>\n" +
            "Status:           Running\n" +
            "IP:               10.244.1.5\n" +
            "IPs:\n" +
            "  IP:           10.244.1.5\n" +
            "Controlled By:  ReplicaSet/nginx-deployment-66b6c48dd5\n" +
            "Containers:\n" +
            "  nginx:\n" +
            "    Container ID:   containerd://4a0bde5d4d3c1f2b\n" +
            "    Image:          nginx:1.14.2\n" +
            "    Image ID:       docker.io/library/nginx@sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d\n" +
            "    Port:           80/TCP\n" +
            "    Host Port:      0/TCP\n" +
            "    State:          Running\n" +
            "      Started:      Mon, 01 Jan 2024 11:59:05 +0000\n" +
            "    Ready:          True\n" +
            "    Restart Count:  0\n" +
            "    Environment:    <none>\n" +
            "    Mounts:\n" +
            "      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-5m5xd (ro)\n" +
            "Conditions:\n" +
            "  Type                        Status\n" +
            "  PodReadyToStartContainers   True \n" +
            "  Initialized                 True \n" +
            "  Ready                       True \n" +
            "  ContainersReady             True \n" +
            "  PodScheduled                True \n" +
            "Volumes:\n" +
            "  kube-api-access-5m5xd:\n" +
            "    Type:                    Projected (a volume that contains injected data from multiple sources)\n" +
            "    TokenExpirationSeconds:  3607\n" +
            "    ConfigMapName:           kube-root-ca.crt\n" +
            "    ConfigMapOptional:       <nil>\n" +
            "    DownwardAPI:             true\n" +
            "QoS Class:                   BestEffort\n" +
            "Node-Selectors:              <none>\n" +
            "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n" +
            "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n" +
            "Events:\n" +
            "  Type     Reason     Age                From               Message\n" +
            "  ----     ------     ----               ----               -------\n" +
            "  Normal   Scheduled  60s                default-scheduler  Successfully assigned default/nginx-deployment-66b6c48dd5-4jw2h to worker-1\n" +
            "  Normal   Pulled     58s                kubelet            Container image \"nginx:1.14.2\" already present on machine\n" +
            "  Warning  Unhealthy  20s (x4 over 50s)  kubelet            Readiness probe failed: connection refused\n",
            text);
    }

    [Fact]
    public void Describe_Pod_CrashLoopTerminatingEnvAndProbes()
    {
        var pod = PodWithContainerState("crashy", TimeSpan.FromMinutes(5),
            new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } },
            restarts: 5,
            lastState: new V1ContainerState
            {
                Terminated = new V1ContainerStateTerminated
                {
                    ExitCode = 1, Reason = "Error",
                    StartedAt = new DateTime(2024, 1, 1, 11, 58, 0, DateTimeKind.Utc),
                    FinishedAt = new DateTime(2024, 1, 1, 11, 58, 30, DateTimeKind.Utc),
                },
            });
        pod.Metadata.DeletionTimestamp = Ago(TimeSpan.FromSeconds(10));
        pod.Metadata.DeletionGracePeriodSeconds = 30;
        var c = pod.Spec.Containers[0];
        c.Command = new List<string> { "/bin/sh", "-c" };
        c.Args = new List<string> { "exit 1" };
        c.Resources = new V1ResourceRequirements
        {
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("128Mi"), ["cpu"] = new("500m") },
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("64Mi") },
        };
        c.LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = 8080 }, PeriodSeconds = 5 };
        c.ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "http" } };
        c.Env = new List<V1EnvVar>
        {
            new() { Name = "MODE", Value = "debug" },
            new() { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.name" } } },
            new() { Name = "PASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "db", Key = "password" } } },
        };

        string text = Describer.Describe("pod", pod, null, Now, null, TimeZoneInfo.Utc);
        Assert.Contains("Status:                    Terminating (lasts 10s)\nTermination Grace Period:  30s\n", text);
        Assert.Contains(
            "Containers:\n" +
            "  app:\n" +
            "    Container ID:  \n" +
            "    Image:         app:1\n" +
            "    Image ID:      \n" +
            "    Port:          <none>\n" +
            "    Host Port:     <none>\n" +
            "    Command:\n" +
            "      /bin/sh\n" +
            "      -c\n" +
            "    Args:\n" +
            "      exit 1\n" +
            "    State:          Waiting\n" +
            "      Reason:       CrashLoopBackOff\n" +
            "    Last State:     Terminated\n" +
            "      Reason:       Error\n" +
            "      Exit Code:    1\n" +
            "      Started:      Mon, 01 Jan 2024 11:58:00 +0000\n" +
            "      Finished:     Mon, 01 Jan 2024 11:58:30 +0000\n" +
            "    Ready:          False\n" +
            "    Restart Count:  5\n" +
            "    Limits:\n" +
            "      cpu:     500m\n" +
            "      memory:  128Mi\n" +
            "    Requests:\n" +
            "      cpu:      250m\n" +
            "      memory:   64Mi\n" +
            "    Liveness:   http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3\n" +
            "    Readiness:  tcp-socket :http delay=0s timeout=1s period=10s #success=1 #failure=3\n" +
            "    Environment:\n" +
            "      MODE:      debug\n" +
            "      POD_NAME:  crashy (v1:metadata.name)\n" +
            "      PASSWORD:  <set to the key 'password' in secret 'db'>  Optional: false\n" +
            "    Mounts:      <none>\n" +
            "Volumes:         <none>\n" +
            "QoS Class:       Burstable\n" +
            "Node-Selectors:  <none>\n" +
            "Tolerations:     <none>\n" +
            "Events:          <none>\n",
            text);
    }

    [Fact]
    public void Describe_ConfigMapSecretNamespaceAndGeneric()
    {
        var cm = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "game-demo", NamespaceProperty = "default" },
            Data = L("player_initial_lives", "3", "game.properties", "enemy.types=aliens,monsters\nplayer.maximum-lives=5"),
        };
        Assert.Equal(
            "Name:         game-demo\n" +
            "Namespace:    default\n" +
            "Labels:       <none>\n" +
            "Annotations:  <none>\n" +
            "\n" +
            "Data\n" +
            "====\n" +
            "game.properties:\n" +
            "----\n" +
            "enemy.types=aliens,monsters\n" +
            "player.maximum-lives=5\n" +
            "\n" +
            "player_initial_lives:\n" +
            "----\n" +
            "3\n" +
            "\n" +
            "\n" +
            "BinaryData\n" +
            "====\n" +
            "\n" +
            "Events:  <none>\n",
            Describer.Describe("ConfigMap", cm, [], Now));

        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "db-credentials", NamespaceProperty = "default", Labels = L("app", "db") },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { ["username"] = "admin"u8.ToArray(), ["password"] = "s3cr3t!!"u8.ToArray() },
        };
        string secretText = Describer.Describe("Secret", secret, [], Now);
        Assert.Equal(
            "Name:         db-credentials\n" +
            "Namespace:    default\n" +
            "Labels:       app=db\n" +
            "Annotations:  <none>\n" +
            "\n" +
            "Type:  Opaque\n" +
            "\n" +
            "Data\n" +
            "====\n" +
            "password:  8 bytes\n" +
            "username:  5 bytes\n",
            secretText);
        Assert.DoesNotContain("admin", secretText);

        var ns = new V1Namespace { Metadata = new V1ObjectMeta { Name = "default", Labels = L("kubernetes.io/metadata.name", "default") }, Status = new V1NamespaceStatus { Phase = "Active" } };
        Assert.Equal(
            "Name:         default\n" +
            "Labels:       kubernetes.io/metadata.name=default\n" +
            "Annotations:  <none>\n" +
            "Status:       Active\n" +
            "\n" +
            "No resource quota.\n" +
            "\n" +
            "No LimitRange resource.\n",
            Describer.Describe("Namespace", ns, [], Now));

        var svc = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", CreationTimestamp = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
            Spec = new V1ServiceSpec { Type = "ClusterIP", ClusterIP = "10.96.12.34", Ports = new List<V1ServicePort> { new() { Port = 80, Protocol = "TCP", TargetPort = 8080 } }, Selector = L("app", "web") },
            Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus() },
        };
        Assert.Equal(
            "Name:               web\n" +
            "Namespace:          default\n" +
            "Labels:             <none>\n" +
            "Annotations:        <none>\n" +
            "CreationTimestamp:  Mon, 01 Jan 2024 00:00:00 +0000\n" +
            "Spec:\n" +
            "  clusterIP: 10.96.12.34\n" +
            "  ports:\n" +
            "  - port: 80\n" +
            "    protocol: TCP\n" +
            "    targetPort: 8080\n" +
            "  selector:\n" +
            "    app: web\n" +
            "  type: ClusterIP\n" +
            "Status:\n" +
            "  loadBalancer: {}\n" +
            "Events:  <none>\n",
            Describer.Describe("Service", svc, [], Now, null, TimeZoneInfo.Utc));
    }

    // ------------------------------------------------------------------ Output

    [Fact]
    public void Json_IsSortedFourSpaceIndentedWithTypeMetaAndNoManagedFields()
    {
        var d = NginxDeployment(TimeSpan.FromSeconds(10));
        d.ApiVersion = null;
        d.Kind = null;
        d.Metadata.Annotations["note"] = "a<b & c>d";
        string json = Output.Json(d);
        Assert.StartsWith(
            "{\n" +
            "    \"apiVersion\": \"apps/v1\",\n" +
            "    \"kind\": \"Deployment\",\n" +
            "    \"metadata\": {\n" +
            "        \"annotations\": {\n" +
            "            \"deployment.kubernetes.io/revision\": \"1\",\n" +
            "            \"note\": \"a\\u003cb \\u0026 c\\u003ed\"\n" +
            "        },\n" +
            "        \"creationTimestamp\": \"2024-01-01T11:59:50Z\",\n" +
            "        \"generation\": 1,\n" +
            "        \"labels\": {\n" +
            "            \"app\": \"nginx\"\n" +
            "        },\n" +
            "        \"name\": \"nginx-deployment\",\n" +
            "        \"namespace\": \"default\",\n" +
            "        \"uid\": \"d-uid\"\n" +
            "    },\n" +
            "    \"spec\": {\n" +
            "        \"replicas\": 3,\n",
            json);
        Assert.Contains(
            "                        \"ports\": [\n" +
            "                            {\n" +
            "                                \"containerPort\": 80,\n" +
            "                                \"protocol\": \"TCP\"\n" +
            "                            }\n" +
            "                        ]\n",
            json);
        Assert.EndsWith("    }\n}\n", json);
        Assert.DoesNotContain("managedFields", json);
        // The caller's object is not modified.
        Assert.Null(d.Kind);
        Assert.NotNull(d.Metadata.ManagedFields);
    }

    [Fact]
    public void Yaml_MatchesKubectlStyle()
    {
        var pod = RunningPod("nginx-deployment-66b6c48dd5-4jw2h", TimeSpan.FromSeconds(60));
        pod.Spec.Volumes = null;
        pod.Spec.Tolerations = null;
        pod.Spec.Containers[0].VolumeMounts = null;
        pod.Spec.Containers[0].Args = new List<string> { "--port", "8080", "true", "" };
        pod.Status.Conditions = null;
        pod.Status.ContainerStatuses = null;
        pod.Status.PodIPs = null;
        pod.Status.Message = "this is a deliberately long status message that goes well past eighty columns so go-yaml folds it";

        string yaml = Output.Yaml(pod);
        Assert.Equal(
            "apiVersion: v1\n" +
            "kind: Pod\n" +
            "metadata:\n" +
            "  creationTimestamp: \"2024-01-01T11:59:00Z\"\n" +
            "  labels:\n" +
            "    app: nginx\n" +
            "    pod-template-hash: 66b6c48dd5\n" +
            "  name: nginx-deployment-66b6c48dd5-4jw2h\n" +
            "  namespace: default\n" +
            "  ownerReferences:\n" +
            "  - apiVersion: apps/v1\n" +
            "    blockOwnerDeletion: true\n" +
            "    controller: true\n" +
            "    kind: ReplicaSet\n" +
            "    name: nginx-deployment-66b6c48dd5\n" +
            "    uid: rs-uid\n" +
            "spec:\n" +
            "  containers:\n" +
            "  - args:\n" +
            "    - --port\n" +
            "    - \"8080\"\n" +
            "    - \"true\"\n" +
            "    - \"\"\n" +
            "    image: nginx:1.14.2\n" +
            "    name: nginx\n" +
            "    ports:\n" +
            "    - containerPort: 80\n" +
            "      protocol: TCP\n" +
            "  nodeName: worker-1\n" +
            "  priority: 0\n" +
            "  serviceAccountName: default\n" +
            "status:\n" +
            "  hostIP: 172.18.0.2\n" +
            "  message: this is a deliberately long status message that goes well past eighty columns\n" +
            "    so go-yaml folds it\n" +
            "  phase: Running\n" +
            "  podIP: 10.244.1.5\n" +
            "  qosClass: BestEffort\n" +
            "  startTime: \"2024-01-01T11:59:00Z\"\n",
            yaml);
    }

    [Fact]
    public void Yaml_ScalarQuotingAndBlocks()
    {
        var cm = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = "cfg", NamespaceProperty = "default" },
            Data = new Dictionary<string, string>
            {
                ["int"] = "1",
                ["bool"] = "yes",
                ["float"] = "1.5",
                ["hex"] = "0x1F",
                ["date"] = "2024-01-01",
                ["null"] = "~",
                ["none"] = "<none>",
                ["colon"] = "a: b",
                ["dash"] = "- x",
                ["hash"] = "#x",
                ["lead"] = " x",
                ["tab"] = "a\tb",
                ["quote"] = "it's",
                ["script"] = "#!/bin/sh\necho hi\n",
                ["nonl"] = "line1\nline2",
                ["pct"] = "25%",
                ["n"] = "n",
                ["key10"] = "a",
                ["key9"] = "b",
            },
        };
        Assert.Equal(
            "apiVersion: v1\n" +
            "data:\n" +
            "  bool: \"yes\"\n" +
            "  colon: 'a: b'\n" +
            "  dash: '- x'\n" +
            "  date: \"2024-01-01\"\n" +
            "  float: \"1.5\"\n" +
            "  hash: '#x'\n" +
            "  hex: \"0x1F\"\n" +
            "  int: \"1\"\n" +
            "  key9: b\n" +
            "  key10: a\n" +
            "  lead: ' x'\n" +
            "  \"n\": \"n\"\n" +
            "  none: <none>\n" +
            "  nonl: |-\n" +
            "    line1\n" +
            "    line2\n" +
            "  \"null\": \"~\"\n" +
            "  pct: 25%\n" +
            "  quote: it's\n" +
            "  script: |\n" +
            "    #!/bin/sh\n" +
            "    echo hi\n" +
            "  tab: \"a\\tb\"\n" +
            "kind: ConfigMap\n" +
            "metadata:\n" +
            "  name: cfg\n" +
            "  namespace: default\n",
            Output.Yaml(cm));
    }

    [Fact]
    public void Lists_AreWrappedInV1List()
    {
        var a = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a", NamespaceProperty = "default" }, Data = L("k", "v") };
        var b = new V1Namespace { Metadata = new V1ObjectMeta { Name = "b" }, Spec = new V1NamespaceSpec { Finalizers = new List<string> { "kubernetes" } } };
        Assert.Equal(
            "apiVersion: v1\n" +
            "items:\n" +
            "- apiVersion: v1\n" +
            "  data:\n" +
            "    k: v\n" +
            "  kind: ConfigMap\n" +
            "  metadata:\n" +
            "    name: a\n" +
            "    namespace: default\n" +
            "- apiVersion: v1\n" +
            "  kind: Namespace\n" +
            "  metadata:\n" +
            "    name: b\n" +
            "  spec:\n" +
            "    finalizers:\n" +
            "    - kubernetes\n" +
            "kind: List\n" +
            "metadata:\n" +
            "  resourceVersion: \"\"\n",
            Output.YamlList([a, b]));

        Assert.Equal(
            "{\n" +
            "    \"apiVersion\": \"v1\",\n" +
            "    \"items\": [\n" +
            "        {\n" +
            "            \"apiVersion\": \"v1\",\n" +
            "            \"data\": {\n" +
            "                \"k\": \"v\"\n" +
            "            },\n" +
            "            \"kind\": \"ConfigMap\",\n" +
            "            \"metadata\": {\n" +
            "                \"name\": \"a\",\n" +
            "                \"namespace\": \"default\"\n" +
            "            }\n" +
            "        }\n" +
            "    ],\n" +
            "    \"kind\": \"List\",\n" +
            "    \"metadata\": {\n" +
            "        \"resourceVersion\": \"\"\n" +
            "    }\n" +
            "}\n",
            Output.JsonList([a]));

        Assert.Equal("apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n", Output.YamlList([]));
        Assert.Equal("{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n", Output.JsonList([]));
    }
}
