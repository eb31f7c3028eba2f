using System.Net;
using Cluster.Silo.Api.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cluster.Tests.Integration.Support;

/// <summary>
/// An OTLP/HTTP (protobuf) collector in the test process: silos export to it through the standard OTEL_* variables,
/// and it keeps what arrives in memory (spans with their trace id, name and silo; metric names; log trace ids).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public sealed record Span(string TraceId, string SpanId, string ParentSpanId, string Name, string Service, string Instance);

    readonly List<Span> _spans = [];
    readonly HashSet<string> _metrics = [];
    readonly List<string> _logTraceIds = [];
    WebApplication? _app;
    public int Port { get; } = SiloProcess.FreePort();
    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<Span> Spans { get { lock (_spans) return _spans.ToList(); } }
    public IReadOnlyCollection<string> MetricNames { get { lock (_metrics) return _metrics.ToList(); } }
    public IReadOnlyList<string> LogTraceIds { get { lock (_logTraceIds) return _logTraceIds.ToList(); } }

    /// <summary>The variables that point a silo's exporters here, exporting every 200 ms.</summary>
    public IReadOnlyDictionary<string, string> Variables => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
    };

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, Port));
        _app = builder.Build();
        _app.MapPost("/v1/traces", async (HttpContext c) => { Traces(await Body(c)); return Results.Ok(); });
        _app.MapPost("/v1/metrics", async (HttpContext c) => { Metrics(await Body(c)); return Results.Ok(); });
        _app.MapPost("/v1/logs", async (HttpContext c) => { Logs(await Body(c)); return Results.Ok(); });
        await _app.StartAsync();
    }

    static async Task<byte[]> Body(HttpContext c)
    {
        using var ms = new MemoryStream();
        await c.Request.Body.CopyToAsync(ms);
        return ms.ToArray();
    }

    // ExportTraceServiceRequest: resource_spans=1 { resource=1 { attributes=1 }, scope_spans=2 { spans=2 } }
    // Span: trace_id=1, span_id=2, parent_span_id=4, name=5.
    void Traces(byte[] body)
    {
        foreach (var rs in Fields(body, 1))
        {
            var (service, instance) = Resource(rs);
            foreach (var ss in Fields(rs, 2))
                foreach (var sp in Fields(ss, 2))
                {
                    var s = new Span(Hex(Field(sp, 1)), Hex(Field(sp, 2)), Hex(Field(sp, 4)), Text(Field(sp, 5)), service, instance);
                    lock (_spans) _spans.Add(s);
                }
        }
    }

    // ExportMetricsServiceRequest: resource_metrics=1 { scope_metrics=2 { metrics=2 { name=1 } } }
    void Metrics(byte[] body)
    {
        foreach (var rm in Fields(body, 1))
            foreach (var sm in Fields(rm, 2))
                foreach (var m in Fields(sm, 2))
                    lock (_metrics) _metrics.Add(Text(Field(m, 1)));
    }

    // ExportLogsServiceRequest: resource_logs=1 { scope_logs=2 { log_records=2 { trace_id=9 } } }
    void Logs(byte[] body)
    {
        foreach (var rl in Fields(body, 1))
            foreach (var sl in Fields(rl, 2))
                foreach (var lr in Fields(sl, 2))
                    if (Field(lr, 9) is { Length: > 0 } t) lock (_logTraceIds) _logTraceIds.Add(Hex(t));
    }

    static (string Service, string Instance) Resource(byte[] resourceSpans)
    {
        string service = "", instance = "";
        foreach (var resource in Fields(resourceSpans, 1))
            foreach (var kv in Fields(resource, 1))
            {
                var key = Text(Field(kv, 1));
                var value = Text(Field(Field(kv, 2), 1));
                if (key == "service.name") service = value;
                if (key == "service.instance.id") instance = value;
            }
        return (service, instance);
    }

    /// <summary>Every length-delimited occurrence of a field in a message.</summary>
    static List<byte[]> Fields(byte[] message, int number)
    {
        var result = new List<byte[]>();
        var r = new ProtoWireReader(message, "otlp");
        while (r.TryReadTag(out var field, out var wire))
        {
            if (field == number && wire == 2) result.Add(r.ReadLengthDelimited().ToArray());
            else r.Skip(field, wire);
        }
        return result;
    }

    static byte[] Field(byte[] message, int number) => Fields(message, number).FirstOrDefault() ?? [];
    static string Text(byte[] b) => System.Text.Encoding.UTF8.GetString(b);
    static string Hex(byte[] b) => Convert.ToHexString(b).ToLowerInvariant();

    public async ValueTask DisposeAsync()
    {
        if (_app != null) { await _app.StopAsync(); await _app.DisposeAsync(); }
    }
}
