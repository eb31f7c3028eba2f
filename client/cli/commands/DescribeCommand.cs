using System.CommandLine;
using Cluster.Printing;
using Cluster.Interfaces.Api;
using k8s.Models;

namespace Cluster.Cli.Commands;

public static class DescribeCommand
{
    public static Command Build(CliContext ctx)
    {
        var kindArg = new Argument<string>("kind");
        var nameArg = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("describe", "show an object in detail, with its events") { kindArg, nameArg };
        cmd.SetAction(async (p, ct) =>
        {
            var client = await ctx.Client(p);
            var (kind, name) = Resources.Target(p.GetValue(kindArg)!, p.GetValue(nameArg));
            var ns = CliContext.Ns(p);
            var json = await client.GetJsonAsync(kind, ns, name) ?? throw new ClusterApiException(ApiResult.NotFound(kind, name));
            var obj = Resources.Typed(kind, json);
            var uid = Resources.Meta(kind, json).Uid;
            var (events, _) = await client.ListJsonAsync(Kinds.Event, kind.Namespaced ? ns : "default", fieldSelector: $"involvedObject.name={name}");
            var mine = events.Select(e => k8s.KubernetesJson.Deserialize<Corev1Event>(e))
                .Where(e => e.InvolvedObject?.Uid == uid || e.InvolvedObject?.Uid == null)
                .OrderBy(e => e.LastTimestamp ?? e.Metadata.CreationTimestamp).ToList();
            IReadOnlyList<V1ReplicaSet>? sets = null;
            if (kind.Kind == "Deployment")
                sets = (await client.ListAsync<V1ReplicaSet>(ns)).Where(r => r.Metadata.OwnerReferences?.Any(o => o.Uid == uid) == true).ToList();
            ctx.Out.Write(Describer.Describe(kind.Kind, obj, mine, DateTime.UtcNow, sets, TimeZoneInfo.Local));
            return 0;
        });
        return cmd;
    }
}
