using System.CommandLine;
using Cluster.Printing;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Cluster.Cli.Commands;

/// <summary>`cluster get KIND [NAME...]`: kubectl's tables (and -o wide|yaml|json|name), -A, -l, --field-selector, -w.</summary>
public static class GetCommand
{
    public static Command Build(CliContext ctx)
    {
        var kindArg = new Argument<string>("kind") { Description = "deployments, pods, services, nodes, ... (or kind/name)" };
        var names = new Argument<string[]>("names") { Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string?>("--output", "-o") { Description = "wide, yaml, json or name" };
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "every namespace" };
        var selector = new Option<string?>("--selector", "-l") { Description = "label selector (a=b, a in (x,y), !a)" };
        var fields = new Option<string?>("--field-selector") { Description = "field selector (metadata.name=x, spec.nodeName=n, status.phase=Running)" };
        var watch = new Option<bool>("--watch", "-w") { Description = "after listing, print changes as they happen" };
        var labels = new Option<bool>("--show-labels") { Description = "add a LABELS column" };
        var cmd = new Command("get", "list objects or show some") { kindArg, names, output, all, selector, fields, watch, labels };
        cmd.SetAction(async (p, ct) =>
        {
            var kindText = p.GetValue(kindArg)!;
            var wanted = (p.GetValue(names) ?? []).ToList();
            // Connect first: the cluster's custom kinds are known once connected.
            var client = await ctx.Client(p);
            if (kindText.Contains('/')) { var (k, n) = Resources.Target(kindText, null); kindText = k.Plural; wanted.Insert(0, n); }
            var kind = Resources.Kind(kindText);
            var o = p.GetValue(output);
            if (o is not (null or "wide" or "yaml" or "json" or "name"))
                throw new CliException($"error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: json,name,wide,yaml");
            var allNs = p.GetValue(all) && kind.Namespaced;
            var ns = allNs ? null : CliContext.Ns(p);

            List<object> objects;
            long rv;
            if (wanted.Count > 0)
            {
                objects = [];
                var missing = 0;
                foreach (var n in wanted)
                {
                    var json = await client.GetJsonAsync(kind, ns ?? "default", n);
                    if (json == null) { ctx.Err.WriteLine($"Error from server (NotFound): {kind.Resource} \"{n}\" not found"); missing++; }
                    else objects.Add(Resources.Typed(kind, json));
                }
                rv = 0;
                if (objects.Count == 0) return 1;
                Print(ctx, kind, objects, o, allNs, p.GetValue(labels), single: wanted.Count == 1);
                if (missing > 0) return 1;
            }
            else
            {
                var (items, listRv) = await client.ListJsonAsync(kind, ns, p.GetValue(selector), p.GetValue(fields));
                rv = listRv;
                objects = items.Select(j => Resources.Typed(kind, j)).ToList();
                if (objects.Count == 0 && o is null or "wide")
                    ctx.Err.WriteLine(allNs || !kind.Namespaced ? "No resources found" : $"No resources found in {ns} namespace.");
                else Print(ctx, kind, objects, o, allNs, p.GetValue(labels), single: false);
            }
            if (!p.GetValue(watch)) return 0;
            await foreach (var e in client.WatchAsync(kind, ns, rv, p.GetValue(selector), p.GetValue(fields), ct))
            {
                var obj = Resources.Typed(kind, e.Json);
                if (wanted.Count > 0 && !wanted.Contains(Resources.Meta(kind, e.Json).Name)) continue;
                if (o is null or "wide")
                {
                    var (headers, rows) = Table(kind, [obj], o == "wide", allNs, p.GetValue(labels));
                    var text = TablePrinter.Render(headers, rows).Split('\n', 2);
                    ctx.Out.WriteLine(text.Length > 1 ? text[1].TrimEnd('\n') : "");
                }
                else Print(ctx, kind, [obj], o, allNs, p.GetValue(labels), single: true);
                await ctx.Out.FlushAsync(ct);
            }
            return 0;
        });
        return cmd;
    }

    static void Print(CliContext ctx, KindInfo kind, List<object> objects, string? o, bool allNs, bool showLabels, bool single)
    {
        switch (o)
        {
            case "yaml": ctx.Out.Write(single ? Output.Yaml(objects[0]) : Output.YamlList(objects)); break;
            case "json": ctx.Out.Write(single ? Output.Json(objects[0]) : Output.JsonList(objects)); break;
            case "name": foreach (var x in objects) ctx.Out.WriteLine(kind.IsCustom ? Resources.Ref(kind, ((IKubernetesObject<V1ObjectMeta>)x).Metadata.Name) : Columns.Name(kind.Kind, x)); break;
            default:
                var (headers, rows) = Table(kind, objects, o == "wide", allNs, showLabels);
                ctx.Out.Write(TablePrinter.Render(headers, rows));
                break;
        }
    }

    /// <summary>kubectl's columns; for a custom kind, its definition's printer columns (NAMESPACE with -A, LABELS with --show-labels).</summary>
    static (IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) Table(KindInfo kind, List<object> objects, bool wide, bool allNs, bool showLabels)
    {
        if (!kind.IsCustom) return Columns.Table(kind.Kind, objects, wide, allNs, showLabels, DateTime.UtcNow);
        var cols = (CustomKinds.Get(kind.Kind)?.Columns ?? []).Select(c => new CustomColumns.Column(c.Name, c.Type, c.JsonPath, c.Priority)).ToList();
        var typed = objects.Cast<IKubernetesObject<V1ObjectMeta>>().ToList();
        var (headers, _, rows) = CustomColumns.Table(cols, typed.Select(o => JsonNode.Parse(KubernetesJson.Serialize(o))!).ToList(), wide, DateTime.UtcNow);
        var h = headers.ToList();
        var r = rows.Select(x => x.ToList()).ToList();
        if (allNs && kind.Namespaced) { h.Insert(0, "NAMESPACE"); for (var i = 0; i < r.Count; i++) r[i].Insert(0, typed[i].Metadata.NamespaceProperty ?? ""); }
        if (showLabels)
        {
            h.Add("LABELS");
            for (var i = 0; i < r.Count; i++)
                r[i].Add(typed[i].Metadata.Labels is { Count: > 0 } l ? string.Join(",", l.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")) : "<none>");
        }
        return (h, r.Select(x => (IReadOnlyList<string>)x).ToList());
    }
}
