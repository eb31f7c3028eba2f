using System.CommandLine;

namespace Cluster.Cli.Commands;

/// <summary>`cluster logs POD [-c C] [-f] [--tail N] [--previous]`. Follow polls the node agent each second for new lines.</summary>
public static class LogsCommand
{
    public static Command Build(CliContext ctx)
    {
        var pod = new Argument<string>("pod");
        var container = new Option<string?>("--container", "-c");
        var follow = new Option<bool>("--follow", "-f");
        var tail = new Option<int?>("--tail");
        var previous = new Option<bool>("--previous", "-p");
        var cmd = new Command("logs", "print a container's log") { pod, container, follow, tail, previous };
        cmd.SetAction(async (p, ct) =>
        {
            var name = p.GetValue(pod)!;
            if (name.StartsWith("pod/") || name.StartsWith("pods/")) name = name[(name.IndexOf('/') + 1)..];
            var ns = CliContext.Ns(p);
            var client = await ctx.Client(p);
            var text = await client.LogsAsync(ns, name, p.GetValue(container), p.GetValue(previous), p.GetValue(tail), timestamps: p.GetValue(follow));
            var last = Emit(ctx, text, p.GetValue(follow), null);
            if (!p.GetValue(follow)) return 0;
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(1000, ct);
                var since = last?.AddSeconds(-1);
                text = await client.LogsAsync(ns, name, p.GetValue(container), false, null, since, timestamps: true);
                last = Emit(ctx, text, true, last) ?? last;
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>Prints lines (stripping the engine's timestamps when following) newer than after; returns the newest timestamp.</summary>
    static DateTime? Emit(CliContext ctx, string text, bool timestamped, DateTime? after)
    {
        if (!timestamped) { ctx.Out.Write(text); return null; }
        DateTime? newest = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ');
            if (space > 0 && DateTime.TryParse(line[..space], null, System.Globalization.DateTimeStyles.AdjustToUniversal, out var ts))
            {
                if (after != null && ts <= after) continue;
                newest = ts;
                ctx.Out.WriteLine(line[(space + 1)..]);
            }
            else ctx.Out.WriteLine(line);
        }
        ctx.Out.Flush();
        return newest;
    }
}
