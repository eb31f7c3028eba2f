using System.Diagnostics;
using Cluster.Cli.Commands;

namespace Cluster.Tests.Integration.Support;

/// <summary>Runs the `cluster` CLI: in process (fast) or as the real program (what a user runs).</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Err}";
    }

    public static async Task<Result> RunAsync(string server, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = await CliApp.RunAsync([.. args, "--server", server], o, e);
        return new Result(code, o.ToString(), e.ToString());
    }

    public static async Task<Result> RunProcessAsync(string server, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(SiloProcess.CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CLUSTER_SERVER"] = server;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return new Result(p.ExitCode, await output, await error);
    }
}
