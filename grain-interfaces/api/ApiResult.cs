using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Interfaces.Api;

/// <summary>
/// The answer to every write and read: either an object (as Kubernetes JSON) or a failure carrying what a
/// Kubernetes Status carries (HTTP code, reason, message, field causes). Returned, not thrown, so that the SDK,
/// the CLI and the HTTP API all see the same words.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ApiResult(int Code, string? Reason, string? Message, string? Json, IReadOnlyList<StatusCause>? Causes = null)
{
    public bool Ok => Code is >= 200 and < 300;

    /// <summary>W3C traceparent of the write that produced this object, when it was traced (node agents continue it).</summary>
    [Id(5)] public string? TraceParent { get; init; }

    /// <summary>The resourceVersion a write gave the object (0 when not a write, or nothing changed): a node agent keeps
    /// the pod its report wrote without reading its JSON for it.</summary>
    [Id(6)] public long ResourceVersion { get; init; }

    public static ApiResult Success(string json, int code = 200) => new(code, null, null, json);
    public static ApiResult NotFound(KindInfo kind, string name) =>
        new(404, "NotFound", $"{kind.Resource} \"{name}\" not found", null);
    public static ApiResult AlreadyExists(KindInfo kind, string name) =>
        new(409, "AlreadyExists", $"{kind.Resource} \"{name}\" already exists", null);
    public static ApiResult Conflict(KindInfo kind, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {kind.Resource} \"{name}\": {why}", null);
    public static ApiResult BadRequest(string message) => new(400, "BadRequest", message, null);
    public static ApiResult Invalid(KindInfo kind, string name, IReadOnlyList<StatusCause> causes) =>
        new(422, "Invalid",
            $"{kind.Kind} \"{name}\" is invalid: " + string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}")),
            null, causes);
    public static ApiResult Unavailable(string message) => new(503, "ServiceUnavailable", message, null);

    /// <summary>The Kubernetes Status object for a failure.</summary>
    public string ToStatusJson(KindInfo? kind = null, string? name = null)
    {
        var o = new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(),
            ["status"] = Ok ? "Success" : "Failure", ["message"] = Message, ["reason"] = Reason, ["code"] = Code,
        };
        if (kind != null || Causes != null)
        {
            var details = new JsonObject();
            if (name != null) details["name"] = name;
            // Kubernetes names the resource (plural) in most Status details, but the Kind for Invalid.
            if (kind != null) { details["group"] = kind.Group; details["kind"] = Reason == "Invalid" ? kind.Kind : kind.Plural; }
            if (Causes is { Count: > 0 })
                details["causes"] = new JsonArray(Causes.Select(c => (JsonNode)new JsonObject
                    { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field }).ToArray());
            o["details"] = details;
        }
        return o.ToJsonString();
    }
}

[GenerateSerializer, Immutable]
public sealed record StatusCause(string Reason, string Message, string Field);

/// <summary>Raised by the SDK when the server answered with a failure.</summary>
public sealed class ClusterApiException(ApiResult result) : Exception(result.Message)
{
    public ApiResult Result { get; } = result;
    public int Code => Result.Code;
    public string? Reason => Result.Reason;
}
