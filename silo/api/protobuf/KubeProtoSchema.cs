namespace Cluster.Silo.Api.Protobuf;

/// <summary>How a protobuf field is read and rendered as JSON.</summary>
internal enum PKind
{
    String,
    /// <summary>bytes, rendered as base64 like Go's encoding/json renders []byte.</summary>
    Bytes,
    Int32,
    Int64,
    Bool,
    /// <summary>A nested message rendered as a JSON object under the field's name.</summary>
    Message,
    /// <summary>A nested message whose Go struct is embedded (json:",inline"): its keys go into the parent object.</summary>
    Inline,
    /// <summary>map&lt;string, string&gt; (entry: key = 1, value = 2).</summary>
    StringMap,
    /// <summary>map&lt;string, bytes&gt;, values rendered as base64.</summary>
    BytesMap,
    /// <summary>map&lt;string, resource.Quantity&gt;.</summary>
    QuantityMap,
    /// <summary>k8s.io.apimachinery.pkg.api.resource.Quantity {1: string}, rendered as its string.</summary>
    Quantity,
    /// <summary>k8s.io.apimachinery.pkg.util.intstr.IntOrString {1: type, 2: intVal, 3: strVal}, rendered as a number or a string.</summary>
    IntOrString,
    /// <summary>k8s.io.apimachinery.pkg.apis.meta.v1.Time {1: seconds, 2: nanos}, rendered as RFC 3339 (seconds precision, UTC).</summary>
    Time,
}

/// <summary>
/// One field of a message. <paramref name="Presence"/> marks Go pointer fields (and pointer-typed structs):
/// go-to-protobuf writes them only when non-nil, so when they are on the wire they are kept in the JSON even
/// when zero (replicas: 0, maxSurge: 0, emptyDir: {}, selector: {}). All other fields are always written by the
/// client, so their zero values (empty strings, 0, false, empty objects) are left out, as Go's omitempty would.
/// </summary>
internal sealed record PField(int Number, string Json, PKind Kind, bool Repeated = false, bool Presence = false, PMessage? Message = null);

/// <summary>A message's fields, in the order of the Go struct (which is the order the JSON API writes them).</summary>
internal sealed class PMessage
{
    readonly Dictionary<int, int> _byNumber = new();

    public PMessage(string name, params PField[] fields)
    {
        Name = name;
        Fields = fields;
        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].Kind is PKind.Message or PKind.Inline && fields[i].Message == null)
                throw new InvalidOperationException($"{name}.{fields[i].Json} has no message type");
            if (!_byNumber.TryAdd(fields[i].Number, i))
                throw new InvalidOperationException($"{name} declares field {fields[i].Number} twice");
        }
    }

    public string Name { get; }
    public PField[] Fields { get; }
    public int IndexOf(int number) => _byNumber.TryGetValue(number, out var i) ? i : -1;
}

/// <summary>
/// The subset of the Kubernetes protobuf schema this decoder understands. Field numbers are transcribed from the
/// official generated.proto files: k8s.io/apimachinery pkg/runtime (Unknown, TypeMeta), pkg/apis/meta/v1
/// (ObjectMeta, OwnerReference, LabelSelector, Time), pkg/util/intstr (IntOrString), pkg/api/resource (Quantity),
/// k8s.io/api core/v1 and apps/v1. Fields not listed here (status blocks, managedFields, rarely used volume
/// plugins, ephemeral containers, resource claims, ...) are skipped on the wire, as protobuf allows.
/// Definitions are ordered so that every message is declared before it is used.
/// </summary>
internal static class KubeProtoSchema
{
    // ---- field constructors: S string, I32/I64 integers, B bool, suffix P = pointer (keep when present), L = repeated
    static PField S(int n, string j) => new(n, j, PKind.String);
    static PField SP(int n, string j) => new(n, j, PKind.String, Presence: true);
    static PField SL(int n, string j) => new(n, j, PKind.String, Repeated: true);
    static PField I32(int n, string j) => new(n, j, PKind.Int32);
    static PField I32P(int n, string j) => new(n, j, PKind.Int32, Presence: true);
    static PField I64(int n, string j) => new(n, j, PKind.Int64);
    static PField I64P(int n, string j) => new(n, j, PKind.Int64, Presence: true);
    static PField I64L(int n, string j) => new(n, j, PKind.Int64, Repeated: true);
    static PField B(int n, string j) => new(n, j, PKind.Bool);
    static PField BP(int n, string j) => new(n, j, PKind.Bool, Presence: true);
    static PField M(int n, string j, PMessage m) => new(n, j, PKind.Message, Message: m);
    static PField MP(int n, string j, PMessage m) => new(n, j, PKind.Message, Presence: true, Message: m);
    static PField ML(int n, string j, PMessage m) => new(n, j, PKind.Message, Repeated: true, Message: m);
    static PField Inline(int n, PMessage m) => new(n, "", PKind.Inline, Message: m);
    static PField SMap(int n, string j) => new(n, j, PKind.StringMap);
    static PField BMap(int n, string j) => new(n, j, PKind.BytesMap);
    static PField QMap(int n, string j) => new(n, j, PKind.QuantityMap);
    static PField Q(int n, string j) => new(n, j, PKind.Quantity);
    static PField QP(int n, string j) => new(n, j, PKind.Quantity, Presence: true);
    static PField IOS(int n, string j) => new(n, j, PKind.IntOrString);
    static PField IOSP(int n, string j) => new(n, j, PKind.IntOrString, Presence: true);
    static PField T(int n, string j) => new(n, j, PKind.Time);

