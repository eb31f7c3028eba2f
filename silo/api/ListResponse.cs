using System.Text;
using Cluster.Interfaces.Api;

namespace Cluster.Silo.Api;

/// <summary>
/// A list written straight to the response as UTF-8, item by item: the items are the stored JSON of each object, so
/// nothing is parsed or built in memory. (Assembled as one string, 150,000 pods were a 750 MB string, a copy of it,
/// and its 375 MB encoding, per request.)
/// </summary>
sealed class ListResponse(KindInfo kind, IReadOnlyList<string> items, string resourceVersion, string? cont, long? remaining) : IResult
{
    const int FlushEvery = 256 * 1024;

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var head = new StringBuilder();
        head.Append("{\"kind\":\"").Append(kind.Kind).Append("List\",\"apiVersion\":\"").Append(kind.ApiVersion)
            .Append("\",\"metadata\":{\"resourceVersion\":\"").Append(resourceVersion).Append('"');
        if (cont != null) head.Append(",\"continue\":\"").Append(cont).Append('"');
        if (remaining != null) head.Append(",\"remainingItemCount\":").Append(remaining);
        head.Append("},\"items\":[");
        var writer = context.Response.BodyWriter;
        var ct = context.RequestAborted;
        var pending = Write(writer, head.ToString());
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) pending += Write(writer, ",");
            pending += Write(writer, items[i]);
            if (pending >= FlushEvery)
            {
                var r = await writer.FlushAsync(ct);
                if (r.IsCanceled || r.IsCompleted) return;
                pending = 0;
            }
        }
        Write(writer, "]}");
        await writer.FlushAsync(ct);
    }

    static int Write(System.IO.Pipelines.PipeWriter writer, string s)
    {
        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length));
        var n = Encoding.UTF8.GetBytes(s, span);
        writer.Advance(n);
        return n;
    }
}
