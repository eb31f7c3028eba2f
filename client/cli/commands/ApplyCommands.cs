using System.CommandLine;
using Cluster.Client;

namespace Cluster.Cli.Commands;

public static class ApplyCommands
{
    static Option<string[]> Files() => new("--filename", "-f") { Description = "file, directory or - for stdin", AllowMultipleArgumentsPerToken = false, Required = true };
    static Option<bool> DryRun() => new("--dry-run") { Description = "validate on the server and print what would happen; store nothing" };

    /// <summary>`cluster apply -f`: every object is created or updated; all manifests are read and checked before the first write.</summary>
    public static Command Apply(CliContext ctx) => Build(ctx, "apply", "create or update objects from manifests", create: false);
    public static Command Create(CliContext ctx) => Build(ctx, "create", "create objects from manifests", create: true);

    static Command Build(CliContext ctx, string name, string description, bool create)
    {
        var files = Files();
        var dry = DryRun();
        var cmd = new Command(name, description) { files, dry };
        cmd.SetAction(async (p, ct) =>
        {
            var client = await ctx.Client(p); // first: manifests of the cluster's custom kinds resolve once connected
            var manifests = Resources.Read(p.GetValue(files) ?? [], Console.In);
            var ns = CliContext.Ns(p);
            var failed = 0;
            foreach (var m in manifests)
            {
                try
                {
                    var suffix = p.GetValue(dry) ? " (server dry run)" : "";
                    if (create)
                    {
                        await client.CreateJsonAsync(m.Kind, m.Namespace ?? ns, m.Json, p.GetValue(dry));
                        ctx.Out.WriteLine($"{Resources.Ref(m.Kind, m.Name)} created{suffix}");
                    }
                    else
                    {
                        var (outcome, _) = await client.ApplyAsync(m, ns, p.GetValue(dry));
                        ctx.Out.WriteLine($"{Resources.Ref(m.Kind, m.Name)} {outcome.ToString().ToLowerInvariant()}{suffix}");
                    }
                }
                catch (Interfaces.Api.ClusterApiException e)
                {
                    failed++;
                    ctx.Err.WriteLine($"{CliApp.ServerError(e.Result)} ({m.Source})");
                }
            }
            return failed == 0 ? 0 : 1;
        });
        return cmd;
    }
}
