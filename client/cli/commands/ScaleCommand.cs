using System.CommandLine;

namespace Cluster.Cli.Commands;

public static class ScaleCommand
{
    public static Command Build(CliContext ctx)
    {
        var target = new Argument<string>("target") { Description = "deployment/NAME, or a kind followed by a name" };
        var nameArg = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne };
        var replicas = new Option<int>("--replicas") { Description = "the new number of replicas", Required = true };
        var cmd = new Command("scale", "set the number of replicas of a deployment or replica set") { target, nameArg, replicas };
        cmd.SetAction(async (p, ct) =>
        {
            var (kind, name) = Resources.Target(p.GetValue(target)!, p.GetValue(nameArg));
            var client = await ctx.Client(p);
            await client.ScaleAsync(kind, CliContext.Ns(p), name, p.GetValue(replicas));
            ctx.Out.WriteLine($"{Resources.Ref(kind, name)} scaled");
            return 0;
        });
        return cmd;
    }
}
