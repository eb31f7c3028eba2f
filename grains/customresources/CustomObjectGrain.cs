using System.Text.Json.Nodes;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Operators;
using Cluster.Interfaces.Store;
using k8s;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Cluster.Grains.CustomResources;

/// <summary>
/// An object of a custom kind: stored, validated against its definition's schema (in admission), listed and
/// watched like any other. When a silo hosts an operator's controller for the kind, this grain is that
/// controller's workqueue: each change (and a reminder) calls it, and the status it returns is written here.
/// </summary>
public sealed class CustomObjectGrain([PersistentState("object", ObjectGrain<CustomObject>.StorageName)] IPersistentState<ObjectRecord> s, ILogger<CustomObjectGrain> l)
    : ObjectGrain<CustomObject>(s, l), ICustomObjectGrain
{
    CustomKind? Definition => CustomKinds.Get(Key.Kind);

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        await base.OnActivateAsync(ct);
        if (IsController && Current != null) ScheduleReconcile();
    }

    /// <summary>A controller when some silo of the cluster hosts an operator's controller grain for the kind.</summary>
    protected override bool IsController =>
        Definition is { } d && ServiceProvider.GetService(typeof(IClusterManifestProvider)) is IClusterManifestProvider m
        && m.Current.AllGrainManifests.Any(g => g.Grains.ContainsKey(GrainType.Create(d.ControllerGrainType)));

    protected override Task<ApiResult?> OnCreating(CustomObject o) =>
        Task.FromResult(Definition is { Terminating: true }
            ? new ApiResult(405, "MethodNotAllowed", $"create not allowed while custom resource definition is terminating", null)
            : null);

    // Without the status subresource, status is an ordinary part of the object that every write carries.
    bool StatusSubresource => Definition?.StatusSubresource ?? false;
    protected override object? GetSpec(CustomObject o) => StatusSubresource ? new { o.Spec, o.Extra } : new { o.Spec, o.Status, o.Extra };
    protected override object? GetStatus(CustomObject o) => StatusSubresource ? o.Status : null;
    protected override void SetStatus(CustomObject o, object? status) { if (StatusSubresource) o.Status = (JsonNode?)status; }

    protected override async Task<TimeSpan?> ReconcileAsync()
    {
        var d = Definition;
        if (d == null || Current!.Metadata.DeletionTimestamp != null) return null;
        var controller = GrainFactory.GetGrain<ICustomResourceController>(GrainId.Create(d.ControllerGrainType, Key.GrainKey));
        var result = await controller.Reconcile(CurrentJson!);
        if (result.StatusJson != null)
        {
            var status = JsonNode.Parse(result.StatusJson);
            await Mutate(o =>
            {
                if (JsonNode.DeepEquals(o.Status, status)) return false;
                o.Status = status;
                return true;
            });
        }
        return result.RequeueAfter;
    }
}
