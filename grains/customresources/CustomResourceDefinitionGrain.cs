using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.CustomResources;

/// <summary>
/// A CustomResourceDefinition. Creating one registers its kind (every silo refreshes its <see cref="CustomKinds"/>);
/// its status says so as Kubernetes' does (NamesAccepted, Established). Deleting one first deletes every object of
/// its kind (Terminating until they are gone), then the definition.
/// </summary>
public sealed class CustomResourceDefinitionGrain(
    [PersistentState("object", ObjectGrain<V1CustomResourceDefinition>.StorageName)] IPersistentState<ObjectRecord> s,
    ILogger<CustomResourceDefinitionGrain> l)
    : ObjectGrain<V1CustomResourceDefinition>(s, l), ICustomResourceDefinitionGrain
{
    protected override bool IsController => true;
    protected override bool UsesReminder => false;
    protected override bool DeletionIsDeferred => true;

    protected override async Task<ApiResult?> OnCreating(V1CustomResourceDefinition o)
    {
        await CustomKinds.RefreshAsync(GrainFactory);
        var kind = o.Spec.Names.Kind;
        if (Kinds.Builtin.FirstOrDefault(k => k.Kind == kind) is { } builtin)
            return Conflict(kind, builtin.ApiVersion);
        if (CustomKinds.Get(kind) is { } other && other.CrdName != Key.Name)
            return Conflict(kind, other.Info.ApiVersion);
        o.Status = CrdStatus.Initial(o);
        return null;
    }

    ApiResult Conflict(string kind, string servedBy) => ApiResult.Invalid(Kinds.CustomResourceDefinition, Key.Name,
        [new("FieldValueInvalid", $"Invalid value: \"{kind}\": this cluster serves one kind per name, and {kind} is already served by {servedBy}", "spec.names.kind")]);

    protected override void CarrySpec(V1CustomResourceDefinition next, V1CustomResourceDefinition current) =>
        next.Status = CrdStatus.Updated(next, current.Status);

    protected override async Task AfterCommit(V1CustomResourceDefinition? old, V1CustomResourceDefinition current) =>
        await CustomKinds.RefreshAsync(GrainFactory);

    protected override async Task OnRemoved(V1CustomResourceDefinition gone) => await CustomKinds.RefreshAsync(GrainFactory);

    protected override async Task OnTerminating()
    {
        await Mutate(c => { c.Status = CrdStatus.Terminating(c.Status); return true; });
        ScheduleReconcile();
    }

    /// <summary>Once deletion starts: delete every object of the kind, then the definition.</summary>
    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        if (Current?.Metadata.DeletionTimestamp == null) return null;
        var kind = Current.Spec.Names.Kind;
        var namespaces = Current.Spec.Scope == "Cluster" ? [""] : await GrainFactory.NamespaceNames();
        var left = 0;
        foreach (var ns in namespaces)
        {
            var items = (await GrainFactory.Index(kind, ns).List(new ListRequest())).Items;
            left += items.Count;
            await Task.WhenAll(items.Select(j => GrainFactory.For(new ObjectKey(kind, ns, Objects.FromJson<CustomObject>(j).Metadata.Name))
                .Delete(new DeleteOptions(PropagationPolicy: "Background"))));
        }
        if (left > 0) return TimeSpan.FromMilliseconds(500);
        await Remove(false);
        return null;
    }
}

/// <summary>The status a definition reports: accepted names, stored versions, and its conditions.</summary>
public static class CrdStatus
{
    public static V1CustomResourceDefinitionStatus Initial(V1CustomResourceDefinition crd)
    {
        var now = Objects.Now();
        return new V1CustomResourceDefinitionStatus
        {
            AcceptedNames = crd.Spec.Names,
            StoredVersions = [Storage(crd)],
            Conditions =
            [
                new V1CustomResourceDefinitionCondition { Type = "NamesAccepted", Status = "True", Reason = "NoConflicts", Message = "no conflicts found", LastTransitionTime = now },
                new V1CustomResourceDefinitionCondition { Type = "Established", Status = "True", Reason = "InitialNamesAccepted", Message = "the initial names have been accepted", LastTransitionTime = now },
            ],
        };
    }

    public static V1CustomResourceDefinitionStatus Updated(V1CustomResourceDefinition crd, V1CustomResourceDefinitionStatus? status)
    {
        status ??= Initial(crd);
        status.AcceptedNames = crd.Spec.Names;
        var stored = status.StoredVersions?.ToList() ?? [];
        if (!stored.Contains(Storage(crd))) stored.Add(Storage(crd));
        status.StoredVersions = stored;
        return status;
    }

    public static V1CustomResourceDefinitionStatus Terminating(V1CustomResourceDefinitionStatus? status)
    {
        status ??= new V1CustomResourceDefinitionStatus();
        var conditions = (status.Conditions ?? []).Where(c => c.Type != "Terminating").ToList();
        conditions.Add(new V1CustomResourceDefinitionCondition
        {
            Type = "Terminating", Status = "True", Reason = "InstanceDeletionInProgress",
            Message = "CustomResource deletion is in progress", LastTransitionTime = Objects.Now(),
        });
        status.Conditions = conditions;
        return status;
    }

    static string Storage(V1CustomResourceDefinition crd) => (crd.Spec.Versions.FirstOrDefault(v => v.Storage) ?? crd.Spec.Versions[0]).Name;
}
