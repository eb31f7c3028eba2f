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

    /// <summary>`cluster drain NODE`: cordon, then evict every pod on the node, retrying while a PodDisruptionBudget says no.</summary>
    public static Command Drain(CliContext ctx)
    {
        var node = new Argument<string>("node");
        var grace = new Option<long?>("--grace-period") { Description = "seconds each pod gets to stop (default: the pod's own)" };
        var timeout = new Option<int>("--timeout") { Description = "seconds to keep trying (0: forever)", DefaultValueFactory = _ => 120 };
        var cmd = new Command("drain", "evict every pod from a node, respecting PodDisruptionBudgets") { node, grace, timeout };
        cmd.SetAction(async (p, ct) =>
        {
            var name = p.GetValue(node)!;
            var client = await ctx.Client(p);
            var n = await client.Grains.GetGrain<INodeGrain>(new ObjectKey("Node", "", name).GrainKey).SetUnschedulable(true);
            if (!n.Ok) throw new ClusterApiException(n);
            ctx.Out.WriteLine($"node/{name} cordoned");
            var deadline = p.GetValue(timeout) > 0 ? DateTime.UtcNow.AddSeconds(p.GetValue(timeout)) : DateTime.MaxValue;
            var (items, _) = await client.ListJsonAsync(Kinds.Pod, null, fieldSelector: $"spec.nodeName={name}");
            var pending = items.Select(j => Resources.Meta(Kinds.Pod, j)).Select(m => (Ns: m.NamespaceProperty, Name: m.Name)).ToList();
            foreach (var (ns, pod) in pending) ctx.Out.WriteLine($"evicting pod {ns}/{pod}");
            while (pending.Count > 0)
            {
                foreach (var (ns, pod) in pending.ToList())
                {
                    var r = await client.Grains.GetGrain<IPodGrain>(new ObjectKey("Pod", ns, pod).GrainKey).Evict(p.GetValue(grace), false);
                    if (r.Ok || r.Code == 404) { ctx.Out.WriteLine($"pod/{pod} evicted"); pending.Remove((ns, pod)); }
                    else if (r.Code == 429) ctx.Err.WriteLine($"error when evicting pods/\"{pod}\" -n \"{ns}\" (will retry after 5s): {r.Message}");
                    else throw new ClusterApiException(r);
                }
                if (pending.Count == 0) break;
                if (DateTime.UtcNow > deadline) throw new CliException($"error: drain did not complete within {p.GetValue(timeout)}s: {pending.Count} pod(s) still protected by disruption budgets");
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
            ctx.Out.WriteLine($"node/{name} drained");
            return 0;
        });
        return cmd;
    }
}
