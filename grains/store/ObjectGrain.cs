using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Grains.Admission;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Grains.Store;

/// <summary>
/// The store half of every object grain: admission, resourceVersion and generation, optimistic concurrency,
/// persistence, index publication, finalizers and deletion. Kinds with a controller override
/// <see cref="ReconcileAsync"/>; a change schedules it at once and a reminder re-runs it as a safety net.
/// </summary>
public abstract class ObjectGrain<T> : Grain, IObjectGrain, IRemindable, Security.IExistence where T : class, IKubernetesObject<V1ObjectMeta>
{
    public const string StorageName = "objects";
    const string ReminderName = "reconcile";

    readonly IPersistentState<ObjectRecord> _state;
    protected readonly ILogger Logger;
    protected ObjectKey Key = null!;
    protected KindInfo Kind = null!;
    /// <summary>The object as last written, decoded from <see cref="CurrentJson"/> when first needed. Kinds with many
    /// mostly idle objects (pods) let the decoded copy go (<see cref="ReleaseDecoded"/>) once a write leaves them settled.</summary>
    protected T? Current
    {
        get => _decoded ?? (CurrentJson is { } json ? _decoded = (T)Kind.Deserialize(json) : null);
        set => _decoded = value;
    }
    T? _decoded;
    protected string? CurrentJson;

    /// <summary>Whether activation decodes the stored object at once (false: on first use).</summary>
    protected virtual bool DecodesOnActivation => true;

    /// <summary>Drops the decoded copy of the current object; the next use decodes it again from its JSON. A running pod's
    /// grain holds it for two minutes after its last write, and 150,000 decoded pods kept 800 MB alive that every
    /// young collection had to promote and every full one to mark.</summary>
    protected void ReleaseDecoded() => _decoded = null;
    /// <summary>The decoded copy if one is held (null when released or not yet needed).</summary>
    protected T? HeldDecoded => _decoded;

    IGrainTimer? _reconcileTimer;
    bool _reconcileRunning, _reconcileAgain, _queued;
    int _failures;
    // Trace context of the last write: the next reconcile continues its trace; Get hands it to node agents.
    string? _reconcileParent, _lastWriteTrace;

    protected ObjectGrain(IPersistentState<ObjectRecord> state, ILogger logger) { _state = state; Logger = logger; }

    /// <summary>True for kinds whose grain is a controller (Deployment, ReplicaSet, Pod, ...).</summary>
    protected virtual bool IsController => false;
    protected virtual TimeSpan ReminderPeriod => TimeSpan.FromMinutes(1);
    /// <summary>Controllers keep a durable reminder as their safety net; pods (many, cheap) rely on their owners and node instead.</summary>
    protected virtual bool UsesReminder => IsController;
    /// <summary>Kinds whose stored record is sealed (Secret), when the silo has encryption keys.</summary>
    protected virtual bool EncryptAtRest => false;
    AtRestEncryption? _sealer;
    string Stored(string json) => _sealer?.Seal(json) ?? json;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        Key = ObjectKey.Parse(this.GetPrimaryKeyString());
        Kind = await KindLookup.ResolveAsync(GrainFactory, Key.Kind) ?? throw new InvalidOperationException($"unknown kind {Key.Kind}");
        if (EncryptAtRest) _sealer = ServiceProvider.GetService(typeof(AtRestEncryption)) as AtRestEncryption;
        if (_state.State.Json is { } stored)
        {
            var json = AtRestEncryption.IsSealed(stored)
                ? (_sealer ?? throw new InvalidOperationException($"{Key} is stored encrypted and this silo has no encryption keys")).Open(stored)
                : stored;
            CurrentJson = json;
            if (DecodesOnActivation) Current = (T)Kind.Deserialize(json);
            if (IsController) ScheduleReconcile();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct)
    {
        if (_queued) { _queued = false; Telemetry.Telemetry.ReconcileDequeued(); }
        return Task.CompletedTask;
    }

