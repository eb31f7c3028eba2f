using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using Cluster.Silo.Api.Patching;
using Cluster.Silo.Api.Protobuf;
using k8s;
using k8s.Models;

namespace Cluster.Silo.Api;

/// <summary>
/// The Kubernetes REST API on the silo's HTTP port, for kubectl and the official clients. Every read and write goes
/// to the same object and index grains the SDK uses, so admission (decode, default, validate) has one implementation.
/// This class is the protocol: paths, verbs, content types, Status errors, Tables, watch streams and patches.
/// </summary>
public sealed class KubeApi(IGrainFactory grains, Cluster.Grains.Security.Authorizer authorizer, ILogger<KubeApi> logger)
{
    const int MaxBodyBytes = 3 * 1024 * 1024;
    static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static void Map(WebApplication app)
    {
        // Discovery and OpenAPI answer with the custom kinds as of now: they refresh first (one index read).
        app.MapGet("/api", (HttpContext c) => Discovery.WantsAggregated(c.Request.Headers.Accept)
            ? Results.Text(Discovery.Aggregated(core: true), Discovery.AggregatedContentType)
            : Results.Text(Discovery.LegacyVersions(), "application/json"));
        app.MapGet("/apis", async (HttpContext c, IGrainFactory g) =>
        {
            await CustomKinds.RefreshAsync(g);
            return Discovery.WantsAggregated(c.Request.Headers.Accept)
                ? Results.Text(Discovery.Aggregated(core: false), Discovery.AggregatedContentType)
                : Results.Text(Discovery.LegacyGroups(), "application/json");
        });
        app.MapGet("/openapi/v3", async (IGrainFactory g) => { await CustomKinds.RefreshAsync(g); return Results.Text(OpenApi.Index(), "application/json"); });
        app.MapGet("/openapi/v3/api/{version}", (string version) => Doc("", version));
        app.MapGet("/openapi/v3/apis/{group}/{version}", async (string group, string version, IGrainFactory g) =>
        {
            if (OpenApi.Document(group, version) == null) await CustomKinds.RefreshAsync(g);
            return Doc(group, version);
        });
        app.Map("/api/{**rest}", (HttpContext c, KubeApi api, string? rest) => api.Handle(c, rest ?? "", core: true));
        app.Map("/apis/{**rest}", (HttpContext c, KubeApi api, string? rest) => api.Handle(c, rest ?? "", core: false));
    }

    static IResult Doc(string group, string version) =>
        OpenApi.Document(group, version) is { } d ? Results.Text(d, "application/json") : NotFoundPath();

    static IResult NotFoundPath() => StatusResult(new ApiResult(404, "NotFound", "the server could not find the requested resource", null));

    static IResult StatusResult(ApiResult r, KindInfo? kind = null, string? name = null) =>
        Results.Text(r.ToStatusJson(kind, name), "application/json", Encoding.UTF8, r.Code);

    static IResult Json(string json, int code = 200) => Results.Text(json, "application/json", Encoding.UTF8, code);

