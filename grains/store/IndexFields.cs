using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s;
using k8s.Models;

namespace Cluster.Grains.Store;

/// <summary>What the index keeps of an object for filtering: labels, the selectable fields, owner uids.</summary>
public static class IndexFields
{
    public static IndexChange Change(string type, IKubernetesObject<V1ObjectMeta> o, string json, long rv)
    {
        var m = o.Metadata;
        string name = m.Name ?? "", ns = m.NamespaceProperty ?? "";
        var fields = o switch
        {
            V1Pod p => SmallMap.Of("metadata.name", name, "metadata.namespace", ns, "spec.nodeName", p.Spec?.NodeName ?? "", "status.phase", p.Status?.Phase ?? ""),
            V1Node n => SmallMap.Of("metadata.name", name, "metadata.namespace", ns, "spec.unschedulable", (n.Spec?.Unschedulable ?? false) ? "true" : "false"),
            Corev1Event e => SmallMap.Of("metadata.name", name, "metadata.namespace", ns,
                "involvedObject.name", e.InvolvedObject?.Name ?? "", "involvedObject.kind", e.InvolvedObject?.Kind ?? "",
                "involvedObject.namespace", e.InvolvedObject?.NamespaceProperty ?? "", "involvedObject.uid", e.InvolvedObject?.Uid ?? "",
                "involvedObject.apiVersion", e.InvolvedObject?.ApiVersion ?? "", "involvedObject.resourceVersion", e.InvolvedObject?.ResourceVersion ?? "",
                "involvedObject.fieldPath", e.InvolvedObject?.FieldPath ?? "", "source", e.Source?.Component ?? "", "type", e.Type ?? "", "reason", e.Reason ?? ""),
            _ => SmallMap.Of("metadata.name", name, "metadata.namespace", ns),
        };
        return new IndexChange(type, name, rv, json, SmallMap.From(m.Labels), fields,
            m.OwnerReferences is { Count: > 0 } owners ? owners.Select(r => r.Uid).ToArray() : []);
    }

    /// <summary>A stored object as the index keeps it. Built-in kinds are read for just these fields
    /// (<see cref="IndexedFieldsReader"/>); custom kinds, or anything that does not read so, are decoded whole.</summary>
    public static IndexChange FromJson(KindInfo kind, string json)
    {
        if (kind.ModelType != typeof(CustomObject))
            try { return IndexedFieldsReader.Read(kind.ModelType, json); }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException) { }
        var o = kind.Deserialize(json);
        return Change(WatchTypes.Added, o, json, Objects.Rv(o.Metadata));
    }
}
