using System.CommandLine;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;

namespace Cluster.Cli.Commands;

/// <summary>`cluster delete KIND NAME... | -f FILE`, with --cascade, --grace-period and --wait (as kubectl, it waits for the object to be gone).</summary>
public static class DeleteCommand
{
    public static Command Build(CliContext ctx)
    {
        var kindArg = new Argument<string?>("kind") { Arity = ArgumentArity.ZeroOrOne };
        var names = new Argument<string[]>("names") { Arity = ArgumentArity.ZeroOrMore };
        var files = new Option<string[]>("--filename", "-f") { Description = "delete the objects a manifest names" };
        var cascade = new Option<string>("--cascade") { Description = "background (default), foreground or orphan", DefaultValueFactory = _ => "background" };
        var grace = new Option<long?>("--grace-period") { Description = "seconds pods get to stop (0: at once)" };
        var wait = new Option<bool>("--wait") { Description = "wait until the objects are gone", DefaultValueFactory = _ => true };
        var cmd = new Command("delete", "delete objects") { kindArg, names, files, cascade, grace, wait };
        cmd.SetAction(async (p, ct) =>
        {
            var targets = new List<(KindInfo Kind, string? Ns, string Name)>();
            var ns = CliContext.Ns(p);
            await ctx.Client(p); // the cluster's custom kinds are known once connected
            if ((p.GetValue(files) ?? []).Length > 0)
                targets.AddRange(Resources.Read(p.GetValue(files)!, Console.In).Select(m => (m.Kind, m.Namespace ?? ns, m.Name)));
            else
            {
                var k = p.GetValue(kindArg) ?? throw new CliException("error: you must provide one or more resources by argument or filename");
                var rest = p.GetValue(names) ?? [];
                if (k.Contains('/')) targets.Add((Resources.Target(k, null).Kind, ns, Resources.Target(k, null).Name));
                else if (rest.Length == 0) throw new CliException($"error: resource(s) were provided, but no name was specified");
                foreach (var n in rest)
                {
                    if (n.Contains('/')) { var (kk, nn) = Resources.Target(n, null); targets.Add((kk, ns, nn)); }
                    else targets.Add((Resources.Kind(k), ns, n));
                }
            }
            var policy = p.GetValue(cascade)!.ToLowerInvariant() switch
            {
                "background" or "true" => "Background", "foreground" => "Foreground", "orphan" or "false" => "Orphan",
                var other => throw new CliException($"error: invalid --cascade value \"{other}\": use background, foreground or orphan"),
            };
            var client = await ctx.Client(p);
            var failed = 0;
            var deleted = new List<(KindInfo Kind, string? Ns, string Name)>();
            foreach (var (kind, tns, name) in targets)
            {
                try
                {
                    await client.DeleteAsync(kind, tns, name, new DeleteOptions(policy, p.GetValue(grace)));
                    ctx.Out.WriteLine($"{Resources.Quoted(kind, name)} deleted");
                    deleted.Add((kind, tns, name));
                }
                catch (ClusterApiException e) { failed++; ctx.Err.WriteLine(CliApp.ServerError(e.Result)); }
            }
            if (p.GetValue(wait))
            {
                var deadline = DateTime.UtcNow.AddSeconds(120);
                foreach (var (kind, tns, name) in deleted)
                    while (DateTime.UtcNow < deadline && await client.GetJsonAsync(kind, tns, name) != null)
                        await Task.Delay(200, ct);
            }
            return failed == 0 ? 0 : 1;
        });
        return cmd;
    }
}
