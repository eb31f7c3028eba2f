namespace Cluster.Grains.Store;

/// <summary>
/// Field selectors as Kubernetes supports them for lists: key=value, key==value, key!=value over the fields the
/// index keeps (metadata.name, metadata.namespace, spec.nodeName, status.phase, and per kind a few more).
/// </summary>
public sealed class FieldSelector
{
    public sealed record Requirement(string Field, bool Equal, string Value);
    public IReadOnlyList<Requirement> Requirements { get; }
    public static readonly FieldSelector Everything = new([]);
    FieldSelector(IReadOnlyList<Requirement> r) => Requirements = r;

    public static readonly string[] Supported = ["metadata.name", "metadata.namespace", "spec.nodeName", "status.phase", "spec.unschedulable", "involvedObject.name", "involvedObject.kind", "involvedObject.namespace", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "source", "type", "reason"];

    public bool Matches(IReadOnlyDictionary<string, string> fields)
    {
        // By index: a foreach over the interface allocates an enumerator, once per object listed or change watched.
        for (var i = 0; i < Requirements.Count; i++)
        {
            var r = Requirements[i];
            fields.TryGetValue(r.Field, out var v);
            v ??= "";
            if (r.Equal != (v == r.Value)) return false;
        }
        return true;
    }

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var reqs = new List<Requirement>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string field, value; bool eq;
            int i;
            if ((i = raw.IndexOf("!=", StringComparison.Ordinal)) > 0) { field = raw[..i]; value = raw[(i + 2)..]; eq = false; }
            else if ((i = raw.IndexOf("==", StringComparison.Ordinal)) > 0) { field = raw[..i]; value = raw[(i + 2)..]; eq = true; }
            else if ((i = raw.IndexOf('=')) > 0) { field = raw[..i]; value = raw[(i + 1)..]; eq = true; }
            else throw new FormatException($"invalid field selector: \"{raw}\"");
            field = field.Trim();
            if (!Supported.Contains(field)) throw new FormatException($"field label not supported: {field}");
            reqs.Add(new(field, eq, value.Trim()));
        }
        return new FieldSelector(reqs);
    }
}
