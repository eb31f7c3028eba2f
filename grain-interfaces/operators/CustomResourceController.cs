using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s;
using k8s.Models;
using Orleans.Metadata;

namespace Cluster.Interfaces.Operators;

/// <summary>
/// The operator pattern: a grain that reconciles objects of one custom kind. The object's own grain calls it after
/// every change to the object or to what it owns, and on a reminder, and writes the status it returns; the
/// controller acts on other objects (through <see cref="IGrainFactory"/>) and never writes its own object.
/// </summary>
public interface ICustomResourceController : IGrainWithStringKey
{
    Task<ControllerResult> Reconcile(string objectJson);
}

/// <summary>What one reconcile decided: the object's status (JSON, null to leave it) and when to run again (null: on change only).</summary>
[GenerateSerializer, Immutable]
public sealed record ControllerResult(string? StatusJson, TimeSpan? RequeueAfter);

/// <summary>Marks a grain class as the controller of the custom kind with this group and plural.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CustomResourceControllerAttribute(string group, string plural) : Attribute, IGrainTypeProviderAttribute
{
    public string Group { get; } = group;
    public string Plural { get; } = plural;
    public static string GrainTypeFor(string group, string plural) => $"controller.{plural}.{group}";
    public GrainType GetGrainType(IServiceProvider services, Type grainClass) => GrainType.Create(GrainTypeFor(Group, Plural));
}

/// <summary>
/// A controller for a custom kind whose spec and status are the .NET types TSpec and TStatus (System.Text.Json,
/// camelCase). Override <see cref="ReconcileAsync"/>; helpers create and update owned objects with the same
/// admission every other client gets.
/// </summary>
public abstract class CustomResourceController<TSpec, TStatus> : Grain, ICustomResourceController
    where TSpec : class, new() where TStatus : class, new()
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The object being reconciled: its metadata, and its spec and current status as TSpec and TStatus.</summary>
    public sealed record Resource(CustomObject Object, TSpec Spec, TStatus Status)
    {
        public string Name => Object.Metadata.Name;
        public string Namespace => Object.Metadata.NamespaceProperty ?? "";
    }

    /// <summary>Reads desired (spec) and observed state, acts, and returns the status to record and when to run again.</summary>
    protected abstract Task<(TStatus Status, TimeSpan? RequeueAfter)> ReconcileAsync(Resource resource);

    public async Task<ControllerResult> Reconcile(string objectJson)
    {
        var obj = KubernetesJson.Deserialize<CustomObject>(objectJson);
        var spec = obj.Spec?.Deserialize<TSpec>(Json) ?? new TSpec();
        var status = obj.Status?.Deserialize<TStatus>(Json) ?? new TStatus();
        var (next, requeue) = await ReconcileAsync(new Resource(obj, spec, status));
        return new ControllerResult(JsonSerializer.Serialize(next, Json), requeue);
    }

    /// <summary>Creates the object, owned by the resource (so it is deleted with it), or updates it to what is given.</summary>
    protected async Task<T> ApplyOwned<T>(Resource owner, T desired) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var kind = Kinds.ByModelType(typeof(T)) ?? throw new ArgumentException($"{typeof(T).Name} is not a kind this cluster serves");
        desired.ApiVersion = kind.ApiVersion;
        desired.Kind = kind.Kind;
        desired.Metadata ??= new V1ObjectMeta();
        if (kind.Namespaced) desired.Metadata.NamespaceProperty = owner.Namespace;
        desired.Metadata.OwnerReferences =
        [
            new V1OwnerReference
            {
                ApiVersion = owner.Object.ApiVersion, Kind = owner.Object.Kind, Name = owner.Name, Uid = owner.Object.Metadata.Uid,
                Controller = true, BlockOwnerDeletion = true,
            },
        ];
        var grain = GrainFactory.For(new ObjectKey(kind.Kind, kind.Namespaced ? owner.Namespace : "", desired.Metadata.Name));
        var r = await grain.Apply(KubernetesJson.Serialize(desired), WriteOptions.Default);
        if (!r.Ok) throw new InvalidOperationException($"applying {kind.Kind} {desired.Metadata.Name} failed: {r.Message}");
        return KubernetesJson.Deserialize<T>(r.Json!);
    }

    /// <summary>An object in the resource's namespace (or cluster-scoped), or null when absent.</summary>
    protected async Task<T?> Get<T>(Resource owner, string name) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var kind = Kinds.ByModelType(typeof(T)) ?? throw new ArgumentException($"{typeof(T).Name} is not a kind this cluster serves");
        var r = await GrainFactory.For(new ObjectKey(kind.Kind, kind.Namespaced ? owner.Namespace : "", name)).Get();
        return r.Ok ? KubernetesJson.Deserialize<T>(r.Json!) : null;
    }
}