    async Task<IResult> Handle(HttpContext c, string rest, bool core)
    {
        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == (core ? 1 : 2) && c.Request.Method == "GET")
        {
            if (!core && Discovery.ResourceList(segments[0], segments[^1]) == null) await CustomKinds.RefreshAsync(grains);
            return Discovery.ResourceList(core ? "" : segments[0], segments[^1]) is { } doc ? Json(doc) : NotFoundPath();
        }
        var path = ApiPath.Parse(segments, core);
        if (path == null && !core)
        {
            // Perhaps a kind registered through another silo a moment ago.
            await CustomKinds.RefreshAsync(grains);
            path = ApiPath.Parse(segments, core);
        }
        if (path == null) return NotFoundPath();
        if (path.Kind.IsCustom && path.Subresource is { } csub && !(csub == "status" && CustomKinds.Get(path.Kind.Kind)?.StatusSubresource == true))
            return NotFoundPath();
        // A span per request (under ASP.NET Core's, which honours an incoming traceparent); watches are not traced.
        using var span = IsWatch(c) ? null : Cluster.Grains.Telemetry.Telemetry.Start(
            $"{c.Request.Method} {path.Kind.Resource}{(path.Subresource is { } sub ? "/" + sub : "")}", null, System.Diagnostics.ActivityKind.Server);
        span?.SetTag("k8s.namespace.name", path.Namespace);
        span?.SetTag("k8s.object.name", path.Name);
        try
        {
            if (path.Kind == Kinds.SelfSubjectReview)
                return c.Request.Method == "POST" && path.Name == null ? WhoAmI(c) : StatusResult(new ApiResult(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", null));
            if (path.Kind == Kinds.SelfSubjectAccessReview)
                return c.Request.Method == "POST" && path.Name == null ? await AccessReview(c) : StatusResult(new ApiResult(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", null));
            return (c.Request.Method, path.Name, path.Subresource) switch
            {
                ("GET", null, _) when IsWatch(c) => await Watch(c, path),
                ("GET", null, _) => await List(c, path),
                ("POST", null, _) => await Create(c, path),
                ("DELETE", null, _) => await DeleteCollection(c, path),
                ("GET", _, null) => await Get(c, path),
                ("PUT", _, null) => await Update(c, path, status: false),
                ("PATCH", _, null) => await Patch(c, path, status: false),
                ("DELETE", _, null) => await Delete(c, path),
                ("GET", _, "status") => await Get(c, path),
                ("PUT", _, "status") => await Update(c, path, status: true),
                ("PATCH", _, "status") => await Patch(c, path, status: true),
                (_, _, "scale") when path.Kind.Kind is "Deployment" or "ReplicaSet" or "StatefulSet" => await Scale(c, path),
                ("GET", _, "log") when path.Kind.Kind == "Pod" => await Logs(c, path),
                ("POST", _, "eviction") when path.Kind.Kind == "Pod" => await Evict(c, path),
                ("POST", _, "binding") when path.Kind.Kind == "Pod" => await Bind(c, path),
                ("POST", _, "token") when path.Kind.Kind == "ServiceAccount" => await RequestToken(c, path),
                _ => StatusResult(new ApiResult(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource", null)),
            };
        }
        catch (BadBody e) { return StatusResult(e.Result, path.Kind, path.Name); }
        catch (Cluster.Interfaces.Security.AccessDeniedException e)
        {
            return StatusResult(new ApiResult(e.Code, e.Code == 401 ? "Unauthorized" : "Forbidden", e.Message, null), e.Code == 403 ? path.Kind : null, path.Name);
        }
        catch (Orleans.Runtime.OrleansException e)
        {
            logger.LogWarning(e, "{Method} {Path} failed in the cluster", c.Request.Method, c.Request.Path);
            return StatusResult(ApiResult.Unavailable($"the cluster could not serve the request, retry: {e.Message}"));
        }
        catch (TimeoutException e) { return StatusResult(new ApiResult(504, "Timeout", $"the request timed out, retry: {e.Message}", null)); }
    }

    sealed class BadBody(ApiResult r) : Exception(r.Message) { public ApiResult Result { get; } = r; }

    static bool IsWatch(HttpContext c) => c.Request.Query["watch"] is { Count: > 0 } w && (w[0] is "true" or "1");
    static string? Q(HttpContext c, string name) => c.Request.Query[name] is { Count: > 0 } v ? v[0] : null;
    static bool DryRun(HttpContext c) => Q(c, "dryRun") is "All";
    /// <summary>The field manager: as asked, or (as the API server does) from the client's User-Agent.</summary>
    static string Manager(HttpContext c) => Q(c, "fieldManager") is { Length: > 0 } m ? m
        : c.Request.Headers.UserAgent.ToString().Split('/', ' ')[0] is { Length: > 0 } ua ? ua : "unknown";

    ObjectKey Key(ApiPath p, string name) => new(p.Kind.Kind, p.Kind.Namespaced ? p.Namespace ?? "default" : "", name);
    IObjectGrain Grain(ApiPath p, string name) => grains.For(Key(p, name));

    // ------------------------------------------------------------------ reads

    async Task<IResult> Get(HttpContext c, ApiPath p)
    {
        var r = await Grain(p, p.Name!).Get();
        if (!r.Ok) return StatusResult(r, p.Kind, p.Name);
        if (Tables.Wanted(c.Request.Headers.Accept))
        {
            var obj = p.Kind.Deserialize(r.Json!);
            return Json(Tables.Build(p.Kind, [obj], obj.Metadata.ResourceVersion ?? "").ToJsonString());
        }
        return Json(r.Json!);
    }

    Task<IReadOnlyList<string>> Namespaces() => grains.NamespaceNames();

    async Task<(List<string> Items, long Rv, string? Continue, long? Remaining)> ListItems(ApiPath p, string? ls, string? fs, int limit, string? cont)
    {
        try
        {
            if (!p.Kind.Namespaced || p.Namespace != null)
            {
                var r = await grains.Index(p.Kind.Kind, p.Kind.Namespaced ? p.Namespace! : "").List(new ListRequest(ls, fs, limit, cont));
                return (r.Items.ToList(), r.ResourceVersion, r.Continue, r.RemainingItemCount);
            }
            // All namespaces: namespaces in order; the continue token is "namespace\nindex token".
            var all = new List<string>();
            long rv = 0;
            string? startNs = null, inner = null;
            if (cont != null)
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(cont)).Split('\n', 2);
                startNs = decoded[0]; inner = decoded.Length > 1 && decoded[1].Length > 0 ? decoded[1] : null;
            }
            foreach (var ns in (await Namespaces()).Order(StringComparer.Ordinal))
            {
                if (startNs != null && string.CompareOrdinal(ns, startNs) < 0) continue;
                var want = limit > 0 ? limit - all.Count : 0;
                var r = await grains.Index(p.Kind.Kind, ns).List(new ListRequest(ls, fs, want, ns == startNs ? inner : null));
                all.AddRange(r.Items);
                rv = Math.Max(rv, r.ResourceVersion);
                if (r.Continue != null)
                    return (all, rv, Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ns}\n{r.Continue}")), r.RemainingItemCount);
                if (limit > 0 && all.Count >= limit)
                    return (all, rv, Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ns}\u0001\n")), null);
            }
            return (all, rv, null, null);
        }
        catch (FormatException e) { throw new BadBody(ApiResult.BadRequest(e.Message)); }
        catch (ArgumentException e) { throw new BadBody(ApiResult.BadRequest(e.Message)); }
    }

    async Task<IResult> List(HttpContext c, ApiPath p)
    {
        var limit = int.TryParse(Q(c, "limit"), out var l) ? l : 0;
        var (items, rv, cont, remaining) = await ListItems(p, Q(c, "labelSelector"), Q(c, "fieldSelector"), limit, Q(c, "continue"));
        if (Tables.Wanted(c.Request.Headers.Accept))
            return Json(Tables.Build(p.Kind, items.Select(p.Kind.Deserialize).ToList(), rv.ToString(), cont).ToJsonString());
        return new ListResponse(p.Kind, items, rv.ToString(), cont, remaining);
    }

    static string ListJson(KindInfo kind, IEnumerable<string> items, string rv, string? cont, long? remaining)
    {
        var sb = new StringBuilder();
        sb.Append("{\"kind\":\"").Append(kind.Kind).Append("List\",\"apiVersion\":\"").Append(kind.ApiVersion).Append("\",\"metadata\":{\"resourceVersion\":\"").Append(rv).Append('"');
        if (cont != null) sb.Append(",\"continue\":\"").Append(cont).Append('"');
        if (remaining != null) sb.Append(",\"remainingItemCount\":").Append(remaining);
        sb.Append("},\"items\":[");
        var first = true;
        foreach (var i in items) { if (!first) sb.Append(','); sb.Append(i); first = false; }
        return sb.Append("]}").ToString();
    }

    // ------------------------------------------------------------------ watch

    async Task<IResult> Watch(HttpContext c, ApiPath p)
    {
        var ls = Q(c, "labelSelector");
        var fs = Q(c, "fieldSelector");
        try { LabelSelector.Parse(ls); FieldSelector.Parse(fs); }
        catch (FormatException e) { return StatusResult(ApiResult.BadRequest(e.Message)); }
        var tables = Tables.Wanted(c.Request.Headers.Accept);
        var bookmarks = Q(c, "allowWatchBookmarks") is "true";
        var deadline = int.TryParse(Q(c, "timeoutSeconds"), out var ts) && ts > 0 ? DateTime.UtcNow.AddSeconds(ts) : DateTime.MaxValue;
        var rvParam = Q(c, "resourceVersion");
        var ct = c.RequestAborted;
        c.Response.StatusCode = 200;
        c.Response.ContentType = "application/json";
        await c.Response.StartAsync(ct);
        await c.Response.Body.FlushAsync(ct); // the client sees 200 now, not with the first event
        var firstTable = true;

        async Task Send(string type, string objJson)
        {
            string obj = objJson;
            if (tables && type != WatchTypes.Bookmark && type != "ERROR")
            {
                var o = p.Kind.Deserialize(objJson);
                obj = Tables.Build(p.Kind, [o], o.Metadata.ResourceVersion ?? "", columns: firstTable).ToJsonString();
                firstTable = false;
            }
            await c.Response.WriteAsync("{\"type\":\"" + type + "\",\"object\":" + obj + "}\n", ct);
            await c.Response.Body.FlushAsync(ct);
        }

        var namespaces = !p.Kind.Namespaced ? [""] : p.Namespace != null ? [p.Namespace] : (await Namespaces()).ToList();
        var from = new Dictionary<string, long>();
        if (string.IsNullOrEmpty(rvParam) || rvParam == "0")
        {
            // No version: the current state as ADDED events, then changes.
            foreach (var ns in namespaces)
            {
                var r = await grains.Index(p.Kind.Kind, ns).List(new ListRequest(ls, fs));
                foreach (var item in r.Items) await Send(WatchTypes.Added, item);
                from[ns] = r.ResourceVersion;
            }
        }
        else
        {
            if (!long.TryParse(rvParam, out var v)) { await Send("ERROR", new ApiResult(400, "BadRequest", $"invalid resourceVersion \"{rvParam}\"", null).ToStatusJson()); return Results.Empty; }
            foreach (var ns in namespaces) from[ns] = v;
        }

        var lastSent = DateTime.UtcNow;
        var polls = namespaces.ToDictionary(ns => ns, ns => Poll(p.Kind, ns, from[ns], ls, fs, deadline));
        try
        {
            while (!ct.IsCancellationRequested && DateTime.UtcNow < deadline && polls.Count > 0)
            {
                var done = await Task.WhenAny(polls.Values).WaitAsync(ct);
                var ns = polls.First(kv => kv.Value == done).Key;
                var result = await done;
                if (result.Gone)
                {
                    await Send("ERROR", new ApiResult(410, "Expired", $"too old resource version: {from[ns]} ({result.ResourceVersion})", null).ToStatusJson());
                    break;
                }
                foreach (var e in result.Events) { await Send(e.Type, e.Json); lastSent = DateTime.UtcNow; }
                from[ns] = Math.Max(from[ns], result.ResourceVersion);
                if (bookmarks && result.Events.Count == 0 && DateTime.UtcNow - lastSent > TimeSpan.FromSeconds(5))
                {
                    await Send(WatchTypes.Bookmark, $"{{\"kind\":\"{p.Kind.Kind}\",\"apiVersion\":\"{p.Kind.ApiVersion}\",\"metadata\":{{\"resourceVersion\":\"{from.Values.Max()}\"}}}}");
                    lastSent = DateTime.UtcNow;
                }
                polls[ns] = Poll(p.Kind, ns, from[ns], ls, fs, deadline);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        return Results.Empty;
    }

    Task<WatchResult> Poll(KindInfo kind, string ns, long from, string? ls, string? fs, DateTime deadline)
    {
        var wait = WatchRequest.MaxPoll;
        var left = deadline - DateTime.UtcNow;
        if (left < wait) wait = left < TimeSpan.Zero ? TimeSpan.Zero : left;
        return grains.Index(kind.Kind, ns).Watch(new WatchRequest(from, ls, fs, wait));
    }

    // ------------------------------------------------------------------ writes

    async Task<string> ReadBody(HttpContext c)
    {
        if (c.Request.ContentLength > MaxBodyBytes) throw new BadBody(new ApiResult(413, "RequestEntityTooLarge", "the request body is larger than 3 MiB", null));
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await c.Request.Body.ReadAsync(buffer, c.RequestAborted)) > 0)
        {
            ms.Write(buffer, 0, n);
            if (ms.Length > MaxBodyBytes) throw new BadBody(new ApiResult(413, "RequestEntityTooLarge", "the request body is larger than 3 MiB", null));
        }
        var bytes = ms.ToArray();
        if (KubeProtobuf.IsProtobuf(c.Request.ContentType))
        {
            try { return KubeProtobuf.DecodeToJson(bytes); }
            catch (ProtobufDecodeException e) { throw new BadBody(new ApiResult(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - {e.Message}", null)); }
        }
        var ct = c.Request.ContentType ?? "application/json";
        if (!(ct.StartsWith("application/json") || ct.Contains("patch") || ct.StartsWith("application/yaml") || ct.StartsWith("*/*")))
            throw new BadBody(new ApiResult(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf", null));
        return Encoding.UTF8.GetString(bytes);
    }

    static JsonObject ParseObject(string body)
    {
        try { return Objects.ParseJson(body) as JsonObject ?? throw new BadBody(ApiResult.BadRequest("the body of the request must be a JSON object")); }
        catch (JsonException e) { throw new BadBody(ApiResult.BadRequest($"the body of the request was in an unknown format: {e.Message}")); }
    }

    /// <summary>fieldValidation: Strict refuses unknown and duplicate fields, Warn reports them in Warning headers, Ignore drops them.</summary>
    static void CheckFields(HttpContext c, KindInfo kind, string json)
    {
        var mode = Q(c, "fieldValidation") ?? "Warn";
        if (mode == "Ignore") return;
        var problems = new List<string>();
        foreach (var d in ObjectDiff.DuplicateFields(json)) problems.Add($"json: duplicate field \"{d}\"");
        try
        {
            var original = JsonNode.Parse(json)!;
            var round = JsonNode.Parse(KubernetesJson.Serialize(kind.Deserialize(json)))!;
            foreach (var u in ObjectDiff.UnknownFields(original, round)) problems.Add($"unknown field \"{u}\"");
            if (kind.IsCustom)
                foreach (var u in Cluster.Grains.CustomResources.CustomResourceAdmission.UnknownFields(kind.Kind, json)) problems.Add($"unknown field \"{u}\"");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException or OverflowException) { return; /* the grain's decoder reports it */ }
        if (problems.Count == 0) return;
        if (mode == "Strict")
            throw new BadBody(ApiResult.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: strict decoding error: {string.Join(", ", problems)}"));
        foreach (var pr in problems) c.Response.Headers.Append("Warning", $"299 - \"{pr.Replace("\"", "\\\"")}\"");
    }

    async Task<IResult> Create(HttpContext c, ApiPath p)
    {
        var body = await ReadBody(c);
        var o = ParseObject(body);
        if (o["metadata"] is { } m && m is not JsonObject)
            throw new BadBody(ApiResult.BadRequest($"{p.Kind.Kind} in version \"{p.Kind.Version}\" cannot be handled as a {p.Kind.Kind}: json: cannot unmarshal {JsonType(m)} into Go struct field {p.Kind.Kind}.metadata of type v1.ObjectMeta"));
        var meta = o["metadata"] as JsonObject ?? (JsonObject)(o["metadata"] = new JsonObject());
        var name = Text(meta, "name", p.Kind);
        if (string.IsNullOrEmpty(name) && Text(meta, "generateName", p.Kind) is { Length: > 0 } gen)
            meta["name"] = name = gen + RandomSuffix();
        if (string.IsNullOrEmpty(name))
            return StatusResult(ApiResult.Invalid(p.Kind, "", [new("FieldValueRequired", "name or generateName is required", "metadata.name")]), p.Kind);
        if (p.Kind.Namespaced && meta["namespace"] == null) meta["namespace"] = p.Namespace ?? "default";
        CheckFields(c, p.Kind, o.ToJsonString());
        ManagedFields.Update(null, o, p.Kind, Manager(c));
        var json = o.ToJsonString();
        var r = await Grain(p, name).Create(json, new WriteOptions(DryRun(c), Q(c, "fieldManager")));
        return r.Ok ? Json(r.Json!, 201) : StatusResult(r, p.Kind, name);
    }

    /// <summary>A string field of metadata, or a 400 naming its wrong type (as the API server's decoder does).</summary>
    static string? Text(JsonObject meta, string field, KindInfo kind) => meta[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        var other => throw new BadBody(ApiResult.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: json: cannot unmarshal {JsonType(other)} into Go struct field ObjectMeta.metadata.{field} of type string")),
    };

    static string JsonType(JsonNode n) => n.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.Object => "object", System.Text.Json.JsonValueKind.Array => "array",
        System.Text.Json.JsonValueKind.Number => "number", System.Text.Json.JsonValueKind.String => "string",
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "bool", _ => "null",
    };

    static string RandomSuffix() => Cluster.Grains.Controllers.ControllerPods.Suffix();

    async Task<IResult> Update(HttpContext c, ApiPath p, bool status)
    {
        var body = await ReadBody(c);
        var o = ParseObject(body);
        CheckFields(c, p.Kind, o.ToJsonString());
        var g = Grain(p, p.Name!);
        if (!status && (await g.Get()) is { Ok: true } live) ManagedFields.Update((JsonObject)Objects.ParseJson(live.Json!)!, o, p.Kind, Manager(c));
        var json = o.ToJsonString();
        var options = new WriteOptions(DryRun(c), Q(c, "fieldManager"));
        var r = status ? await g.UpdateStatus(json, options) : await g.Update(json, options);
        return r.Ok ? Json(r.Json!) : StatusResult(r, p.Kind, p.Name);
    }

    async Task<IResult> Patch(HttpContext c, ApiPath p, bool status)
    {
        var body = await ReadBody(c);
        var type = (c.Request.ContentType ?? "").Split(';')[0].Trim();
        var g = Grain(p, p.Name!);
        var options = new WriteOptions(DryRun(c), Q(c, "fieldManager"));
        if (type == "application/apply-patch+yaml") return await ServerSideApply(c, p, body, options);
        for (var attempt = 0; ; attempt++)
        {
            var current = await g.Get();
            if (!current.Ok) return StatusResult(current, p.Kind, p.Name);
            var live = JsonNode.Parse(current.Json!)!;
            JsonNode patched;
            var explicitRv = false;
            try
            {
                switch (type)
                {
                    case "application/merge-patch+json":
                        var mp = Objects.ParseJson(body);
                        explicitRv = mp?["metadata"]?["resourceVersion"] != null;
                        patched = JsonMergePatch.Apply(live, mp)!;
                        break;
                    case "application/json-patch+json":
                        patched = JsonPatch.Apply(live, Objects.ParseJson(body) as JsonArray ?? throw new PatchException("a JSON patch must be an array of operations"));
                        break;
                    case "application/strategic-merge-patch+json":
                        var sp = Objects.ParseJson(body) as JsonObject ?? throw new PatchException("a strategic merge patch must be an object");
                        explicitRv = sp["metadata"]?["resourceVersion"] != null;
                        patched = StrategicMergePatch.Apply(live, sp, p.Kind.Kind);
                        break;
                    default:
                        return StatusResult(new ApiResult(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json", null));
                }
            }
            catch (PatchException e) { return StatusResult(new ApiResult(422, "Invalid", e.Message, null), p.Kind, p.Name); }
            catch (JsonException e) { return StatusResult(ApiResult.BadRequest($"the body of the request was in an unknown format: {e.Message}")); }
            CheckFields(c, p.Kind, patched.ToJsonString());
            if (!status && patched is JsonObject po && live is JsonObject lo) ManagedFields.Update(lo, po, p.Kind, Manager(c));
            var json = patched.ToJsonString();
            var r = status ? await g.UpdateStatus(json, options) : await g.Update(json, options);
            if (r.Ok) return Json(r.Json!);
            if (r.Code == 409 && r.Reason == "Conflict" && !explicitRv && attempt < 5) continue;
            return StatusResult(r, p.Kind, p.Name);
        }
    }

    /// <summary>
    /// Server-side apply: creates when absent; otherwise merges the applied configuration into the live object
    /// (lists by their merge keys) and records the field manager in managedFields.
    /// </summary>
    async Task<IResult> ServerSideApply(HttpContext c, ApiPath p, string body, WriteOptions options)
    {
        JsonObject applied;
        try
        {
            applied = body.TrimStart().StartsWith('{') ? ParseObject(body) : YamlJson.ToJsonObject(body);
        }
        catch (BadBody) { throw; }
        catch (Exception e) { return StatusResult(ApiResult.BadRequest($"error decoding YAML: {e.Message}")); }
        var manager = Q(c, "fieldManager");
        if (string.IsNullOrEmpty(manager)) return StatusResult(ApiResult.BadRequest("PATCH requests of type application/apply-patch+yaml must have a fieldManager"));
        var g = Grain(p, p.Name!);
        for (var attempt = 0; ; attempt++)
        {
            var current = await g.Get();
            JsonObject result;
            if (!current.Ok)
            {
                if (current.Code != 404) return StatusResult(current, p.Kind, p.Name);
                result = (JsonObject)applied.DeepClone();
                if (p.Kind.Namespaced) ((JsonObject)(result["metadata"] ??= new JsonObject()))["namespace"] ??= p.Namespace ?? "default";
                ManagedFields.Apply(new JsonObject(), result, applied, p.Kind, manager, force: true);
                var created = await g.Create(result.ToJsonString(), options);
                return created.Ok ? Json(created.Json!, 201) : StatusResult(created, p.Kind, p.Name);
            }
            var live = JsonNode.Parse(current.Json!)!;
            try { result = (JsonObject)StrategicMergePatch.Apply(live, (JsonObject)applied.DeepClone(), p.Kind.Kind); }
            catch (PatchException e) { return StatusResult(new ApiResult(422, "Invalid", e.Message, null), p.Kind, p.Name); }
            var conflicts = ManagedFields.Apply((JsonObject)live, result, applied, p.Kind, manager, force: Q(c, "force") is "true");
            if (conflicts.Count > 0) return StatusResult(ManagedFields.ConflictResult(p.Kind, p.Name!, conflicts), p.Kind, p.Name);
            var json = result.ToJsonString();
            CheckFields(c, p.Kind, json);
            var r = await g.Update(json, options);
            if (r.Ok) return Json(r.Json!);
            if (r.Code == 409 && attempt < 5) continue;
            return StatusResult(r, p.Kind, p.Name);
        }
    }

    async Task<IResult> Delete(HttpContext c, ApiPath p)
    {
        var options = await DeleteOptionsFrom(c);
        var r = await Grain(p, p.Name!).Delete(options);
        return r.Ok ? Json(r.Json!) : StatusResult(r, p.Kind, p.Name);
    }

    async Task<DeleteOptions> DeleteOptionsFrom(HttpContext c)
    {
        string? policy = Q(c, "propagationPolicy");
        long? grace = long.TryParse(Q(c, "gracePeriodSeconds"), out var gs) ? gs : null;
        string? rv = null, uid = null;
        var dry = DryRun(c);
        if (c.Request.ContentLength is > 0 || c.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = await ReadBody(c);
            if (!string.IsNullOrWhiteSpace(body))
            {
                var o = ParseObject(body);
                policy = (string?)o["propagationPolicy"] ?? policy;
                if (o["orphanDependents"] is JsonValue od && od.GetValue<bool>()) policy ??= "Orphan";
                if (o["gracePeriodSeconds"] is JsonValue g) grace = g.GetValue<long>();
                rv = (string?)o["preconditions"]?["resourceVersion"];
                uid = (string?)o["preconditions"]?["uid"];
                if (o["dryRun"] is JsonArray d && d.Any(x => (string?)x == "All")) dry = true;
            }
        }
        if (policy is not (null or "Background" or "Foreground" or "Orphan"))
            throw new BadBody(ApiResult.Invalid(Kinds.Deployment, "", [new("FieldValueNotSupported", $"Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"", "propagationPolicy")]));
        return new DeleteOptions(policy, grace, rv, uid, dry);
    }

    async Task<IResult> DeleteCollection(HttpContext c, ApiPath p)
    {
        var options = await DeleteOptionsFrom(c);
        var (items, rv, _, _) = await ListItems(p, Q(c, "labelSelector"), Q(c, "fieldSelector"), 0, null);
        var deleted = new List<string>();
        foreach (var item in items)
        {
            var o = p.Kind.Deserialize(item);
            var r = await grains.For(new ObjectKey(p.Kind.Kind, o.Metadata.NamespaceProperty ?? "", o.Metadata.Name)).Delete(options);
            if (r.Ok) deleted.Add(r.Json!);
        }
        return Json(ListJson(p.Kind, deleted, rv.ToString(), null, null));
    }

    // ------------------------------------------------------------------ access reviews

    /// <summary>SelfSubjectReview (kubectl auth whoami): the user this request authenticated as.</summary>
    static IResult WhoAmI(HttpContext c)
    {
        var u = Cluster.Silo.Security.ApiAuthentication.User(c);
        var info = new JsonObject { ["username"] = u.Name, ["groups"] = new JsonArray(u.Groups.Select(g => (JsonNode)g).ToArray()) };
        if (u.Uid != null) info["uid"] = u.Uid;
        return Json(new JsonObject
        {
            ["kind"] = "SelfSubjectReview", ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["status"] = new JsonObject { ["userInfo"] = info },
        }.ToJsonString(), 201);
    }

    /// <summary>SelfSubjectAccessReview (kubectl auth can-i): may the requester do this? Decided by the same authorizer.</summary>
    async Task<IResult> AccessReview(HttpContext c)
    {
        var review = ParseObject(await ReadBody(c));
        var ra = review["spec"]?["resourceAttributes"] as JsonObject;
        var nra = review["spec"]?["nonResourceAttributes"] as JsonObject;
        if (ra == null && nra == null)
            return StatusResult(ApiResult.Invalid(Kinds.SelfSubjectAccessReview, "", [new("FieldValueRequired", "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified", "spec.resourceAttributes")]));
        string? S(JsonObject? o, string f) => o?[f] is JsonValue v && v.TryGetValue<string>(out var x) && x.Length > 0 ? x : null;
        var attrs = ra != null
            ? new Cluster.Grains.Security.RequestAttributes(S(ra, "verb") ?? "", S(ra, "group") ?? "", S(ra, "resource") ?? "", S(ra, "subresource"), S(ra, "namespace"), S(ra, "name"))
            : new Cluster.Grains.Security.RequestAttributes(S(nra, "verb") ?? "", "", "", null, null, null, S(nra, "path") ?? "/");
        var (allowed, reason) = await authorizer.AuthorizeAsync(Cluster.Silo.Security.ApiAuthentication.User(c), attrs);
        review["apiVersion"] = "authorization.k8s.io/v1";
        review["kind"] = "SelfSubjectAccessReview";
        review["metadata"] = new JsonObject { ["creationTimestamp"] = null };
        review["status"] = new JsonObject { ["allowed"] = allowed, ["reason"] = allowed ? reason : null };
        return Json(review.ToJsonString(), 201);
    }

    // ------------------------------------------------------------------ subresources

    async Task<IResult> Scale(HttpContext c, ApiPath p)
    {
        var g = Grain(p, p.Name!);
        var current = await g.Get();
        if (!current.Ok) return StatusResult(current, p.Kind, p.Name);
        var scale = ScaleOf(p.Kind, current.Json!);
        if (c.Request.Method == "GET") return Json(scale.ToJsonString());
        var body = await ReadBody(c);
        JsonNode desired;
        try
        {
            desired = c.Request.Method switch
            {
                "PUT" => ParseObject(body),
                "PATCH" when (c.Request.ContentType ?? "").StartsWith("application/json-patch+json") => JsonPatch.Apply(scale, (JsonArray)Objects.ParseJson(body)!),
                "PATCH" => JsonMergePatch.Apply(scale, Objects.ParseJson(body))!,
                _ => throw new BadBody(new ApiResult(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", null)),
            };
        }
        catch (Exception e) when (e is JsonException or PatchException or InvalidCastException) { return StatusResult(ApiResult.BadRequest(e.Message)); }
        if (desired["spec"]?["replicas"] is not JsonValue rep || !rep.TryGetValue<int>(out var replicas))
            return StatusResult(ApiResult.Invalid(p.Kind, p.Name!, [new("FieldValueRequired", "Required value", "spec.replicas")]), p.Kind, p.Name);
        if (DryRun(c)) { scale["spec"]!["replicas"] = replicas; return Json(scale.ToJsonString()); }
        var key = Key(p, p.Name!).GrainKey;
        var r = p.Kind.Kind switch
        {
            "Deployment" => await grains.GetGrain<IDeploymentGrain>(key).Scale(replicas),
            "StatefulSet" => await grains.GetGrain<IStatefulSetGrain>(key).Scale(replicas),
            _ => await grains.GetGrain<IReplicaSetGrain>(key).Scale(replicas),
        };
        return r.Ok ? Json(ScaleOf(p.Kind, r.Json!).ToJsonString()) : StatusResult(r, p.Kind, p.Name);
    }

    static JsonObject ScaleOf(KindInfo kind, string json)
    {
        var o = JsonNode.Parse(json)!;
        var selector = kind.Kind switch
        {
            "Deployment" => Cluster.Printing.K8sFormat.SelectorString(KubernetesJson.Deserialize<V1Deployment>(json).Spec.Selector),
            "StatefulSet" => Cluster.Printing.K8sFormat.SelectorString(KubernetesJson.Deserialize<V1StatefulSet>(json).Spec.Selector),
            _ => Cluster.Printing.K8sFormat.SelectorString(KubernetesJson.Deserialize<V1ReplicaSet>(json).Spec.Selector),
        };
        return new JsonObject
        {
            ["kind"] = "Scale", ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = o["metadata"]?["name"]?.DeepClone(), ["namespace"] = o["metadata"]?["namespace"]?.DeepClone(),
                ["uid"] = o["metadata"]?["uid"]?.DeepClone(), ["resourceVersion"] = o["metadata"]?["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = o["metadata"]?["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = o["spec"]?["replicas"]?.DeepClone() ?? 1 },
            ["status"] = new JsonObject { ["replicas"] = o["status"]?["replicas"]?.DeepClone() ?? 0, ["selector"] = selector },
        };
    }

    async Task<IResult> Logs(HttpContext c, ApiPath p)
    {
        var pod = await Grain(p, p.Name!).Get();
        if (!pod.Ok) return StatusResult(pod, p.Kind, p.Name);
        var podObj = Objects.FromJson<V1Pod>(pod.Json!);
        if (string.IsNullOrEmpty(podObj.Spec.NodeName))
            return StatusResult(ApiResult.BadRequest($"container \"{podObj.Spec.Containers[0].Name}\" in pod \"{p.Name}\" is waiting to start: ContainerCreating"));
        var node = grains.GetGrain<INodeGrain>(new ObjectKey("Node", "", podObj.Spec.NodeName).GrainKey);
        var container = Q(c, "container");
        var previous = Q(c, "previous") is "true";
        var timestamps = Q(c, "timestamps") is "true";
        int? tail = int.TryParse(Q(c, "tailLines"), out var t) ? t : null;
        DateTime? since = int.TryParse(Q(c, "sinceSeconds"), out var ss) ? DateTime.UtcNow.AddSeconds(-ss) : null;
        var key = Key(p, p.Name!);
        var first = await node.Logs(new LogRequest(key, container, previous, tail, since, timestamps));
        if (!first.Ok) return StatusResult(first, p.Kind, p.Name);
        if (Q(c, "follow") is not "true") return Results.Text(first.Json ?? "", "text/plain");

        // Follow: the first part, then what is new each second, until the client leaves or the pod goes.
        c.Response.ContentType = "text/plain";
        await c.Response.WriteAsync(first.Json ?? "", c.RequestAborted);
        await c.Response.Body.FlushAsync(c.RequestAborted);
        var mark = DateTime.UtcNow;
        try
        {
            while (!c.RequestAborted.IsCancellationRequested)
            {
                await Task.Delay(1000, c.RequestAborted);
                var r = await node.Logs(new LogRequest(key, container, false, null, mark.AddSeconds(-1), true));
                if (!r.Ok) break;
                foreach (var line in (r.Json ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var space = line.IndexOf(' ');
                    if (space <= 0 || !DateTime.TryParse(line[..space], null, System.Globalization.DateTimeStyles.AdjustToUniversal, out var at) || at <= mark) continue;
                    mark = at;
                    await c.Response.WriteAsync((timestamps ? line : line[(space + 1)..]) + "\n", c.RequestAborted);
                }
                await c.Response.Body.FlushAsync(c.RequestAborted);
            }
        }
        catch (OperationCanceledException) { }
        return Results.Empty;
    }

    async Task<IResult> Evict(HttpContext c, ApiPath p)
    {
        var body = await ReadBody(c);
        long? grace = null;
        if (!string.IsNullOrWhiteSpace(body) && ParseObject(body)["deleteOptions"]?["gracePeriodSeconds"] is JsonValue g) grace = g.GetValue<long>();
        var r = await grains.GetGrain<IPodGrain>(Key(p, p.Name!).GrainKey).Evict(grace, DryRun(c));
        if (!r.Ok) return StatusResult(r, p.Kind, p.Name);
        return Json(new ApiResult(201, null, null, null).ToStatusJson(), 201);
    }

    /// <summary>TokenRequest (kubectl create token): a token for the ServiceAccount, one hour unless asked otherwise.</summary>
    async Task<IResult> RequestToken(HttpContext c, ApiPath p)
    {
        var body = await ReadBody(c);
        var request = string.IsNullOrWhiteSpace(body) ? new JsonObject() : ParseObject(body);
        long seconds = request["spec"]?["expirationSeconds"] is JsonValue v && v.TryGetValue<long>(out var e) ? e : 3600;
        var r = await grains.GetGrain<IServiceAccountGrain>(Key(p, p.Name!).GrainKey).RequestToken(seconds);
        if (!r.Ok) return StatusResult(r, p.Kind, p.Name);
        var issued = JsonNode.Parse(r.Json!)!;
        var response = new JsonObject
        {
            ["kind"] = "TokenRequest", ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = p.Name, ["namespace"] = p.Namespace ?? "default", ["creationTimestamp"] = null },
            ["spec"] = new JsonObject { ["audiences"] = request["spec"]?["audiences"]?.DeepClone() ?? new JsonArray("https://kubernetes.default.svc.cluster.local"), ["expirationSeconds"] = seconds, ["boundObjectRef"] = null },
            ["status"] = new JsonObject { ["token"] = issued["token"]!.DeepClone(), ["expirationTimestamp"] = issued["expirationTimestamp"]!.DeepClone() },
        };
        return Json(response.ToJsonString(), 201);
    }

    async Task<IResult> Bind(HttpContext c, ApiPath p)
    {
        var o = ParseObject(await ReadBody(c));
        var target = (string?)o["target"]?["name"];
        if (string.IsNullOrEmpty(target)) return StatusResult(ApiResult.Invalid(p.Kind, p.Name!, [new("FieldValueRequired", "Required value", "target.name")]), p.Kind, p.Name);
        var r = await grains.GetGrain<IPodGrain>(Key(p, p.Name!).GrainKey).Bind(target);
        return r.Ok ? Json(new ApiResult(201, null, null, null).ToStatusJson(), 201) : StatusResult(r, p.Kind, p.Name);
    }
}