    protected IIndexGrain Index => GrainFactory.Index(Kind.Kind, Key.Namespace);

    /// <summary>A private copy of the current object, decoded from its JSON (what Current was written as: one decode
    /// instead of a serialize and a decode).</summary>
    protected T CloneCurrent() => (T)Kind.Deserialize(CurrentJson!);
    public bool Exists => CurrentJson != null;

    public Task<ApiResult> Get() =>
        Task.FromResult(CurrentJson == null ? ApiResult.NotFound(Kind, Key.Name) : ApiResult.Success(CurrentJson) with { TraceParent = _lastWriteTrace });

    // ---------------------------------------------------------------- writes

    public async Task<ApiResult> Create(string json, WriteOptions options)
    {
        if (CurrentJson != null) return ApiResult.AlreadyExists(Kind, Key.Name);
        var (obj, err) = Admit(json);
        if (err != null) return err;
        var o = (T)obj!;
        if (Kind.Namespaced && await CheckNamespace(creating: true) is { } nsErr) return nsErr;
        var m = o.Metadata;
        m.Uid = Guid.NewGuid().ToString();
        m.CreationTimestamp = Objects.Now();
        m.Generation = 1;
        m.DeletionTimestamp = null;
        m.DeletionGracePeriodSeconds = null;
        m.ResourceVersion = null;
        if (await OnCreating(o) is { } hookErr) return hookErr;
        if (Kind.Namespaced && await Admission.Quota.QuotaAdmission.AdmitAsync(GrainFactory, Kind, Key.Namespace, Key.Name, o, _namespace!) is { } quotaErr) return quotaErr;
        return await Commit(o, WatchTypes.Added, options, 201);
    }

    public async Task<ApiResult> Update(string json, WriteOptions options)
    {
        if (Current == null) return ApiResult.NotFound(Kind, Key.Name);
        var (obj, err) = Admit(json);
        if (err != null) return err;
        var o = (T)obj!;
        if (!string.IsNullOrEmpty(o.Metadata.ResourceVersion) && o.Metadata.ResourceVersion != Current.Metadata.ResourceVersion)
            return ApiResult.Conflict(Kind, Key.Name, "the object has been modified; please apply your changes to the latest version and try again");
        if (!string.IsNullOrEmpty(o.Metadata.Uid) && o.Metadata.Uid != Current.Metadata.Uid)
            return ApiResult.Conflict(Kind, Key.Name, $"Precondition failed: UID in precondition: {o.Metadata.Uid}, UID in object meta: {Current.Metadata.Uid}");
        CarryOver(o, keepStatus: true);
        return await CommitUpdate(o, options);
    }

    public async Task<ApiResult> Apply(string json, WriteOptions options)
    {
        JsonObject manifest;
        try { manifest = Objects.ParseJson(json) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException e) { return ApiResult.BadRequest($"the body of the request was in an unknown format: {e.Message}"); }
        if (Current == null)
        {
            var created = (JsonObject)manifest.DeepClone();
            ApplyMerge.Annotate(created, ApplyMerge.Remembered(manifest));
            return await Create(created.ToJsonString(), options);
        }
        // Decode the manifest alone first, so its own mistakes are reported as such.
        var (_, manifestError) = Admit(json);
        if (manifestError != null) return manifestError;
        var merged = ApplyMerge.Merge((JsonObject)JsonNode.Parse(CurrentJson!)!, manifest);
        var (obj, err) = Admit(merged.ToJsonString());
        if (err != null) return err;
        var o = (T)obj!;
        o.Metadata.ResourceVersion = null;
        CarryOver(o, keepStatus: true);
        if (Objects.SameJson(WithoutVolatile(o), WithoutVolatile(Current)))
            return new ApiResult(200, "Unchanged", null, CurrentJson);
        return await CommitUpdate(o, options);
    }

