using System.Diagnostics;

namespace Cluster.Tests.Integration.Support;

/// <summary>The real /usr/bin/kubectl against a silo's API port, with its own kubeconfig and HOME (so caches do not leak between tests).</summary>
public sealed class Kubectl : IDisposable
{
    readonly string _home = Directory.CreateTempSubdirectory("cluster-kubectl-").FullName;
    public string KubeConfig { get; }

    public Kubectl(int apiPort)
    {
        KubeConfig = Path.Combine(_home, "config");
        File.WriteAllText(KubeConfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: cluster
              cluster:
                server: http://127.0.0.1:{{apiPort}}
            users:
            - name: user
              user: {}
            contexts:
            - name: cluster
              context:
                cluster: cluster
                user: user
                namespace: default
            current-context: cluster
            """);
    }

    /// <summary>kubectl with a copy of the given kubeconfig (a secure silo's admin kubeconfig, a user's).</summary>
    public Kubectl(string kubeconfig)
    {
        KubeConfig = Path.Combine(_home, "config");
        File.Copy(kubeconfig, KubeConfig);
    }

    public static bool Available => File.Exists("/usr/bin/kubectl");

    public async Task<CliRunner.Result> RunAsync(params string[] args) => await RunAsync(TimeSpan.FromSeconds(120), args);

    /// <summary>kubectl apply -f of a manifest written to a file of this kubectl's own.</summary>
    public async Task<CliRunner.Result> ApplyAsync(string yaml)
    {
        var file = Path.Combine(_home, $"manifest-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return await RunAsync("apply", "-f", file);
    }

    public async Task<CliRunner.Result> RunAsync(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["KUBECONFIG"] = KubeConfig;
        psi.Environment["HOME"] = _home;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(true); throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in {timeout.TotalSeconds}s; stderr so far: {await e}"); }
        return new CliRunner.Result(p.ExitCode, await o, await e);
    }

    /// <summary>Starts a long-running kubectl (get -w, logs -f) whose output can be read while it runs.</summary>
    public (Process Process, Func<string> Output) Start(params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["KUBECONFIG"] = KubeConfig;
        psi.Environment["HOME"] = _home;
        var p = Process.Start(psi)!;
        var buffer = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (buffer) buffer.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (buffer) buffer.AppendLine("ERR " + e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return (p, () => { lock (buffer) return buffer.ToString(); });
    }

    public void Dispose() { try { Directory.Delete(_home, true); } catch { } }
}