    // ================================================================ k8s.io/apimachinery pkg/apis/meta/v1

    static readonly PMessage OwnerReference = new("meta.v1.OwnerReference",
        S(5, "apiVersion"), S(1, "kind"), S(3, "name"), S(4, "uid"), BP(6, "controller"), BP(7, "blockOwnerDeletion"));

    static readonly PMessage ObjectMeta = new("meta.v1.ObjectMeta",
        S(1, "name"), S(2, "generateName"), S(3, "namespace"), S(4, "selfLink"), S(5, "uid"), S(6, "resourceVersion"),
        I64(7, "generation"), T(8, "creationTimestamp"), T(9, "deletionTimestamp"), I64P(10, "deletionGracePeriodSeconds"),
        SMap(11, "labels"), SMap(12, "annotations"), ML(13, "ownerReferences", OwnerReference), SL(14, "finalizers"));
    // Not decoded: 15 clusterName (removed from the API), 17 managedFields (server-owned).

    static readonly PMessage LabelSelectorRequirement = new("meta.v1.LabelSelectorRequirement",
        S(1, "key"), S(2, "operator"), SL(3, "values"));

    static readonly PMessage LabelSelector = new("meta.v1.LabelSelector",
        SMap(1, "matchLabels"), ML(2, "matchExpressions", LabelSelectorRequirement));

    // ================================================================ k8s.io/api core/v1

    // ---- references and selectors
    static readonly PMessage LocalObjectReference = new("core.v1.LocalObjectReference", S(1, "name"));

    static readonly PMessage ObjectReference = new("core.v1.ObjectReference",
        S(1, "kind"), S(2, "namespace"), S(3, "name"), S(4, "uid"), S(5, "apiVersion"), S(6, "resourceVersion"), S(7, "fieldPath"));

    static readonly PMessage ObjectFieldSelector = new("core.v1.ObjectFieldSelector", S(1, "apiVersion"), S(2, "fieldPath"));

    static readonly PMessage ResourceFieldSelector = new("core.v1.ResourceFieldSelector",
        S(1, "containerName"), S(2, "resource"), Q(3, "divisor"));

    static readonly PMessage ConfigMapKeySelector = new("core.v1.ConfigMapKeySelector",
        Inline(1, LocalObjectReference), S(2, "key"), BP(3, "optional"));

    static readonly PMessage SecretKeySelector = new("core.v1.SecretKeySelector",
        Inline(1, LocalObjectReference), S(2, "key"), BP(3, "optional"));

    // ---- environment
    static readonly PMessage EnvVarSource = new("core.v1.EnvVarSource",
        MP(1, "fieldRef", ObjectFieldSelector), MP(2, "resourceFieldRef", ResourceFieldSelector),
        MP(3, "configMapKeyRef", ConfigMapKeySelector), MP(4, "secretKeyRef", SecretKeySelector));
    // Not decoded: 5 fileKeyRef (alpha).

    static readonly PMessage EnvVar = new("core.v1.EnvVar", S(1, "name"), S(2, "value"), MP(3, "valueFrom", EnvVarSource));

    static readonly PMessage ConfigMapEnvSource = new("core.v1.ConfigMapEnvSource", Inline(1, LocalObjectReference), BP(2, "optional"));
    static readonly PMessage SecretEnvSource = new("core.v1.SecretEnvSource", Inline(1, LocalObjectReference), BP(2, "optional"));