    public async Task<ApiResult> UpdateStatus(string json, WriteOptions options)
    {
        if (Current == null) return ApiResult.NotFound(Kind, Key.Name);
        var (obj, err) = Decoder.Decode(json, Kind);
        if (err != null) return err;
        var o = (T)obj!;
        if (!string.IsNullOrEmpty(o.Metadata.ResourceVersion) && o.Metadata.ResourceVersion != Current.Metadata.ResourceVersion)
            return ApiResult.Conflict(Kind, Key.Name, "the object has been modified; please apply your changes to the latest version and try again");
        var next = CloneCurrent();
        SetStatus(next, GetStatus(o));
        return await Commit(next, WatchTypes.Modified, options, 200);
    }

    /// <summary>Writes a changed copy of the current object from inside the grain (controllers, subresources). The copy
    /// is decoded from the current JSON unless the kind supplies a cheaper one that the change cannot corrupt the current
    /// object through.</summary>
    protected async Task<ApiResult> Mutate(Func<T, bool> change, bool specChange = false, Func<T, T>? copy = null)
    {
        if (Current == null) return ApiResult.NotFound(Kind, Key.Name);
        var next = copy != null ? copy(Current) : CloneCurrent();
        if (!change(next)) return ApiResult.Success(CurrentJson!);
        if (specChange)
        {
            Defaults.Apply(next);
            var errors = Validator.Validate(next, Kind);
            if (errors.Count > 0) return ApiResult.Invalid(Kind, Key.Name, errors);
            if (!Objects.SameJson(GetSpec(next), GetSpec(Current))) next.Metadata.Generation = (Current.Metadata.Generation ?? 1) + 1;
        }
        return await Commit(next, WatchTypes.Modified, WriteOptions.Default, 200);
    }

    async Task<ApiResult> CommitUpdate(T o, WriteOptions options)
    {
        if (!Objects.SameJson(GetSpec(o), GetSpec(Current!)))
            o.Metadata.Generation = (Current!.Metadata.Generation ?? 1) + 1;
        if (Current!.Metadata.DeletionTimestamp != null && (o.Metadata.Finalizers?.Count ?? 0) == 0 && !NeedsGracefulStop(Current))
        {
            // The last finalizer is gone: finish the deletion.
            Current = o;
            return await Remove(options.DryRun);
        }
        return await Commit(o, WatchTypes.Modified, options, 200);
    }

    void CarryOver(T o, bool keepStatus)
    {
        var m = o.Metadata; var c = Current!.Metadata;
        m.Uid = c.Uid;
        m.CreationTimestamp = c.CreationTimestamp;
        m.Generation = c.Generation;
        m.DeletionTimestamp = c.DeletionTimestamp;
        m.DeletionGracePeriodSeconds = c.DeletionGracePeriodSeconds;
        m.ManagedFields ??= c.ManagedFields; // writable, as in Kubernetes; kept when a client sends none
        if (keepStatus) SetStatus(o, GetStatus(Current));
        CarrySpec(o, Current);
    }

    static T WithoutVolatile(T o)
    {
        var c = Objects.Clone(o);
        c.Metadata.ResourceVersion = null;
        return c;
    }

    (IKubernetesObject<V1ObjectMeta>?, ApiResult?) Admit(string json)
    {
        var (obj, err) = Decoder.Decode(json, Kind);
        if (err != null) return (null, err);
        var m = obj!.Metadata;
        if (string.IsNullOrEmpty(m.Name)) m.Name = Key.Name;
        if (m.Name != Key.Name)
            return (null, ApiResult.BadRequest($"the name of the object ({m.Name}) does not match the name on the URL ({Key.Name})"));
        if (Kind.Namespaced)
        {
            if (string.IsNullOrEmpty(m.NamespaceProperty)) m.NamespaceProperty = Key.Namespace;
            if (m.NamespaceProperty != Key.Namespace)
                return (null, ApiResult.BadRequest("the namespace of the provided object does not match the namespace sent on the request"));
        }
        else m.NamespaceProperty = null;
        obj.ApiVersion = Kind.ApiVersion;
        obj.Kind = Kind.Kind;
        Defaults.Apply(obj);
        var errors = Validator.Validate(obj, Kind);
        if (errors.Count > 0) return (null, ApiResult.Invalid(Kind, Key.Name, errors));
        return (obj, null);
    }

