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
        var fields = new Dictionary<string, string> { ["metadata.name"] = m.Name ?? "", ["metadata.namespace"] = m.NamespaceProperty ?? "" };
        switch (o)
        {
            case V1Pod p:
                fields["spec.nodeName"] = p.Spec?.NodeName ?? "";
                fields["status.phase"] = p.Status?.Phase ?? "";
                break;
            case V1Node n:
                fields["spec.unschedulable"] = (n.Spec?.Unschedulable ?? false) ? "true" : "false";
                break;
            case Corev1Event e:
                fields["involvedObject.name"] = e.InvolvedObject?.Name ?? "";
                fields["involvedObject.kind"] = e.InvolvedObject?.Kind ?? "";
                fields["involvedObject.namespace"] = e.InvolvedObject?.NamespaceProperty ?? "";
                fields["involvedObject.uid"] = e.InvolvedObject?.Uid ?? "";
                fields["involvedObject.apiVersion"] = e.InvolvedObject?.ApiVersion ?? "";
                fields["involvedObject.resourceVersion"] = e.InvolvedObject?.ResourceVersion ?? "";
                fields["involvedObject.fieldPath"] = e.InvolvedObject?.FieldPath ?? "";
                fields["source"] = e.Source?.Component ?? "";
                fields["type"] = e.Type ?? "";
                fields["reason"] = e.Reason ?? "";
                break;
        }
        return new IndexChange(type, m.Name ?? "", rv, json,
            (IReadOnlyDictionary<string, string>?)m.Labels?.ToDictionary() ?? new Dictionary<string, string>(),
            fields,
            m.OwnerReferences?.Select(r => r.Uid).ToList() ?? []);
    }

    public static IndexChange FromJson(KindInfo kind, string json)
    {
        var o = kind.Deserialize(json);
        return Change(WatchTypes.Added, o, json, Objects.Rv(o.Metadata));
    }
}