    static readonly PMessage EnvFromSource = new("core.v1.EnvFromSource",
        S(1, "prefix"), MP(2, "configMapRef", ConfigMapEnvSource), MP(3, "secretRef", SecretEnvSource));

    // ---- resources, ports, mounts
    static readonly PMessage ResourceClaim = new("core.v1.ResourceClaim", S(1, "name"), S(2, "request"));

    static readonly PMessage ResourceRequirements = new("core.v1.ResourceRequirements",
        QMap(1, "limits"), QMap(2, "requests"), ML(3, "claims", ResourceClaim));

    static readonly PMessage ContainerPort = new("core.v1.ContainerPort",
        S(1, "name"), I32(2, "hostPort"), I32(3, "containerPort"), S(4, "protocol"), S(5, "hostIP"));

    static readonly PMessage ContainerResizePolicy = new("core.v1.ContainerResizePolicy", S(1, "resourceName"), S(2, "restartPolicy"));

    static readonly PMessage VolumeMount = new("core.v1.VolumeMount",
        S(1, "name"), B(2, "readOnly"), SP(7, "recursiveReadOnly"), S(3, "mountPath"), S(4, "subPath"),
        SP(5, "mountPropagation"), S(6, "subPathExpr"));

    static readonly PMessage VolumeDevice = new("core.v1.VolumeDevice", S(1, "name"), S(2, "devicePath"));

    // ---- probes and lifecycle hooks
    static readonly PMessage ExecAction = new("core.v1.ExecAction", SL(1, "command"));
    static readonly PMessage HTTPHeader = new("core.v1.HTTPHeader", S(1, "name"), S(2, "value"));

    static readonly PMessage HTTPGetAction = new("core.v1.HTTPGetAction",
        S(1, "path"), IOS(2, "port"), S(3, "host"), S(4, "scheme"), ML(5, "httpHeaders", HTTPHeader));

    static readonly PMessage TCPSocketAction = new("core.v1.TCPSocketAction", IOS(1, "port"), S(2, "host"));
    static readonly PMessage GRPCAction = new("core.v1.GRPCAction", I32(1, "port"), SP(2, "service"));
    static readonly PMessage SleepAction = new("core.v1.SleepAction", I64(1, "seconds"));

    static readonly PMessage ProbeHandler = new("core.v1.ProbeHandler",
        MP(1, "exec", ExecAction), MP(2, "httpGet", HTTPGetAction), MP(3, "tcpSocket", TCPSocketAction), MP(4, "grpc", GRPCAction));

    static readonly PMessage Probe = new("core.v1.Probe",
        Inline(1, ProbeHandler), I32(2, "initialDelaySeconds"), I32(3, "timeoutSeconds"), I32(4, "periodSeconds"),
        I32(5, "successThreshold"), I32(6, "failureThreshold"), I64P(7, "terminationGracePeriodSeconds"));

    static readonly PMessage LifecycleHandler = new("core.v1.LifecycleHandler",
        MP(1, "exec", ExecAction), MP(2, "httpGet", HTTPGetAction), MP(3, "tcpSocket", TCPSocketAction), MP(4, "sleep", SleepAction));

    static readonly PMessage Lifecycle = new("core.v1.Lifecycle",
        MP(1, "postStart", LifecycleHandler), MP(2, "preStop", LifecycleHandler), SP(3, "stopSignal"));

    // ---- security
    static readonly PMessage Capabilities = new("core.v1.Capabilities", SL(1, "add"), SL(2, "drop"));

    static readonly PMessage SELinuxOptions = new("core.v1.SELinuxOptions", S(1, "user"), S(2, "role"), S(3, "type"), S(4, "level"));

    static readonly PMessage WindowsSecurityContextOptions = new("core.v1.WindowsSecurityContextOptions",
        SP(1, "gmsaCredentialSpecName"), SP(2, "gmsaCredentialSpec"), SP(3, "runAsUserName"), BP(4, "hostProcess"));

    static readonly PMessage SeccompProfile = new("core.v1.SeccompProfile", S(1, "type"), SP(2, "localhostProfile"));
    static readonly PMessage AppArmorProfile = new("core.v1.AppArmorProfile", S(1, "type"), SP(2, "localhostProfile"));

