using System.Diagnostics;

namespace Cluster.Tests.Integration.Support;

/// <summary>What the tests check on the real engine, through the docker CLI (independent of our own runtime code).</summary>
public static class Engine
{
    public sealed record Container(string Id, string PodUid, string PodName, string Image, string State);

    public static async Task<string> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"docker {string.Join(' ', args)} failed: {error}");
        return output;
    }

    /// <summary>Containers our agent made for a node (running only, unless all).</summary>
    public static async Task<IReadOnlyList<Container>> ListAsync(string node, bool all = false)
    {
        var args = new List<string> { "ps", "--no-trunc", "--filter", $"label=cluster.local/node={node}", "--format",
            "{{.ID}}|{{.Label \"cluster.local/pod-uid\"}}|{{.Label \"cluster.local/pod-name\"}}|{{.Image}}|{{.State}}" };
        if (all) args.Insert(1, "-a");
        var text = await RunAsync(args.ToArray());
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).Select(p => new Container(p[0], p[1], p[2], p[3], p[4])).ToList();
    }

    public static async Task RemoveNodeContainersAsync(string node)
    {
        try
        {
            var ids = (await ListAsync(node, all: true)).Select(c => c.Id).ToArray();
            if (ids.Length > 0) await RunAsync(["rm", "-f", .. ids]);
        }
        catch { /* best effort cleanup */ }
    }
}