    NamespaceAdmission? _namespace;
    /// <summary>The Pod Security level of the object's namespace as the current create's admission read it.</summary>
    protected string? NamespacePodSecurityLevel => _namespace?.PodSecurityLevel;

    async Task<ApiResult?> CheckNamespace(bool creating)
    {
        _namespace = await GrainFactory.GetGrain<INamespaceGrain>(new ObjectKey("Namespace", "", Key.Namespace).GrainKey).Admission();
        var ns = _namespace.Namespace;
        if (!ns.Ok) return new ApiResult(404, "NotFound", $"namespaces \"{Key.Namespace}\" not found", null);
        if (creating && ns.Json!.Contains("\"deletionTimestamp\""))
            return new ApiResult(403, "Forbidden",
                $"{Kind.Plural} \"{Key.Name}\" is forbidden: unable to create new content in namespace {Key.Namespace} because it is being terminated", null);
        return null;
    }

    /// <summary>Allocates a resourceVersion, persists, publishes to the index, then runs the after-commit hooks.</summary>
    /// <summary>etcd's limit on one stored object (its default --max-request-bytes).</summary>
    public const int MaxObjectBytes = 1536 * 1024;

    protected async Task<ApiResult> Commit(T o, string type, WriteOptions options, int code)
    {
        var index = Index;
        var rv = await index.Allocate();
        o.Metadata.ResourceVersion = rv.ToString();
        return await Persist(index, Current, o, Objects.ToJson(o), rv, type, options, code, decoded: true);
    }

    /// <summary>
    /// Writes a new status into the current object's JSON (<paramref name="current"/>, read by the caller from
    /// <see cref="CurrentJson"/>) without decoding the object.
    /// <paramref name="old"/> and <paramref name="now"/> stand for the object before and after in the hooks (after-commit,
    /// owner, index fields): the kind supplies them with at least what its hooks read; they never become
    /// <see cref="Current"/>, which is decoded from the new JSON when next needed.
    /// </summary>
    protected Task<ApiResult> CommitStatusJson(T old, T now, JsonSplice current, string statusJson) =>
        CommitEdited(old, now, rv => current.With(statusJson, rv), decoded: false);

    /// <summary>
    /// Writes the current object's JSON as <paramref name="edit"/> changes it (given the new resourceVersion, which it
    /// must set), rather than encoding <paramref name="now"/> whole. <paramref name="decoded"/>: <paramref name="now"/>
    /// is the whole object the edited JSON encodes, and becomes <see cref="Current"/>; otherwise it stands for the object
    /// in the hooks only (see <see cref="CommitStatusJson"/>).
    /// </summary>
    protected async Task<ApiResult> CommitEdited(T old, T now, Func<string, string> edit, bool decoded)
    {
        var index = Index;
        var rv = await index.Allocate();
        now.Metadata.ResourceVersion = rv.ToString();
        string json;
        try { json = edit(now.Metadata.ResourceVersion); }
        catch (System.Text.Json.JsonException e)
        {
            await index.Abandon(rv);
            return ApiResult.BadRequest($"{Kind.Resource} \"{Key.Name}\" could not be written: {e.Message}");
        }
        return await Persist(index, old, now, json, rv, WatchTypes.Modified, WriteOptions.Default, 200, decoded);
    }

