namespace Cluster.Silo.Hosting;

/// <summary>
/// The silo's settings, from command-line options (--node-name ...), CLUSTER_* environment variables
/// (CLUSTER_NODE_NAME ...) and appsettings.json, in the usual .NET precedence (command line wins).
/// </summary>
public sealed class SiloSettings
{
    public string NodeName { get; set; } = Environment.MachineName.ToLowerInvariant();
    public string? DataDir { get; set; }
    public int ApiPort { get; set; } = 6443;
    public string ApiAddress { get; set; } = "127.0.0.1";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    /// <summary>The ingress proxy's HTTP port (0 turns it off).</summary>
    public int IngressPort { get; set; } = 8080;
    public string? Redis { get; set; }
    public string? DockerHost { get; set; }
    public string Runtime { get; set; } = "docker";
    public int SimulatedNodes { get; set; } = 1;
    public double SimulatedStartDelayMs { get; set; } = 0;
    /// <summary>"memory": simulated containers die with the silo (as if every node rebooted); "persist": they are kept in
    /// the data directory and outlive a silo restart, as a container engine's containers do.</summary>
    public string SimulatedContainers { get; set; } = "memory";
    public string Scheduler { get; set; } = "fair-share";
    public string ClusterId { get; set; } = "cluster";
    public double HeartbeatSeconds { get; set; } = 10;
    /// <summary>A node without a heartbeat this long is Unknown and its pods are evicted (a dead silo is seen at once through membership).</summary>
    public double NodeGraceSeconds { get; set; } = 40;
    /// <summary>Stop this node's containers after this long without a recorded heartbeat (0: never).</summary>
    public double FenceSeconds { get; set; } = 15;
    /// <summary>API requests per second each client (source address) may make, in bursts of twice that; 0: no limit.</summary>
    public double RateLimit { get; set; } = 1000;
    /// <summary>Open watch streams per client, lists in progress per client, and watch streams on the silo (0: no limit).</summary>
    public int MaxWatchesPerClient { get; set; } = 100;
    public int MaxListsPerClient { get; set; } = 16;
    public int MaxWatches { get; set; } = 10000;
    /// <summary>Keys sealing Secrets at rest: "id=BASE64[,id2=BASE64]" (32-byte keys; the first seals new writes).</summary>
    public string? EncryptionKeys { get; set; }
    /// <summary>A file holding the key ring (default, one machine: DATA/encryption-keys, made on first start).</summary>
    public string? EncryptionKeyFile { get; set; }

    /// <summary>Plain HTTP on a loopback API address, and requests and gateway clients without credentials act as the
    /// cluster admin (Kubernetes' old insecure port): for development and tests on one machine.</summary>
    public bool InsecureLocal { get; set; }
    /// <summary>A serving certificate and its key (PEM) to use instead of one the cluster CA signs.</summary>
    public string? TlsCertFile { get; set; }
    public string? TlsPrivateKeyFile { get; set; }
    /// <summary>Static bearer tokens: Kubernetes' token file (token,user,uid,"group1,group2" per line).</summary>
    public string? TokenAuthFile { get; set; }

    /// <summary>Operator assemblies to host: paths of .dll files holding controller grains for custom kinds, comma-separated.</summary>
    public string? Controllers { get; set; }

    public IEnumerable<string> ControllerAssemblies =>
        (Controllers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath);

    public string ResolvedDataDir => DataDir ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cluster", NodeName);

    /// <summary>Switches that take no value.</summary>
    public static readonly string[] Flags = ["--insecure-local"];

