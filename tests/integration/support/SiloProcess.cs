using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cluster.Tests.Unit.Client;

namespace Cluster.Tests.Integration.Support;

/// <summary>
/// A real silo process (the built cluster-silo.dll), on free loopback ports, with its own data directory and node
/// name, so that tests exercise exactly what a user runs. Kill() is kill -9; Stop() is a clean SIGTERM.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    public string NodeName { get; }
    public string DataDir { get; }
    public int ApiPort { get; }
    public int GatewayPort { get; }
    public int SiloPort { get; }
    public int IngressPort { get; }
    public string Gateway => $"127.0.0.1:{GatewayPort}";
    readonly string[] _extraArgs;
    /// <summary>Environment variables for the silo process (OTEL_* for the tracing test).</summary>
    public Dictionary<string, string> Environment { get; } = new();
    Process? _process;
    readonly List<string> _log = [];

    /// <summary>
    /// A secure silo (TLS on the API, credentials required), as a real deployment runs. By default test silos run
    /// with --insecure-local (plain HTTP on loopback; no credentials means the admin): most tests exercise other things.
    /// </summary>
    public bool Secure { get; init; }
    public string Scheme => Secure ? "https" : "http";
    public string ApiUrl => $"{Scheme}://127.0.0.1:{ApiPort}";
    /// <summary>The admin kubeconfig the silo writes at start (a secure silo's carries the CA and the admin token).</summary>
    public string AdminKubeconfig => Path.Combine(DataDir, "admin.kubeconfig");
    public string AdminToken => File.ReadAllText(Path.Combine(DataDir, "admin.token")).Trim();

    public SiloProcess(string nodeName, params string[] extraArgs)
    {
        NodeName = nodeName;
        DataDir = Path.Combine(Path.GetTempPath(), "cluster-tests", $"{nodeName}-{Guid.NewGuid():N}");
        ApiPort = FreePort(); GatewayPort = FreePort(); SiloPort = FreePort(); IngressPort = FreePort();
        _extraArgs = extraArgs;
    }

    public static string SiloDll => Path.Combine(RepoPaths.Root, "silo", "bin", Configuration, "net10.0", "cluster-silo.dll");
    public static string CliDll => Path.Combine(RepoPaths.Root, "client", "cli", "bin", Configuration, "net10.0", "cluster.dll");
    public static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    // Ports from 20000-29999: below the kernel's ephemeral range (32768-60999), where the outgoing connections of the
    // tests running in parallel take theirs (one took a gateway port between its pick and the silo's bind: "Address
    // already in use", once in a full run), and below the NodePort range (30000-32767) the silos' proxies listen on.
    // Handed out once each in this process; one still bound by another process is skipped.
    static int _nextPort = 20000 + Random.Shared.Next(0, 5000);

    public static int FreePort()
    {
        while (true)
        {
            var port = 20000 + (Interlocked.Increment(ref _nextPort) - 20000) % 10000;
            try
            {
                var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                l.Stop();
                return port;
            }
            catch (SocketException) { }
        }
    }

    public string Log { get { lock (_log) return string.Join("\n", _log); } }

    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { SiloDll, "--node-name", NodeName, "--data-dir", DataDir, "--api-port", ApiPort.ToString(),
                     "--gateway-port", GatewayPort.ToString(), "--silo-port", SiloPort.ToString(), "--ingress-port", IngressPort.ToString(), "--heartbeat-seconds", "2" }.Concat(Secure ? [] : ["--insecure-local"]).Concat(_extraArgs))
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in Environment) psi.Environment[k] = v;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_log) _log.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_log) _log.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Readiness only: the certificate is checked by the tests that are about it.
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"silo {NodeName} exited with {_process.ExitCode}:\n{Log}");
            try
            {
                var r = await http.GetAsync($"{ApiUrl}/readyz");
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"silo {NodeName} not ready in time:\n{Log}");
    }

    /// <summary>kill -9: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false }) { _process.Kill(entireProcessTree: true); _process.WaitForExit(10_000); }
    }

    /// <summary>A clean stop (SIGTERM), as systemd or Ctrl+C would do.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false }) return;
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { Kill(); }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Engine.RemoveNodeContainersAsync(NodeName);
        try { Directory.Delete(DataDir, recursive: true); } catch { }
    }
}