    /// <summary>Persists <paramref name="json"/> (the object <paramref name="o"/> at version <paramref name="rv"/>),
    /// publishes it to the index and runs the hooks. <paramref name="decoded"/>: <paramref name="o"/> is the whole object
    /// and becomes <see cref="Current"/>; otherwise Current is decoded from the JSON when next needed.</summary>
    async Task<ApiResult> Persist(IIndexGrain index, T? old, T o, string json, long rv, string type, WriteOptions options, int code, bool decoded)
    {
        if (json.Length > MaxObjectBytes)
        {
            await index.Abandon(rv);
            return new ApiResult(413, "RequestEntityTooLarge", $"the object {Kind.Resource} \"{Key.Name}\" is larger than 1.5 MiB, the most one object may hold", null);
        }
        if (options.DryRun) { await index.Abandon(rv); return ApiResult.Success(json, code); }
        var previous = _state.State.Json;
        var stored = _state.State.Json = Stored(json);
        Exception? failed = null;
        try { await _state.WriteStateAsync(); }
        catch (Exception e) { failed = e; }
        if (failed != null && await ReadBack(failed, stored, previous) is not true)
        {
            await index.Abandon(rv);
            return ApiResult.Unavailable($"storage is unavailable, retry: {failed.Message}");
        }
        Current = decoded ? o : null;
        CurrentJson = json;
        _reconcileParent = _lastWriteTrace = Telemetry.Telemetry.ContinuedParent();
        await index.Publish(ToChange(type, o, json, rv));
        await AfterCommit(old, o);
        if (IsController)
        {
            if (type == WatchTypes.Added && UsesReminder) await EnsureReminder();
            if (ReconcileAfterWrite(old, o)) ScheduleReconcile();
        }
        if (OwnerCares(old, o)) await NotifyOwner(o);
        return ApiResult.Success(json, code) with { ResourceVersion = rv };
    }

    /// <summary>
    /// After a failed write, what the store holds. A write's failure does not say it did not happen: a reply that
    /// times out (a loaded silo, a slow store) may come after the store took the write, and then this grain's etag is
    /// stale and every later write of the object would be refused as a version conflict, for good (seen with Redis at
    /// 150,000 pods: nodes that could no longer record a heartbeat were evicted). So the record is read back, which
    /// also renews the etag. True: the store holds what was written (the write counts, as if it had returned); false:
    /// it holds what was there before (nothing changed); null: it cannot be read either, or holds something else, and
    /// the grain leaves memory so that its next activation reads the truth.
    /// </summary>
    async Task<bool?> ReadBack(Exception failure, string? written, string? previous)
    {
        bool? outcome;
        try
        {
            await _state.ReadStateAsync();
            outcome = _state.State.Json == written ? true : _state.State.Json == previous ? false : null;
        }
        catch (Exception e)
        {
            Logger.LogWarning("reading back {Key} after a failed write failed too: {Message}", Key, e.GetBaseException().Message);
            outcome = null;
        }
        if (outcome == null)
        {
            _state.State.Json = previous;
            DeactivateOnIdle();
        }
        if (outcome == true) Logger.LogWarning("writing {Key} reported a failure, but the store holds the write: it stands ({Message})", Key, failure.GetBaseException().Message);
        else Logger.LogError(failure, "writing {Key} failed", Key);
        return outcome;
    }

    static IndexChange ToChange(string type, T o, string json, long rv) => IndexFields.Change(type, o, json, rv);

    /// <summary>Tells the owning controller (same namespace) that a dependent changed: it only enqueues.</summary>
    async Task NotifyOwner(T o)
    {
        var owner = Objects.ControllerOf(o.Metadata);
        if (owner == null || Kinds.ByKind(owner.Kind) is not { } ok || !ok.Namespaced) return;
        await GrainFactory.For(new ObjectKey(owner.Kind, Key.Namespace, owner.Name)).Reconcile();
    }

    // ---------------------------------------------------------------- deletion