    static readonly PMessage SecurityContext = new("core.v1.SecurityContext",
        MP(1, "capabilities", Capabilities), BP(2, "privileged"), MP(3, "seLinuxOptions", SELinuxOptions),
        MP(10, "windowsOptions", WindowsSecurityContextOptions), I64P(4, "runAsUser"), I64P(8, "runAsGroup"),
        BP(5, "runAsNonRoot"), BP(6, "readOnlyRootFilesystem"), BP(7, "allowPrivilegeEscalation"), SP(9, "procMount"),
        MP(11, "seccompProfile", SeccompProfile), MP(12, "appArmorProfile", AppArmorProfile));
    // Not decoded: 13 ulimits (alpha).

    static readonly PMessage Sysctl = new("core.v1.Sysctl", S(1, "name"), S(2, "value"));

    static readonly PMessage PodSecurityContext = new("core.v1.PodSecurityContext",
        MP(1, "seLinuxOptions", SELinuxOptions), MP(8, "windowsOptions", WindowsSecurityContextOptions),
        I64P(2, "runAsUser"), I64P(6, "runAsGroup"), BP(3, "runAsNonRoot"), I64L(4, "supplementalGroups"),
        SP(12, "supplementalGroupsPolicy"), I64P(5, "fsGroup"), ML(7, "sysctls", Sysctl), SP(9, "fsGroupChangePolicy"),
        MP(10, "seccompProfile", SeccompProfile), MP(11, "appArmorProfile", AppArmorProfile), SP(13, "seLinuxChangePolicy"));

    // ---- containers
    static readonly PMessage Container = new("core.v1.Container",
        S(1, "name"), S(2, "image"), SL(3, "command"), SL(4, "args"), S(5, "workingDir"),
        ML(6, "ports", ContainerPort), ML(19, "envFrom", EnvFromSource), ML(7, "env", EnvVar),
        M(8, "resources", ResourceRequirements), ML(23, "resizePolicy", ContainerResizePolicy), SP(24, "restartPolicy"),
        ML(9, "volumeMounts", VolumeMount), ML(21, "volumeDevices", VolumeDevice),
        MP(10, "livenessProbe", Probe), MP(11, "readinessProbe", Probe), MP(22, "startupProbe", Probe),
        MP(12, "lifecycle", Lifecycle), S(13, "terminationMessagePath"), S(20, "terminationMessagePolicy"),
        S(14, "imagePullPolicy"), MP(15, "securityContext", SecurityContext),
        B(16, "stdin"), B(17, "stdinOnce"), B(18, "tty"));
    // Not decoded: 25 restartPolicyRules (alpha).

    // ---- volumes
    static readonly PMessage KeyToPath = new("core.v1.KeyToPath", S(1, "key"), S(2, "path"), I32P(3, "mode"));

    static readonly PMessage HostPathVolumeSource = new("core.v1.HostPathVolumeSource", S(1, "path"), SP(2, "type"));
    static readonly PMessage EmptyDirVolumeSource = new("core.v1.EmptyDirVolumeSource", S(1, "medium"), QP(2, "sizeLimit"));

    static readonly PMessage SecretVolumeSource = new("core.v1.SecretVolumeSource",
        S(1, "secretName"), ML(2, "items", KeyToPath), I32P(3, "defaultMode"), BP(4, "optional"));

    static readonly PMessage NFSVolumeSource = new("core.v1.NFSVolumeSource", S(1, "server"), S(2, "path"), B(3, "readOnly"));

    static readonly PMessage PersistentVolumeClaimVolumeSource = new("core.v1.PersistentVolumeClaimVolumeSource",
        S(1, "claimName"), B(2, "readOnly"));

    static readonly PMessage DownwardAPIVolumeFile = new("core.v1.DownwardAPIVolumeFile",
        S(1, "path"), MP(2, "fieldRef", ObjectFieldSelector), MP(3, "resourceFieldRef", ResourceFieldSelector), I32P(4, "mode"));

    static readonly PMessage DownwardAPIVolumeSource = new("core.v1.DownwardAPIVolumeSource",
        ML(1, "items", DownwardAPIVolumeFile), I32P(2, "defaultMode"));

    static readonly PMessage ConfigMapVolumeSource = new("core.v1.ConfigMapVolumeSource",
        Inline(1, LocalObjectReference), ML(2, "items", KeyToPath), I32P(3, "defaultMode"), BP(4, "optional"));

    static readonly PMessage SecretProjection = new("core.v1.SecretProjection",
        Inline(1, LocalObjectReference), ML(2, "items", KeyToPath), BP(4, "optional"));

    static readonly PMessage ConfigMapProjection = new("core.v1.ConfigMapProjection",
        Inline(1, LocalObjectReference), ML(2, "items", KeyToPath), BP(4, "optional"));

