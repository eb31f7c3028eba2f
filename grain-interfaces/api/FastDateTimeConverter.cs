using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;

namespace Cluster.Interfaces.Api;

/// <summary>
/// Kubernetes timestamps in JSON as KubernetesClient reads and writes them (RFC 3339 in UTC: whole seconds as
/// "2026-12-07T18:00:00Z", else six fractional digits; up to nine read, seven kept), without its format strings: its
/// converter parsed each timestamp by trying several exact formats and wrote each through a custom format, 2% of a
/// silo's CPU while it wrote pods' statuses. Anything else (an offset, an escaped string) goes to the library's own.
/// </summary>
public sealed class FastDateTimeConverter(JsonConverter<DateTime> fallback) : JsonConverter<DateTime>
{
    /// <summary>The library's converter, for everything this one does not parse itself.</summary>
    public JsonConverter<DateTime> Fallback { get; } = fallback;

    /// <summary>The converter the library's options use, or null when they were in use before this assembly loaded.</summary>
    public static FastDateTimeConverter? Installed { get; private set; }

    /// <summary>Puts this converter in front of KubernetesClient's, once, before the library's options are first used.</summary>
    [ModuleInitializer]
    internal static void Install()
    {
        try
        {
            KubernetesJson.AddJsonOptions(o =>
            {
                if (o.Converters.OfType<FastDateTimeConverter>().Any()) return;
                var library = o.Converters.OfType<JsonConverter<DateTime>>().FirstOrDefault();
                if (library == null) return;
                Installed = new FastDateTimeConverter(library);
                o.Converters.Insert(0, Installed);
            });
        }
        catch (InvalidOperationException) { } // already in use: the library's converter stays (slower, same results)
    }

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.HasValueSequence && !reader.ValueIsEscaped && TryParse(reader.ValueSpan, out var value))
            return value;
        return Fallback.Read(ref reader, typeToConvert, options);
    }

    /// <summary>"yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z", as UTC; false for anything else (the fallback decides).</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out DateTime value)
    {
        value = default;
        if (s.Length < 20 || s[^1] != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s[..4], out var year) || !Digits(s.Slice(5, 2), out var month) || !Digits(s.Slice(8, 2), out var day)
            || !Digits(s.Slice(11, 2), out var hour) || !Digits(s.Slice(14, 2), out var minute) || !Digits(s.Slice(17, 2), out var second))
            return false;
        long ticks = 0;
        if (s.Length > 20)
        {
            var fraction = s[19..^1];
            if (fraction[0] != '.' || fraction.Length < 2 || fraction.Length > 10 || !Digits(fraction[1..], out _)) return false;
            // Seven digits are a tick; more are cut, fewer padded.
            for (var i = 1; i <= 7; i++) ticks = ticks * 10 + (i < fraction.Length ? fraction[i] - '0' : 0);
        }
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || hour > 23 || minute > 59 || second > 59 || year < 1)
            return false;
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
        return true;
    }

    static bool Digits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (var b in s)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (b - '0'); // at most nine digits: no overflow
        }
        return true;
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        // As the library: the value taken as a DateTimeOffset (unspecified is local), in UTC, microseconds cut.
        var utc = ((DateTimeOffset)value).UtcDateTime;
        Span<byte> b = stackalloc byte[27];
        Two(b, 0, utc.Year / 100); Two(b, 2, utc.Year % 100);
        b[4] = (byte)'-'; Two(b, 5, utc.Month); b[7] = (byte)'-'; Two(b, 8, utc.Day);
        b[10] = (byte)'T'; Two(b, 11, utc.Hour); b[13] = (byte)':'; Two(b, 14, utc.Minute); b[16] = (byte)':'; Two(b, 17, utc.Second);
        var ticks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (ticks == 0) { b[19] = (byte)'Z'; writer.WriteStringValue(b[..20]); return; }
        b[19] = (byte)'.';
        var micros = (int)(ticks / 10);
        for (var i = 25; i >= 20; i--) { b[i] = (byte)('0' + micros % 10); micros /= 10; }
        b[26] = (byte)'Z';
        writer.WriteStringValue(b);
    }

    static void Two(Span<byte> b, int at, int v) { b[at] = (byte)('0' + v / 10); b[at + 1] = (byte)('0' + v % 10); }
}