    public virtual async Task<ApiResult> Delete(DeleteOptions options)
    {
        if (Current == null) return ApiResult.NotFound(Kind, Key.Name);
        var m = Current.Metadata;
        if (options.PreconditionResourceVersion is { } prv && prv != m.ResourceVersion)
            return ApiResult.Conflict(Kind, Key.Name, $"Precondition failed: ResourceVersion in precondition: {prv}, ResourceVersion in object meta: {m.ResourceVersion}");
        if (options.PreconditionUid is { } puid && puid != m.Uid)
            return ApiResult.Conflict(Kind, Key.Name, $"Precondition failed: UID in precondition: {puid}, UID in object meta: {m.Uid}");
        if (options.DryRun) return ApiResult.Success(CurrentJson!);

        var policy = options.PropagationPolicy ?? DefaultPropagation;
        var uid = m.Uid;
        var graceful = GracefulDeletion(options);
        var hasFinalizers = (m.Finalizers?.Count ?? 0) > 0;
        if (policy == "Orphan") await OrphanDependents();
        if (hasFinalizers || graceful is > 0 || DeletionIsDeferred)
        {
            if (m.DeletionTimestamp != null && graceful is null or > 0 && !hasFinalizers) return ApiResult.Success(CurrentJson!);
            if (m.DeletionTimestamp != null && hasFinalizers) return ApiResult.Success(CurrentJson!);
            var next = CloneCurrent();
            next.Metadata.DeletionTimestamp = Objects.Now().AddSeconds(graceful ?? 0);
            next.Metadata.DeletionGracePeriodSeconds = graceful ?? 0;
            var r = await Commit(next, WatchTypes.Modified, WriteOptions.Default, 200);
            if (policy != "Orphan") await DeleteDependents(uid, policy);
            await OnTerminating();
            return r;
        }
        var result = await Remove(false);
        if (policy != "Orphan") await DeleteDependents(uid, policy);
        return result;
    }

    /// <summary>Kubernetes' default propagation for a DELETE without options: background.</summary>
    protected virtual string DefaultPropagation => "Background";

    /// <summary>Seconds of graceful termination this deletion needs (pods on a node), or null for none.</summary>
    protected virtual long? GracefulDeletion(DeleteOptions options) => null;
    protected virtual bool NeedsGracefulStop(T o) => false;
    /// <summary>Kinds whose own controller finishes their deletion (namespaces empty themselves first).</summary>
    protected virtual bool DeletionIsDeferred => false;
    protected virtual Task OnTerminating() => Task.CompletedTask;

    /// <summary>Removes the object for good: clears state and publishes DELETED.</summary>
    protected async Task<ApiResult> Remove(bool dryRun)
    {
        var gone = CloneCurrent();
        var index = Index;
        var rv = await index.Allocate();
        gone.Metadata.ResourceVersion = rv.ToString();
        var json = Objects.ToJson(gone);
        if (dryRun) { await index.Abandon(rv); return ApiResult.Success(json); }
        var before = _state.State.Json;
        Exception? failed = null;
        try { await _state.ClearStateAsync(); }
        catch (Exception e) { failed = e; }
        if (failed != null && await ReadBack(failed, null, before) is not true)
        {
            await index.Abandon(rv);
            return ApiResult.Unavailable($"storage is unavailable, retry: {failed.Message}");
        }
        _state.State.Json = null;
        Current = null;
        CurrentJson = null;
        await index.Publish(ToChange(WatchTypes.Deleted, gone, json, rv));
        await OnRemoved(gone);
        await NotifyOwner(gone);
        if (UsesReminder) await DropReminder();
        _reconcileTimer?.Dispose();
        _reconcileTimer = null;
        DeactivateOnIdle();
        return ApiResult.Success(json);
    }

