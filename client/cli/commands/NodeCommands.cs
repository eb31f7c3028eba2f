using System.CommandLine;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;

namespace Cluster.Cli.Commands;

public static class NodeCommands
{
    /// <summary>`cluster cordon NODE` / `cluster uncordon NODE`: mark a node (un)schedulable.</summary>
    public static Command Cordon(CliContext ctx, bool cordon)
    {
        var node = new Argument<string>("node");
        var cmd = new Command(cordon ? "cordon" : "uncordon", cordon ? "mark a node unschedulable" : "mark a node schedulable") { node };
        cmd.SetAction(async (p, ct) =>
        {
            var name = p.GetValue(node)!;
            var client = await ctx.Client(p);
            var r = await client.Grains.GetGrain<INodeGrain>(new ObjectKey("Node", "", name).GrainKey).SetUnschedulable(cordon);
            if (!r.Ok) throw new ClusterApiException(r);
            ctx.Out.WriteLine($"node/{name} {(cordon ? "cordoned" : "uncordoned")}");
            return 0;
        });
        return cmd;
    }
}