    /// <summary>Command-line switches and the settings they set.</summary>
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--node-name"] = "Cluster:NodeName", ["--data-dir"] = "Cluster:DataDir", ["--api-port"] = "Cluster:ApiPort",
        ["--api-address"] = "Cluster:ApiAddress", ["--silo-port"] = "Cluster:SiloPort", ["--gateway-port"] = "Cluster:GatewayPort", ["--ingress-port"] = "Cluster:IngressPort",
        ["--redis"] = "Cluster:Redis", ["--docker-host"] = "Cluster:DockerHost", ["--runtime"] = "Cluster:Runtime",
        ["--simulated-nodes"] = "Cluster:SimulatedNodes", ["--simulated-start-delay-ms"] = "Cluster:SimulatedStartDelayMs",
        ["--simulated-containers"] = "Cluster:SimulatedContainers",
        ["--scheduler"] = "Cluster:Scheduler", ["--cluster-id"] = "Cluster:ClusterId", ["--heartbeat-seconds"] = "Cluster:HeartbeatSeconds", ["--node-grace-seconds"] = "Cluster:NodeGraceSeconds", ["--fence-seconds"] = "Cluster:FenceSeconds",
        ["--rate-limit"] = "Cluster:RateLimit",
        ["--max-watches-per-client"] = "Cluster:MaxWatchesPerClient", ["--max-lists-per-client"] = "Cluster:MaxListsPerClient", ["--max-watches"] = "Cluster:MaxWatches",
        ["--encryption-keys"] = "Cluster:EncryptionKeys", ["--encryption-key-file"] = "Cluster:EncryptionKeyFile",
        ["--controllers"] = "Cluster:Controllers",
        ["--insecure-local"] = "Cluster:InsecureLocal", ["--token-auth-file"] = "Cluster:TokenAuthFile",
        ["--tls-cert-file"] = "Cluster:TlsCertFile", ["--tls-private-key-file"] = "Cluster:TlsPrivateKeyFile",
    };

    /// <summary>Problems with the settings, each a sentence naming the option.</summary>
    public IEnumerable<string> Problems()
    {
        if (Runtime is not ("docker" or "simulated")) yield return $"--runtime must be docker or simulated, not \"{Runtime}\"";
        if (SimulatedNodes < 1) yield return "--simulated-nodes must be at least 1";
        if (SimulatedContainers is not ("memory" or "persist")) yield return $"--simulated-containers must be memory or persist, not \"{SimulatedContainers}\"";
        if (Runtime == "docker" && SimulatedContainers != "memory") yield return "--simulated-containers needs --runtime simulated";
        foreach (var (name, v) in new[] { ("--max-watches-per-client", MaxWatchesPerClient), ("--max-lists-per-client", MaxListsPerClient), ("--max-watches", MaxWatches) })
            if (v < 0) yield return $"{name} must be 0 (no limit) or more";
        if (RateLimit < 0) yield return "--rate-limit must be 0 (no limit) or more requests per second";
        if (Runtime == "docker" && SimulatedNodes != 1) yield return "--simulated-nodes needs --runtime simulated";
        foreach (var (name, port) in new[] { ("--api-port", ApiPort), ("--silo-port", SiloPort), ("--gateway-port", GatewayPort) })
            if (port is < 1 or > 65535) yield return $"{name} must be a port number (1-65535), not {port}";
        if (string.IsNullOrWhiteSpace(NodeName) || Grains.Admission.Names.Dns1123Subdomain(NodeName) != null)
            yield return $"--node-name \"{NodeName}\" is not a valid node name (lowercase letters, digits, '-' and '.')";
        string? schedulerError = null;
        try { Grains.Scheduling.Scorers.Strategies.Create(Scheduler); } catch (ArgumentException e) { schedulerError = e.Message; }
        if (schedulerError != null) yield return "--scheduler: " + schedulerError;
        if (EncryptionKeys != null)
        {
            string? keyError = null;
            try { _ = new Grains.Store.AtRestEncryption(EncryptionKeys); } catch (FormatException e) { keyError = e.Message; }
            if (keyError != null) yield return "--encryption-keys: " + keyError;
        }
        if (EncryptionKeyFile != null && !File.Exists(EncryptionKeyFile)) yield return $"--encryption-key-file: {EncryptionKeyFile} does not exist";
        if (InsecureLocal && !System.Net.IPAddress.TryParse(ApiAddress, out var a) | (a != null && !System.Net.IPAddress.IsLoopback(a)))
            yield return $"--insecure-local serves the API without authentication, so only on a loopback --api-address (not {ApiAddress})";
        if ((TlsCertFile == null) != (TlsPrivateKeyFile == null)) yield return "--tls-cert-file and --tls-private-key-file go together";
        foreach (var f in new[] { TlsCertFile, TlsPrivateKeyFile }.OfType<string>())
            if (!File.Exists(f)) yield return $"{f} does not exist";
        if (TokenAuthFile != null)
        {
            string? tokenError = null;
            try { Grains.Security.TokenAuthenticator.ReadTokenFile(TokenAuthFile); } catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { tokenError = e.Message; }
            if (tokenError != null) yield return "--token-auth-file: " + tokenError;
        }
        foreach (var dll in ControllerAssemblies)
            if (!File.Exists(dll)) yield return $"--controllers: {dll} does not exist (build the operator first, e.g. dotnet build examples/website-operator)";
    }
}