    async Task DeleteDependents(string? uid, string policy)
    {
        // Pods and events own nothing here: their deletion (the most frequent) needs no cascade.
        if (uid == null || !Kind.Namespaced || Kind.Kind is "Pod" or "Event") return;
        await GrainFactory.GetGrain<Controllers.GarbageCollection.IGarbageCollectorGrain>(0)
            .OwnerDeleted(Key.Namespace, uid, policy == "Foreground" ? "Background" : policy);
    }

    async Task OrphanDependents()
    {
        var uid = Current?.Metadata.Uid;
        if (uid == null || !Kind.Namespaced) return;
        await GrainFactory.GetGrain<Controllers.GarbageCollection.IGarbageCollectorGrain>(0).Orphan(Key.Namespace, uid);
    }

    /// <summary>Drops the owner reference to the given uid (used when an owner is deleted with propagation Orphan).</summary>
    public async Task<ApiResult> DropOwner(string ownerUid) => await Mutate(o =>
    {
        var refs = o.Metadata.OwnerReferences;
        if (refs == null || refs.All(r => r.Uid != ownerUid)) return false;
        o.Metadata.OwnerReferences = refs.Where(r => r.Uid != ownerUid).ToList();
        if (o.Metadata.OwnerReferences.Count == 0) o.Metadata.OwnerReferences = null;
        return true;
    });

    // ---------------------------------------------------------------- controller wiring

    /// <summary>A dependent changed (or someone asks): run the controller, paced by what its last run cost.</summary>
    public Task Reconcile()
    {
        ScheduleReconcile(Pace, paced: true);
        return Task.CompletedTask;
    }

    public Task Nudge() => Reconcile();

    TimeSpan _lastRunTook;
    bool _againNow;
    DateTime _timerDue;

