using System.Diagnostics;
using System.Net.Sockets;

namespace Cluster.Tests.Integration.Support;

/// <summary>A private redis-server on a free loopback port, removed with its data when disposed.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    public int Port { get; } = SiloProcess.FreePort();
    public string Address => $"127.0.0.1:{Port}";
    readonly string _dir = Directory.CreateTempSubdirectory("cluster-redis-").FullName;
    Process? _process;

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no" })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try { using var c = new TcpClient(); await c.ConnectAsync("127.0.0.1", Port); return; }
            catch (SocketException) { await Task.Delay(50); }
        }
        throw new TimeoutException("redis-server did not start");
    }

    public async Task<string> CliAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true };
        foreach (var a in new[] { "-p", Port.ToString() }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return text;
    }

    /// <summary>A clean stop (SIGTERM): the append-only file is flushed.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false }) return;
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        await _process.WaitForExitAsync();
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) { _process.Kill(); _process.WaitForExit(5000); }
        try { Directory.Delete(_dir, true); } catch { }
        return ValueTask.CompletedTask;
    }
}
