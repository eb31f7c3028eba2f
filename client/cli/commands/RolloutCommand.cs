using System.CommandLine;
using Cluster.Interfaces.Api;
using k8s;
using k8s.Models;

namespace Cluster.Cli.Commands;

/// <summary>`cluster rollout status|history|undo|pause|resume|restart deployment/NAME`, worded as kubectl.</summary>
public static class RolloutCommand
{
    const string Revision = "deployment.kubernetes.io/revision";

    public static Command Build(CliContext ctx)
    {
        var cmd = new Command("rollout", "manage the rollout of a deployment");
        cmd.Add(Status(ctx));
        cmd.Add(History(ctx));
        cmd.Add(Undo(ctx));
        cmd.Add(Simple(ctx, "pause", "paused", (c, ns, n) => c.PauseAsync(ns, n)));
        cmd.Add(Simple(ctx, "resume", "resumed", (c, ns, n) => c.ResumeAsync(ns, n)));
        cmd.Add(Simple(ctx, "restart", "restarted", (c, ns, n) => c.RestartAsync(ns, n)));
        return cmd;
    }

    static (Argument<string>, Argument<string?>) Args() =>
        (new Argument<string>("target") { Description = "deployment/NAME" }, new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne });

    static string DeploymentName(ParseResult p, Argument<string> t, Argument<string?> n)
    {
        var (kind, name) = Resources.Target(p.GetValue(t)!, p.GetValue(n));
        if (kind.Kind != "Deployment") throw new CliException($"error: no rollout support for {kind.Resource}: only deployments");
        return name;
    }

    static Command Simple(CliContext ctx, string verb, string done, Func<Client.ClusterClient, string, string, Task> act)
    {
        var (t, n) = Args();
        var cmd = new Command(verb, $"{verb} a deployment's rollout") { t, n };
        cmd.SetAction(async (p, ct) =>
        {
            var name = DeploymentName(p, t, n);
            await act(await ctx.Client(p), CliContext.Ns(p), name);
            ctx.Out.WriteLine($"deployment.apps/{name} {done}");
            return 0;
        });
        return cmd;
    }

    static Command Status(CliContext ctx)
    {
        var (t, n) = Args();
        var timeout = new Option<string?>("--timeout") { Description = "give up after this long (e.g. 60s, 5m)" };
        var watch = new Option<bool>("--watch", "-w") { DefaultValueFactory = _ => true };
        var cmd = new Command("status", "wait for a deployment's rollout to finish") { t, n, timeout, watch };
        cmd.SetAction(async (p, ct) =>
        {
            var name = DeploymentName(p, t, n);
            var ns = CliContext.Ns(p);
            var client = await ctx.Client(p);
            var limit = ParseDuration(p.GetValue(timeout));
            var deadline = limit is { } l ? DateTime.UtcNow + l : DateTime.MaxValue;
            string? last = null;
            while (true)
            {
                var json = await client.GetJsonAsync(Kinds.Deployment, ns, name) ?? throw new ClusterApiException(ApiResult.NotFound(Kinds.Deployment, name));
                var d = KubernetesJson.Deserialize<V1Deployment>(json);
                var (msg, done) = Describe(d);
                if (msg != last) { ctx.Out.WriteLine(msg); last = msg; }
                if (done) return 0;
                if (!p.GetValue(watch)) return 0;
                if (DateTime.UtcNow > deadline) throw new CliException("error: timed out waiting for the condition");
                await Task.Delay(250, ct);
            }
        });
        return cmd;
    }

    /// <summary>kubectl's DeploymentStatusViewer messages.</summary>
    static (string, bool) Describe(V1Deployment d)
    {
        var name = d.Metadata.Name;
        var s = d.Status ?? new V1DeploymentStatus();
        if ((d.Metadata.Generation ?? 0) > (s.ObservedGeneration ?? 0)) return ("Waiting for deployment spec update to be observed...", false);
        var progressing = s.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        if (progressing?.Reason == "ProgressDeadlineExceeded") throw new CliException($"error: deployment \"{name}\" exceeded its progress deadline");
        var want = d.Spec.Replicas ?? 1;
        var updated = s.UpdatedReplicas ?? 0;
        if (updated < want) return ($"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {want} new replicas have been updated...", false);
        if ((s.Replicas ?? 0) > updated) return ($"Waiting for deployment \"{name}\" rollout to finish: {(s.Replicas ?? 0) - updated} old replicas are pending termination...", false);
        if ((s.AvailableReplicas ?? 0) < updated) return ($"Waiting for deployment \"{name}\" rollout to finish: {s.AvailableReplicas ?? 0} of {updated} updated replicas are available...", false);
        return ($"deployment \"{name}\" successfully rolled out", true);
    }

    static Command History(CliContext ctx)
    {
        var (t, n) = Args();
        var revision = new Option<long?>("--revision");
        var cmd = new Command("history", "list a deployment's revisions") { t, n, revision };
        cmd.SetAction(async (p, ct) =>
        {
            var name = DeploymentName(p, t, n);
            var ns = CliContext.Ns(p);
            var client = await ctx.Client(p);
            var json = await client.GetJsonAsync(Kinds.Deployment, ns, name) ?? throw new ClusterApiException(ApiResult.NotFound(Kinds.Deployment, name));
            var uid = KubernetesJson.Deserialize<V1Deployment>(json).Metadata.Uid;
            var sets = (await client.ListAsync<V1ReplicaSet>(ns))
                .Where(r => r.Metadata.OwnerReferences?.Any(o => o.Uid == uid) == true)
                .Select(r => (Rev: long.TryParse(r.Metadata.Annotations?.TryGetValue(Revision, out var v) == true ? v : null, out var x) ? x : 0, Rs: r))
                .OrderBy(x => x.Rev).ToList();
            if (p.GetValue(revision) is { } want)
            {
                var rs = sets.FirstOrDefault(s => s.Rev == want).Rs ?? throw new CliException($"error: unable to find the specified revision");
                ctx.Out.WriteLine($"deployment.apps/{name} with revision #{want}");
                ctx.Out.WriteLine("Pod Template:");
                ctx.Out.Write(string.Join("", k8s.KubernetesYaml.Serialize(rs.Spec.Template).Split('\n').Select(l => l.Length > 0 ? "  " + l + "\n" : "")));
                return 0;
            }
            ctx.Out.WriteLine($"deployment.apps/{name} ");
            var rows = sets.Select(s => (IReadOnlyList<string>)[s.Rev.ToString(), s.Rs.Metadata.Annotations?.TryGetValue("kubernetes.io/change-cause", out var c) == true ? c : "<none>"]).ToList();
            ctx.Out.Write(Printing.TablePrinter.Render(["REVISION", "CHANGE-CAUSE"], rows));
            ctx.Out.WriteLine();
            return 0;
        });
        return cmd;
    }

    static Command Undo(CliContext ctx)
    {
        var (t, n) = Args();
        var to = new Option<long>("--to-revision") { Description = "the revision to go back to (default: the previous one)" };
        var cmd = new Command("undo", "roll a deployment back to an earlier revision") { t, n, to };
        cmd.SetAction(async (p, ct) =>
        {
            var name = DeploymentName(p, t, n);
            var r = await (await ctx.Client(p)).RollbackAsync(CliContext.Ns(p), name, p.GetValue(to));
            ctx.Out.WriteLine(r.Reason == "Unchanged" ? $"deployment.apps/{name} {r.Message}" : $"deployment.apps/{name} rolled back");
            return 0;
        });
        return cmd;
    }

    static TimeSpan? ParseDuration(string? s)
    {
        if (string.IsNullOrEmpty(s) || s == "0") return null;
        var unit = s[^1];
        if (!double.TryParse(char.IsDigit(unit) ? s : s[..^1], System.Globalization.CultureInfo.InvariantCulture, out var v))
            throw new CliException($"error: invalid --timeout \"{s}\": use e.g. 30s, 5m or 1h");
        return unit switch { 'h' => TimeSpan.FromHours(v), 'm' => TimeSpan.FromMinutes(v), _ => TimeSpan.FromSeconds(v) };
    }
}