    static readonly PMessage DownwardAPIProjection = new("core.v1.DownwardAPIProjection", ML(1, "items", DownwardAPIVolumeFile));

    static readonly PMessage ServiceAccountTokenProjection = new("core.v1.ServiceAccountTokenProjection",
        S(1, "audience"), I64P(2, "expirationSeconds"), S(3, "path"));

    static readonly PMessage VolumeProjection = new("core.v1.VolumeProjection",
        MP(1, "secret", SecretProjection), MP(2, "downwardAPI", DownwardAPIProjection), MP(3, "configMap", ConfigMapProjection),
        MP(4, "serviceAccountToken", ServiceAccountTokenProjection));
    // Not decoded: 5 clusterTrustBundle, 6 podCertificate (alpha/beta).

    static readonly PMessage ProjectedVolumeSource = new("core.v1.ProjectedVolumeSource",
        ML(1, "sources", VolumeProjection), I32P(2, "defaultMode"));

    static readonly PMessage CSIVolumeSource = new("core.v1.CSIVolumeSource",
        S(1, "driver"), BP(2, "readOnly"), SP(3, "fsType"), SMap(4, "volumeAttributes"), MP(5, "nodePublishSecretRef", LocalObjectReference));

    static readonly PMessage ImageVolumeSource = new("core.v1.ImageVolumeSource", S(1, "reference"), S(2, "pullPolicy"));

    static readonly PMessage VolumeSource = new("core.v1.VolumeSource",
        MP(1, "hostPath", HostPathVolumeSource), MP(2, "emptyDir", EmptyDirVolumeSource), MP(6, "secret", SecretVolumeSource),
        MP(7, "nfs", NFSVolumeSource), MP(10, "persistentVolumeClaim", PersistentVolumeClaimVolumeSource),
        MP(16, "downwardAPI", DownwardAPIVolumeSource), MP(19, "configMap", ConfigMapVolumeSource),
        MP(26, "projected", ProjectedVolumeSource), MP(28, "csi", CSIVolumeSource), MP(30, "image", ImageVolumeSource));
    // Not decoded: the cloud and legacy in-tree plugins (gcePersistentDisk, awsElasticBlockStore, gitRepo, iscsi, ...).

    static readonly PMessage Volume = new("core.v1.Volume", S(1, "name"), Inline(2, VolumeSource));

    // ---- scheduling
    static readonly PMessage Toleration = new("core.v1.Toleration",
        S(1, "key"), S(2, "operator"), S(3, "value"), S(4, "effect"), I64P(5, "tolerationSeconds"));

    static readonly PMessage NodeSelectorRequirement = new("core.v1.NodeSelectorRequirement", S(1, "key"), S(2, "operator"), SL(3, "values"));

    static readonly PMessage NodeSelectorTerm = new("core.v1.NodeSelectorTerm",
        ML(1, "matchExpressions", NodeSelectorRequirement), ML(2, "matchFields", NodeSelectorRequirement));

    static readonly PMessage NodeSelector = new("core.v1.NodeSelector", ML(1, "nodeSelectorTerms", NodeSelectorTerm));

    static readonly PMessage PreferredSchedulingTerm = new("core.v1.PreferredSchedulingTerm",
        I32(1, "weight"), M(2, "preference", NodeSelectorTerm));

    static readonly PMessage NodeAffinity = new("core.v1.NodeAffinity",
        MP(1, "requiredDuringSchedulingIgnoredDuringExecution", NodeSelector),
        ML(2, "preferredDuringSchedulingIgnoredDuringExecution", PreferredSchedulingTerm));

    static readonly PMessage PodAffinityTerm = new("core.v1.PodAffinityTerm",
        MP(1, "labelSelector", LabelSelector), SL(2, "namespaces"), S(3, "topologyKey"), MP(4, "namespaceSelector", LabelSelector),
        SL(5, "matchLabelKeys"), SL(6, "mismatchLabelKeys"));

    static readonly PMessage WeightedPodAffinityTerm = new("core.v1.WeightedPodAffinityTerm",
        I32(1, "weight"), M(2, "podAffinityTerm", PodAffinityTerm));

    static readonly PMessage PodAffinity = new("core.v1.PodAffinity",
        ML(1, "requiredDuringSchedulingIgnoredDuringExecution", PodAffinityTerm),
        ML(2, "preferredDuringSchedulingIgnoredDuringExecution", WeightedPodAffinityTerm));

