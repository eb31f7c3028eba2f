using System.Text.Json.Nodes;
using Cluster.Silo.Hosting;

namespace Cluster.Silo.Api;

/// <summary>
/// The audit log: one line per mutating API request (who, what, when, result) in Kubernetes' audit.k8s.io/v1 Event
/// format at level Metadata, in DATA/audit/audit.log, rotated at 10 MiB keeping 5 old files. The user is the one the
/// request authenticated as (system:anonymous when it did not, system:admin in the insecure local mode).
/// </summary>
public sealed class AuditLog(SiloSettings settings, ILogger<AuditLog> logger)
{
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;
    public const int Keep = 5;
    readonly object _gate = new();
    public string Path { get; } = System.IO.Path.Combine(settings.ResolvedDataDir, "audit", "audit.log");

    public static bool Audited(HttpRequest r) => r.Method is "POST" or "PUT" or "PATCH" or "DELETE"
        && (r.Path.StartsWithSegments("/api") || r.Path.StartsWithSegments("/apis"));

    public void Record(HttpContext c, DateTime received)
    {
        var r = c.Request;
        var segments = (r.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var core = segments.FirstOrDefault() == "api";
        var path = segments.Length > 1 ? ApiPath.Parse(segments[1..], core) : null;
        var verb = r.Method switch { "POST" => "create", "PUT" => "update", "PATCH" => "patch", _ => path?.Name == null ? "deletecollection" : "delete" };
        var e = new JsonObject
        {
            ["kind"] = "Event", ["apiVersion"] = "audit.k8s.io/v1", ["level"] = "Metadata",
            ["auditID"] = Guid.NewGuid().ToString(), ["stage"] = "ResponseComplete",
            ["requestURI"] = r.Path.Value + r.QueryString.Value, ["verb"] = verb,
            ["user"] = new JsonObject
            {
                ["username"] = Security.ApiAuthentication.User(c).Name,
                ["groups"] = new JsonArray(Security.ApiAuthentication.User(c).Groups.Select(g => (JsonNode)g).ToArray()),
            },
            ["sourceIPs"] = new JsonArray(c.Connection.RemoteIpAddress?.ToString() ?? ""),
            ["userAgent"] = r.Headers.UserAgent.ToString(),
            ["objectRef"] = path == null ? null : new JsonObject
            {
                ["resource"] = path.Kind.Plural, ["namespace"] = path.Namespace, ["name"] = path.Name,
                ["apiGroup"] = path.Kind.Group.Length == 0 ? null : path.Kind.Group, ["apiVersion"] = path.Kind.Version, ["subresource"] = path.Subresource,
            },
            ["responseStatus"] = new JsonObject { ["code"] = c.Response.StatusCode },
            ["requestReceivedTimestamp"] = received.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
            ["stageTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
        };
        var line = e.ToJsonString() + "\n";
        try
        {
            lock (_gate)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                if (File.Exists(Path) && new FileInfo(Path).Length + line.Length > MaxBytes) Rotate();
                File.AppendAllText(Path, line);
            }
        }
        catch (IOException ex) { logger.LogWarning("writing the audit log failed: {Message}", ex.Message); }
    }

    void Rotate()
    {
        var oldest = $"{Path}.{Keep}";
        if (File.Exists(oldest)) File.Delete(oldest);
        for (var i = Keep - 1; i >= 1; i--)
            if (File.Exists($"{Path}.{i}")) File.Move($"{Path}.{i}", $"{Path}.{i + 1}");
        File.Move(Path, $"{Path}.1");
    }
}