    /// <summary>
    /// How long a dependent's change waits before the controller runs again: three times what the last run took,
    /// when that was over a millisecond (at most a second). A ReplicaSet of 1,000 pods hears of every pod's every
    /// write; paced, it spends at most a quarter of its time counting them and still reacts within a second. Its own
    /// spec changes are not paced.
    /// </summary>
    TimeSpan Pace => _lastRunTook < TimeSpan.FromMilliseconds(1) ? TimeSpan.Zero
        : TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, _lastRunTook.Ticks * 3));

    /// <summary>Runs the controller soon (after delay, if given); coalesces bursts of triggers into one run.</summary>
    protected void ScheduleReconcile(TimeSpan? delay = null) => ScheduleReconcile(delay, paced: false);

    /// <summary>Drops a run that is scheduled and not yet started, for a kind that has just learned it would do nothing.</summary>
    protected void DropPendingReconcile()
    {
        _reconcileTimer?.Dispose();
        _reconcileTimer = null;
        if (_queued) { _queued = false; Telemetry.Telemetry.ReconcileDequeued(); }
    }

    void ScheduleReconcile(TimeSpan? delay, bool paced)
    {
        if (!IsController || CurrentJson == null) return;
        var now = delay is null || delay == TimeSpan.Zero;
        if (_reconcileRunning) { _reconcileAgain = true; _againNow |= !paced; return; }
        // A pending run that comes soon enough stands (a requeue far off is brought forward by a paced request).
        if (_reconcileTimer != null && (paced ? _timerDue <= DateTime.UtcNow + (delay ?? TimeSpan.Zero) : delay != null)) return;
        _reconcileTimer?.Dispose();
        if (now) { if (!_queued) { _queued = true; Telemetry.Telemetry.ReconcileQueued(); } }
        else if (_queued) { _queued = false; Telemetry.Telemetry.ReconcileDequeued(); }
        _timerDue = DateTime.UtcNow + (delay ?? TimeSpan.Zero);
        _reconcileTimer = this.RegisterGrainTimer(RunReconcile,
            new GrainTimerCreationOptions(delay ?? TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = true });
    }

    async Task RunReconcile(CancellationToken ct)
    {
        DropPendingReconcile(); // this run is the pending one
        if (CurrentJson == null) return;
        _reconcileRunning = true;
        TimeSpan? requeue = null;
        // A reconcile caused by a traced write continues that trace; periodic ones are not traced.
        var parent = _reconcileParent;
        _reconcileParent = null;
        // An untraced run must not continue whatever span was current when its timer was registered (another
        // request's): its calls would carry that trace to objects it has nothing to do with.
        if (parent == null) System.Diagnostics.Activity.Current = null;
        using var span = parent != null ? Telemetry.Telemetry.Start($"reconcile {Kind.Kind}", parent) : null;
        span?.SetTag("cluster.object", Key.ToString());
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            requeue = await ReconcileAsync();
            _failures = 0;
        }
        catch (Exception e)
        {
            _failures++;
            requeue = TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(_failures, 8))));
            Logger.LogWarning(e, "reconcile of {Key} failed; retrying in {Delay}", Key, requeue);
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
        }
        finally
        {
            _reconcileRunning = false;
            _lastRunTook = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            Telemetry.Telemetry.ReconcileDuration.Record(_lastRunTook.TotalMilliseconds, new KeyValuePair<string, object?>("kind", Kind.Kind));
        }
        // The next run: the sooner of what this one asked for and what arrived while it ran (a paced trigger must
        // not postpone a controller that asked to run again at once to count what it just created).
        var next = requeue;
        if (_reconcileAgain)
        {
            _reconcileAgain = false;
            var again = _againNow ? TimeSpan.Zero : Pace;
            _againNow = false;
            if (next is not { } r || again < r) next = again;
        }
        if (next is { } d) ScheduleReconcile(d == TimeSpan.Zero ? null : d);
    }

    /// <summary>The controller: read desired and observed state, act, record status. Returns when to run again, if ever.</summary>
    protected virtual Task<TimeSpan?> ReconcileAsync() => Task.FromResult<TimeSpan?>(null);

    async Task EnsureReminder()
    {
        try { await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod); }
        catch (Exception e) { Logger.LogWarning(e, "registering the reconcile reminder of {Key} failed", Key); }
    }

    async Task DropReminder()
    {
        try
        {
            var r = await this.GetReminder(ReminderName);
            if (r != null) await this.UnregisterReminder(r);
        }
        catch (Exception e) { Logger.LogDebug(e, "dropping the reminder of {Key} failed", Key); }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (CurrentJson == null) { await DropReminder(); return; }
        ScheduleReconcile();
    }

    // ---------------------------------------------------------------- per-kind hooks

    protected virtual Task<ApiResult?> OnCreating(T o) => Task.FromResult<ApiResult?>(null);
    protected virtual Task AfterCommit(T? old, T current) => Task.CompletedTask;
    /// <summary>Whether the owning controller hears of a write (every write, unless a kind knows better).</summary>
    protected virtual bool OwnerCares(T? old, T current) => true;
    /// <summary>Whether a write needs the controller to run (every write does, unless a kind knows better).</summary>
    protected virtual bool ReconcileAfterWrite(T? old, T current) => true;
    protected virtual Task OnRemoved(T gone) => Task.CompletedTask;
    /// <summary>Fields of the spec that users cannot change and the server keeps (e.g. a pod's nodeName, a service's clusterIP).</summary>
    protected virtual void CarrySpec(T next, T current) { }

    protected virtual object? GetSpec(T o) => o.GetType().GetProperty("Spec")?.GetValue(o);
    /// <summary>False for kinds without a status (ConfigMap, Secret, RBAC objects, ...): every write carries all of the object.</summary>
    protected virtual bool HasStatus => true;
    protected virtual object? GetStatus(T o) => HasStatus ? o.GetType().GetProperty("Status")?.GetValue(o) : null;
    protected virtual void SetStatus(T o, object? status) { if (HasStatus) o.GetType().GetProperty("Status")?.SetValue(o, status); }
}