    static readonly PMessage PodAntiAffinity = new("core.v1.PodAntiAffinity",
        ML(1, "requiredDuringSchedulingIgnoredDuringExecution", PodAffinityTerm),
        ML(2, "preferredDuringSchedulingIgnoredDuringExecution", WeightedPodAffinityTerm));

    static readonly PMessage Affinity = new("core.v1.Affinity",
        MP(1, "nodeAffinity", NodeAffinity), MP(2, "podAffinity", PodAffinity), MP(3, "podAntiAffinity", PodAntiAffinity));

    static readonly PMessage TopologySpreadConstraint = new("core.v1.TopologySpreadConstraint",
        I32(1, "maxSkew"), S(2, "topologyKey"), S(3, "whenUnsatisfiable"), MP(4, "labelSelector", LabelSelector),
        I32P(5, "minDomains"), SP(6, "nodeAffinityPolicy"), SP(7, "nodeTaintsPolicy"), SL(8, "matchLabelKeys"));

    // ---- pods
    static readonly PMessage HostAlias = new("core.v1.HostAlias", S(1, "ip"), SL(2, "hostnames"));
    static readonly PMessage PodDNSConfigOption = new("core.v1.PodDNSConfigOption", S(1, "name"), SP(2, "value"));

    static readonly PMessage PodDNSConfig = new("core.v1.PodDNSConfig",
        SL(1, "nameservers"), SL(2, "searches"), ML(3, "options", PodDNSConfigOption));

    static readonly PMessage PodReadinessGate = new("core.v1.PodReadinessGate", S(1, "conditionType"));
    static readonly PMessage PodOS = new("core.v1.PodOS", S(1, "name"));
    static readonly PMessage PodSchedulingGate = new("core.v1.PodSchedulingGate", S(1, "name"));

    static readonly PMessage PodSpec = new("core.v1.PodSpec",
        ML(1, "volumes", Volume), ML(20, "initContainers", Container), ML(2, "containers", Container),
        S(3, "restartPolicy"), I64P(4, "terminationGracePeriodSeconds"), I64P(5, "activeDeadlineSeconds"), S(6, "dnsPolicy"),
        SMap(7, "nodeSelector"), S(8, "serviceAccountName"), S(9, "serviceAccount"), BP(21, "automountServiceAccountToken"),
        S(10, "nodeName"), B(11, "hostNetwork"), B(12, "hostPID"), B(13, "hostIPC"), BP(27, "shareProcessNamespace"),
        MP(14, "securityContext", PodSecurityContext), ML(15, "imagePullSecrets", LocalObjectReference),
        S(16, "hostname"), S(17, "subdomain"), MP(18, "affinity", Affinity), S(19, "schedulerName"),
        ML(22, "tolerations", Toleration), ML(23, "hostAliases", HostAlias), S(24, "priorityClassName"), I32P(25, "priority"),
        MP(26, "dnsConfig", PodDNSConfig), ML(28, "readinessGates", PodReadinessGate), SP(29, "runtimeClassName"),
        BP(30, "enableServiceLinks"), SP(31, "preemptionPolicy"), QMap(32, "overhead"),
        ML(33, "topologySpreadConstraints", TopologySpreadConstraint), BP(35, "setHostnameAsFQDN"), MP(36, "os", PodOS),
        BP(37, "hostUsers"), ML(38, "schedulingGates", PodSchedulingGate), MP(40, "resources", ResourceRequirements),
        SP(41, "hostnameOverride"));
    // Not decoded: 34 ephemeralContainers (not settable on create), 39 resourceClaims, 42 workloadRef.

    static readonly PMessage PodTemplateSpec = new("core.v1.PodTemplateSpec", M(1, "metadata", ObjectMeta), M(2, "spec", PodSpec));

    static readonly PMessage Pod = new("core.v1.Pod", M(1, "metadata", ObjectMeta), M(2, "spec", PodSpec));
    // Not decoded: 3 status (server-owned).

    // ---- namespaces, config, identities
    static readonly PMessage NamespaceSpec = new("core.v1.NamespaceSpec", SL(1, "finalizers"));

    static readonly PMessage NamespaceCondition = new("core.v1.NamespaceCondition",
        S(1, "type"), S(2, "status"), T(4, "lastTransitionTime"), S(5, "reason"), S(6, "message"));

    static readonly PMessage NamespaceStatus = new("core.v1.NamespaceStatus", S(1, "phase"), ML(2, "conditions", NamespaceCondition));

