namespace Cluster.Printing;

/// <summary>
/// Human readable durations exactly as kubectl prints them
/// (port of k8s.io/apimachinery/pkg/util/duration).
/// </summary>
public static class Age
{
    /// <summary>The text kubectl prints for a missing (zero) timestamp.</summary>
    public const string Unknown = "<unknown>";

    /// <summary>
    /// kubectl's <c>duration.HumanDuration</c>: ~2-3 significant figures
    /// ("45s", "2m30s", "12m", "5h3m", "20h", "3d4h", "30d", "2y100d", "9y").
    /// </summary>
    public static string HumanDuration(TimeSpan d)
    {
        // Go: int(d.Seconds()) truncates toward zero.
        long seconds = d.Ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }

        long minutes = d.Ticks / TimeSpan.TicksPerMinute;
        if (minutes < 10)
        {
            long s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }
        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }

        long hours = d.Ticks / TimeSpan.TicksPerHour;
        if (hours < 8)
        {
            long m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }
        if (hours < 48)
        {
            return $"{hours}h";
        }
        if (hours < 24 * 8)
        {
            long h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }
        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }
        if (hours < 24 * 365 * 8)
        {
            long dy = (hours / 24) % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }
        return $"{hours / 24 / 365}y";
    }

    /// <summary>
    /// kubectl's <c>ShortHumanDuration</c> (one unit only: "5s", "3m", "4h", "2d", "1y").
    /// </summary>
    public static string ShortHumanDuration(TimeSpan d)
    {
        long seconds = d.Ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60)
        {
            return $"{seconds}s";
        }
        long minutes = d.Ticks / TimeSpan.TicksPerMinute;
        if (minutes < 60)
        {
            return $"{minutes}m";
        }
        long hours = d.Ticks / TimeSpan.TicksPerHour;
        if (hours < 24)
        {
            return $"{hours}h";
        }
        if (hours < 24 * 365)
        {
            return $"{hours / 24}d";
        }
        return $"{hours / 24 / 365}y";
    }

    /// <summary>
    /// kubectl's <c>translateTimestampSince</c>: the age of <paramref name="timestamp"/> at
    /// <paramref name="nowUtc"/>, or "&lt;unknown&gt;" when the timestamp is missing.
    /// </summary>
    public static string Since(DateTime? timestamp, DateTime nowUtc)
    {
        if (IsZero(timestamp))
        {
            return Unknown;
        }
        return HumanDuration(ToUtc(nowUtc) - ToUtc(timestamp!.Value));
    }

    /// <summary>True for a missing timestamp (Go's <c>metav1.Time.IsZero()</c>).</summary>
    public static bool IsZero(DateTime? timestamp) =>
        timestamp is null || timestamp.Value == DateTime.MinValue || timestamp.Value.Ticks == 0;

    /// <summary>Normalizes a model timestamp to UTC (Unspecified is taken as UTC, as the API always speaks UTC).</summary>
    public static DateTime ToUtc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => t,
        DateTimeKind.Local => t.ToUniversalTime(),
        _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
    };
}
