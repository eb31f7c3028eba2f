using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cluster.Bench;

static class Stats
{
    public static double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
    public static double P99(List<double> xs) { var s = xs.Order().ToList(); return s[Math.Min(s.Count - 1, (int)Math.Ceiling(0.99 * s.Count) - 1)]; }
}

static class Machine
{
    public static double MemoryGb() =>
        File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("MemTotal:")).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 / 1024.0).First();
}

static class Repo
{
    public static string Root()
    {
        var dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "Cluster.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("run from inside the repository");
    }
}

/// <summary>A silo process of the Release build, on free loopback ports, with a fresh data directory (insecure local mode: the benchmark measures pods, not TLS).</summary>
sealed class BenchSilo : IAsyncDisposable
{
    Process _p = null!;
    string _dir = "";
    public int GatewayPort { get; private set; }
    public int Pid => _p.Id;
    public int ApiPort { get; private set; }
    public string Node { get; private set; } = "";

    static int FreePort() { var l = new TcpListener(IPAddress.Loopback, 0); l.Start(); var p = ((IPEndPoint)l.LocalEndpoint).Port; l.Stop(); return p; }

    public static async Task<BenchSilo> StartAsync(string repo, params string[] extra)
    {
        var s = new BenchSilo { GatewayPort = FreePort(), Node = "bench-" + Guid.NewGuid().ToString("N")[..6] };
        s._dir = Directory.CreateTempSubdirectory("cluster-bench-").FullName;
        var dll = Path.Combine(repo, "silo", "bin", "Release", "net10.0", "cluster-silo.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"build first: dotnet build -c Release ({dll} is missing)");
        var api = s.ApiPort = FreePort();
        s._args = [dll, "--node-name", s.Node, "--data-dir", s._dir, "--api-port", api.ToString(), "--gateway-port", s.GatewayPort.ToString(), "--silo-port", FreePort().ToString(), "--insecure-local", .. extra];
        await s.LaunchAsync();
        await Task.Delay(3000);
        return s;
    }

    string[] _args = [];

    /// <summary>BENCH_SILO_ENV="NAME=VALUE ...": variables for the silo's process alone (the runtime's GC settings, which
    /// only the environment sets), not the benchmark's.</summary>
    public static IReadOnlyList<(string Name, string Value)> SiloEnvironment() =>
        (Environment.GetEnvironmentVariable("BENCH_SILO_ENV") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2)).Where(kv => kv.Length == 2 && kv[0].Length > 0).Select(kv => (kv[0], kv[1])).ToList();

    /// <summary>The silo's extra environment as the tables print it ("" when none).</summary>
    public static string SiloEnvironmentNote() =>
        SiloEnvironment() is { Count: > 0 } env ? "; silo environment: " + string.Join(" ", env.Select(e => $"{e.Name}={e.Value}")) : "";

    /// <summary>Starts the process and waits until the API answers /readyz.</summary>
    async Task LaunchAsync()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in _args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in SiloEnvironment()) psi.Environment[k] = v;
        _p = Process.Start(psi)!;
        // BENCH_SILO_LOG=FILE keeps the silo's log (every run of it, a restart included) for a look afterwards.
        if (Environment.GetEnvironmentVariable("BENCH_SILO_LOG") is { Length: > 0 } logFile)
        {
            var log = TextWriter.Synchronized(new StreamWriter(logFile, append: true) { AutoFlush = true });
            _p.OutputDataReceived += (_, e) => { if (e.Data != null) log.WriteLine(e.Data); };
            _p.ErrorDataReceived += (_, e) => { if (e.Data != null) log.WriteLine(e.Data); };
        }
        _p.OutputDataReceived += (_, e) => { if (e.Data?.Contains("node agents synced") == true) Interlocked.Increment(ref _agentsSynced); };
        _p.BeginOutputReadLine();
        _p.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var i = 0; i < 1200; i++)
        {
            try { if ((await http.GetAsync($"http://127.0.0.1:{ApiPort}/readyz")).IsSuccessStatusCode) return; } catch { }
            await Task.Delay(100);
        }
        throw new TimeoutException("the silo did not start");
    }

    /// <summary>kill -9, then the same silo again (same data, same ports): what a crash and a restart look like.</summary>
    public async Task KillAndRestartAsync(Action<string>? whileDown = null)
    {
        _p.Kill(true);
        await _p.WaitForExitAsync();
        whileDown?.Invoke(_dir);
        await LaunchAsync();
    }

    /// <summary>How many times the silo (each run of it) has logged that all its node agents completed a first pass.</summary>
    public int AgentsSynced => _agentsSynced;
    int _agentsSynced;

    /// <summary>The silo's CPU time so far (user and system, all threads, the collector's included).</summary>
    public TimeSpan CpuTime()
    {
        _p.Refresh();
        return _p.TotalProcessorTime;
    }

    public double RssMb()
    {
        var line = File.ReadLines($"/proc/{_p.Id}/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_p.HasExited) { _p.Kill(true); await _p.WaitForExitAsync(); }
        var psi = new ProcessStartInfo("sh", ["-c", $"ids=$(docker ps -aq --filter label=cluster.local/node={Node}); [ -n \"$ids\" ] && docker rm -f $ids >/dev/null; true"]);
        Process.Start(psi)!.WaitForExit();
        try { Directory.Delete(_dir, true); } catch { }
    }
}