    static readonly PMessage Namespace = new("core.v1.Namespace",
        M(1, "metadata", ObjectMeta), M(2, "spec", NamespaceSpec), M(3, "status", NamespaceStatus));

    static readonly PMessage ConfigMap = new("core.v1.ConfigMap",
        M(1, "metadata", ObjectMeta), BP(4, "immutable"), SMap(2, "data"), BMap(3, "binaryData"));

    static readonly PMessage Secret = new("core.v1.Secret",
        M(1, "metadata", ObjectMeta), BP(5, "immutable"), BMap(2, "data"), SMap(4, "stringData"), S(3, "type"));

    static readonly PMessage ServiceAccount = new("core.v1.ServiceAccount",
        M(1, "metadata", ObjectMeta), ML(2, "secrets", ObjectReference), ML(3, "imagePullSecrets", LocalObjectReference),
        BP(4, "automountServiceAccountToken"));

    // ---- services
    static readonly PMessage ServicePort = new("core.v1.ServicePort",
        S(1, "name"), S(2, "protocol"), SP(6, "appProtocol"), I32(3, "port"), IOS(4, "targetPort"), I32(5, "nodePort"));

    static readonly PMessage ClientIPConfig = new("core.v1.ClientIPConfig", I32P(1, "timeoutSeconds"));
    static readonly PMessage SessionAffinityConfig = new("core.v1.SessionAffinityConfig", MP(1, "clientIP", ClientIPConfig));

    static readonly PMessage ServiceSpec = new("core.v1.ServiceSpec",
        ML(1, "ports", ServicePort), SMap(2, "selector"), S(3, "clusterIP"), SL(18, "clusterIPs"), S(4, "type"),
        SL(5, "externalIPs"), S(7, "sessionAffinity"), S(8, "loadBalancerIP"), SL(9, "loadBalancerSourceRanges"),
        S(10, "externalName"), S(11, "externalTrafficPolicy"), I32(12, "healthCheckNodePort"), B(13, "publishNotReadyAddresses"),
        MP(14, "sessionAffinityConfig", SessionAffinityConfig), SL(19, "ipFamilies"), SP(17, "ipFamilyPolicy"),
        BP(20, "allocateLoadBalancerNodePorts"), SP(21, "loadBalancerClass"), SP(22, "internalTrafficPolicy"),
        SP(23, "trafficDistribution"));

    static readonly PMessage Service = new("core.v1.Service", M(1, "metadata", ObjectMeta), M(2, "spec", ServiceSpec));
    // Not decoded: 3 status (server-owned).

    // ================================================================ k8s.io/api apps/v1

    static readonly PMessage RollingUpdateDeployment = new("apps.v1.RollingUpdateDeployment",
        IOSP(1, "maxUnavailable"), IOSP(2, "maxSurge"));

    static readonly PMessage DeploymentStrategy = new("apps.v1.DeploymentStrategy",
        S(1, "type"), MP(2, "rollingUpdate", RollingUpdateDeployment));

    static readonly PMessage DeploymentSpec = new("apps.v1.DeploymentSpec",
        I32P(1, "replicas"), MP(2, "selector", LabelSelector), M(3, "template", PodTemplateSpec),
        M(4, "strategy", DeploymentStrategy), I32(5, "minReadySeconds"), I32P(6, "revisionHistoryLimit"), B(7, "paused"),
        I32P(9, "progressDeadlineSeconds"));
    // Not decoded: 10 podReplacementPolicy (alpha in 1.34; kubectl 1.32 never sends it).

    static readonly PMessage Deployment = new("apps.v1.Deployment", M(1, "metadata", ObjectMeta), M(2, "spec", DeploymentSpec));
    // Not decoded: 3 status (server-owned).

    static readonly PMessage ReplicaSetSpec = new("apps.v1.ReplicaSetSpec",
        I32P(1, "replicas"), I32(4, "minReadySeconds"), MP(2, "selector", LabelSelector), M(3, "template", PodTemplateSpec));

    static readonly PMessage ReplicaSet = new("apps.v1.ReplicaSet", M(1, "metadata", ObjectMeta), M(2, "spec", ReplicaSetSpec));
    // Not decoded: 3 status (server-owned).

    // ================================================================ k8s.io/api rbac/v1 (kubectl create role|clusterrole|rolebinding|clusterrolebinding)

