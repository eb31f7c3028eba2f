using Cluster.Grains.Events;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s;
using k8s.Models;

namespace Cluster.Grains.Controllers;

/// <summary>What the pod-owning controllers (ReplicaSet, Job, DaemonSet, StatefulSet) share: naming, building a
/// pod from a template, reading the pods they own, and creating and deleting pods with Kubernetes' events.</summary>
public static class ControllerPods
{
    const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>Kubernetes' five-character random name suffix (no vowels, so no words).</summary>
    public static string Suffix(Random? random = null)
    {
        random ??= Random.Shared;
        return new string(Enumerable.Range(0, 5).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
    }

    /// <summary>"owner-xxxxx", not among the taken names (and now taken).</summary>
    public static string UniqueName(string owner, ISet<string> taken, Random random)
    {
        string name;
        do name = $"{owner}-{Suffix(random)}"; while (!taken.Add(name));
        return name;
    }

    /// <summary>A pod from the owner's (already cloned) template, owned by it as its controller.</summary>
    public static V1Pod New(IKubernetesObject<V1ObjectMeta> owner, KindInfo ownerKind, V1PodTemplateSpec template, string name,
        IDictionary<string, string>? labels = null, bool generateName = true) => new()
    {
        ApiVersion = "v1", Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = owner.Metadata.NamespaceProperty, GenerateName = generateName ? owner.Metadata.Name + "-" : null,
            Labels = labels ?? template.Metadata?.Labels, Annotations = template.Metadata?.Annotations,
            OwnerReferences = [Objects.OwnerReference(owner, ownerKind)],
        },
        Spec = template.Spec,
    };

    /// <summary>The pods in the namespace whose controller is the owner with this uid. With a cache, only pods
    /// that changed since the last call are decoded (a ReplicaSet of 1,000 pods re-counts them on every change).
    /// Callers must not change the pods they get.</summary>
    public static async Task<List<V1Pod>> Owned(IGrainFactory grains, string ns, string ownerUid, Decoded<V1Pod>? cache = null)
    {
        var jsons = await grains.Index(Kinds.Pod.Kind, ns).ByOwner(ownerUid);
        var pods = cache?.Decode(jsons) ?? jsons.Select(Objects.FromJson<V1Pod>).ToList();
        return pods.Where(p => Objects.ControllerOf(p.Metadata)?.Uid == ownerUid).ToList();
    }

    /// <summary>
    /// Pods' JSON, as <see cref="Objects.ToJson"/> writes it, with a spec that several pods share (the pods of one pass,
    /// made from one copy of the template) encoded once: each pod's own part is its metadata. Encoding every pod whole
    /// was the largest cost of a ReplicaSet's creates.
    /// </summary>
    public sealed class PodEncoder
    {
        sealed record Last(V1PodSpec Spec, string Json);
        Last? _last;

        public string Encode(V1Pod p)
        {
            if (p.Spec == null || p.Status != null) return Objects.ToJson(p);
            var last = _last;
            if (last == null || !ReferenceEquals(last.Spec, p.Spec)) _last = last = new Last(p.Spec, Objects.ToJson(p.Spec));
            // apiVersion, kind, metadata, then spec: the model's order, so the text is what encoding the whole pod gives.
            var head = Objects.ToJson(new V1Pod { ApiVersion = p.ApiVersion, Kind = p.Kind, Metadata = p.Metadata });
            return string.Concat(head.AsSpan(0, head.Length - 1), head.Length > 2 ? ",\"spec\":" : "\"spec\":", last.Json, "}");
        }
    }

    /// <summary>Kubernetes' SlowStartInitialBatchSize: the first batch of creates holds one pod.</summary>
    public const int SlowStartInitialBatchSize = 1;

    /// <summary>
    /// The batch sizes in which <paramref name="count"/> creates are sent, as Kubernetes' slowStartBatch does: 1, 2,
    /// 4, ... (each batch once the previous one succeeded), the last one what remains. A template that cannot be
    /// created fails once, not a thousand times; and a controller has at most half its creates in flight at once,
    /// rather than all of them queued with their pods' JSON until the silo gets to them.
    /// </summary>
    public static IEnumerable<int> SlowStartBatches(int count)
    {
        var size = SlowStartInitialBatchSize;
        for (var done = 0; done < count; done += size, size *= 2)
        {
            size = Math.Min(size, count - done);
            yield return size;
        }
    }

    /// <summary>Creates pods in slow-start batches (a failed batch stops the rest: the next sync retries) and deletes
    /// pods in parallel, each its own grain, recording SuccessfulCreate, FailedCreate and SuccessfulDelete on the
    /// owner; true when a create failed.</summary>
    public static async Task<bool> Apply(IGrainFactory grains, IKubernetesObject<V1ObjectMeta> owner, KindInfo ownerKind, string ns,
        IEnumerable<V1Pod> create, IEnumerable<string> delete, string component)
    {
        var failed = false;
        var encoder = new PodEncoder();
        async Task Create(V1Pod p)
        {
            var r = await grains.GetGrain<IPodGrain>(new ObjectKey("Pod", ns, p.Metadata.Name).GrainKey).Create(encoder.Encode(p), WriteOptions.Default);
            if (r.Ok) await EventRecorder.Record(grains, owner, ownerKind, EventRecorder.Normal, "SuccessfulCreate", $"Created pod: {p.Metadata.Name}", component);
            else
            {
                failed = true;
                await EventRecorder.Record(grains, owner, ownerKind, EventRecorder.Warning, "FailedCreate", $"Error creating: {r.Message}", component);
            }
        }
        async Task CreateAll()
        {
            var pods = create.ToList();
            var done = 0;
            foreach (var size in SlowStartBatches(pods.Count))
            {
                await Task.WhenAll(pods.GetRange(done, size).Select(Create));
                done += size;
                if (failed) return;
            }
        }
        var deletes = delete.Select(async name =>
        {
            var r = await grains.GetGrain<IPodGrain>(new ObjectKey("Pod", ns, name).GrainKey).Delete(DeleteOptions.Default);
            if (r.Ok) await EventRecorder.Record(grains, owner, ownerKind, EventRecorder.Normal, "SuccessfulDelete", $"Deleted pod: {name}", component);
        });
        await Task.WhenAll(deletes.Append(CreateAll()));
        return failed;
    }
}
