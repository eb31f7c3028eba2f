using System.Diagnostics;
using Cluster.Tests.Integration.Support;

namespace Cluster.Tests.Integration.E2e;

/// <summary>The silo's start-up contract: one-line failures, configuration from environment variables, the HTTP endpoints.</summary>
public sealed class SiloStartupTests
{
    static async Task<(int Code, string Out, string Err)> RunSilo(IDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(SiloProcess.SiloDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await o, await e);
    }

    [Fact]
    public async Task NoDockerEngineIsOneLineWithTheFix()
    {
        var dir = Directory.CreateTempSubdirectory("cluster-nodocker-").FullName;
        var (code, _, err) = await RunSilo(null, "--docker-host", "unix:///nonexistent/docker.sock", "--data-dir", dir,
            "--api-port", SiloProcess.FreePort().ToString(), "--gateway-port", SiloProcess.FreePort().ToString(), "--silo-port", SiloProcess.FreePort().ToString());
        Assert.Equal(1, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cluster-silo: no Docker Engine answers at unix:///nonexistent/docker.sock", line);
        Assert.Contains("--runtime simulated", line);
    }

    [Fact]
    public async Task BadOptionsAreRefusedNamingTheOption()
    {
        var (code, _, err) = await RunSilo(null, "--scheduler", "fastest", "--runtime", "simulated");
        Assert.Equal(2, code);
        Assert.Contains("--scheduler: unknown scheduler strategy \"fastest\"", err);
        var (code2, _, err2) = await RunSilo(new Dictionary<string, string> { ["CLUSTER_RUNTIME"] = "podman" });
        Assert.Equal(2, code2);
        Assert.Contains("--runtime must be docker or simulated, not \"podman\"", err2);
        var (code3, _, err3) = await RunSilo(null, "--runtime", "simulated", "--simulated-containers", "disk");
        Assert.Equal(2, code3);
        Assert.Contains("--simulated-containers must be memory or persist, not \"disk\"", err3);
    }

    [Fact]
    public async Task EnvironmentConfiguresTheSiloAndHttpEndpointsAnswer()
    {
        await using var silo = new SiloProcess("env-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
        await silo.StartAsync();
        using var http = new HttpClient();
        Assert.Equal("ok", await http.GetStringAsync($"http://127.0.0.1:{silo.ApiPort}/healthz"));
        var version = await http.GetStringAsync($"http://127.0.0.1:{silo.ApiPort}/version");
        Assert.Contains("\"gitVersion\":\"v1.32.0\"", version);
        var dashboard = await http.GetAsync($"http://127.0.0.1:{silo.ApiPort}/dashboard");
        Assert.True(dashboard.IsSuccessStatusCode, $"dashboard answered {dashboard.StatusCode}");
        Assert.Contains("dashboard http://127.0.0.1:" + silo.ApiPort + "/dashboard", silo.Log);
        // Orleans' metrics reach the dashboard (through DashboardMetrics, which replaces its consumer): the silo's
        // counters name the activations it has.
        // The dashboard lists the silo once its first collection of counters has run (a moment after start).
        string? address = null;
        for (var i = 0; i < 100 && address == null; i++)
        {
            var hosts = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{silo.ApiPort}/dashboard/DashboardCounters")).RootElement.GetProperty("hosts");
            if (hosts.GetArrayLength() > 0) address = hosts[0].GetProperty("siloAddress").GetString();
            else await Task.Delay(100);
        }
        Assert.True(address != null, "the dashboard listed no silo within 10 s");
        var activations = 0.0;
        for (var i = 0; i < 100 && activations == 0; i++, await Task.Delay(100))
            foreach (var c in System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{silo.ApiPort}/dashboard/SiloCounters/{address}")).RootElement.EnumerateArray())
                if (c.GetProperty("name").GetString() == "orleans-catalog-activations")
                    activations = double.Parse(c.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(activations > 0, "the dashboard's silo counters have no orleans-catalog-activations above 0");
    }
}