    static readonly PMessage PolicyRule = new("rbac.v1.PolicyRule",
        SL(1, "verbs"), SL(2, "apiGroups"), SL(3, "resources"), SL(4, "resourceNames"), SL(5, "nonResourceURLs"));
    static readonly PMessage Role = new("rbac.v1.Role", M(1, "metadata", ObjectMeta), ML(2, "rules", PolicyRule));
    static readonly PMessage ClusterRole = new("rbac.v1.ClusterRole", M(1, "metadata", ObjectMeta), ML(2, "rules", PolicyRule));
    // Not decoded: ClusterRole 3 aggregationRule (aggregation is not served here).
    static readonly PMessage Subject = new("rbac.v1.Subject", S(1, "kind"), S(2, "apiGroup"), S(3, "name"), S(4, "namespace"));
    static readonly PMessage RoleRef = new("rbac.v1.RoleRef", S(1, "apiGroup"), S(2, "kind"), S(3, "name"));
    static readonly PMessage RoleBinding = new("rbac.v1.RoleBinding", M(1, "metadata", ObjectMeta), ML(2, "subjects", Subject), M(3, "roleRef", RoleRef));
    static readonly PMessage ClusterRoleBinding = new("rbac.v1.ClusterRoleBinding", M(1, "metadata", ObjectMeta), ML(2, "subjects", Subject), M(3, "roleRef", RoleRef));

    // ================================================================ k8s.io/api authorization/v1 (kubectl auth can-i)

    static readonly PMessage ResourceAttributes = new("authorization.v1.ResourceAttributes",
        S(1, "namespace"), S(2, "verb"), S(3, "group"), S(4, "version"), S(5, "resource"), S(6, "subresource"), S(7, "name"));
    // Not decoded: 8 fieldSelector, 9 labelSelector (kubectl 1.32 sends neither).
    static readonly PMessage NonResourceAttributes = new("authorization.v1.NonResourceAttributes", S(1, "path"), S(2, "verb"));
    static readonly PMessage SelfSubjectAccessReviewSpec = new("authorization.v1.SelfSubjectAccessReviewSpec",
        MP(1, "resourceAttributes", ResourceAttributes), MP(2, "nonResourceAttributes", NonResourceAttributes));
    static readonly PMessage SelfSubjectAccessReview = new("authorization.v1.SelfSubjectAccessReview",
        M(1, "metadata", ObjectMeta), M(2, "spec", SelfSubjectAccessReviewSpec));

    // ================================================================ k8s.io/api authentication/v1 (kubectl create token)

    static readonly PMessage BoundObjectReference = new("authentication.v1.BoundObjectReference",
        S(1, "kind"), S(2, "apiVersion"), S(3, "name"), S(4, "uid"));
    static readonly PMessage TokenRequestSpec = new("authentication.v1.TokenRequestSpec",
        SL(1, "audiences"), I64P(4, "expirationSeconds"), MP(3, "boundObjectRef", BoundObjectReference));
    static readonly PMessage SelfSubjectReview = new("authentication.v1.SelfSubjectReview", M(1, "metadata", ObjectMeta));
    // Not decoded: 2 status (the server's answer).
    static readonly PMessage TokenRequest = new("authentication.v1.TokenRequest", M(1, "metadata", ObjectMeta), M(2, "spec", TokenRequestSpec));

    // ================================================================ top-level kinds

    /// <summary>The top-level kinds, keyed by "apiVersion/kind" as found in the envelope's TypeMeta.</summary>
    public static readonly IReadOnlyDictionary<(string ApiVersion, string Kind), PMessage> Kinds =
        new Dictionary<(string, string), PMessage>
        {
            [("v1", "Namespace")] = Namespace,
            [("v1", "ConfigMap")] = ConfigMap,
            [("v1", "Secret")] = Secret,
            [("v1", "ServiceAccount")] = ServiceAccount,
            [("v1", "Service")] = Service,
            [("v1", "Pod")] = Pod,
            [("apps/v1", "Deployment")] = Deployment,
            [("apps/v1", "ReplicaSet")] = ReplicaSet,
            [("authorization.k8s.io/v1", "SelfSubjectAccessReview")] = SelfSubjectAccessReview,
            [("authentication.k8s.io/v1", "TokenRequest")] = TokenRequest,
            [("authentication.k8s.io/v1", "SelfSubjectReview")] = SelfSubjectReview,
            [("rbac.authorization.k8s.io/v1", "Role")] = Role,
            [("rbac.authorization.k8s.io/v1", "ClusterRole")] = ClusterRole,
            [("rbac.authorization.k8s.io/v1", "RoleBinding")] = RoleBinding,
            [("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")] = ClusterRoleBinding,
        };
}
