using Cronos;

namespace Cluster.Grains.Controllers.CronJobs;

/// <summary>A CronJob's schedule: the five-field cron format and the @hourly-style macros (Cronos), in a time zone.</summary>
public static class CronSchedule
{
    public static string? ParseError(string schedule, string? timeZone)
    {
        if (schedule.Contains("TZ=", StringComparison.Ordinal))
            return "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
        try { CronExpression.Parse(schedule.Trim()); return null; }
        catch (CronFormatException e) { return e.Message; }
    }

    public static CronExpression Parse(string schedule) => CronExpression.Parse(schedule.Trim());

    /// <summary>The zone by IANA name, or null when the machine does not know it; UTC without one (as Kubernetes, whose
    /// controller manager runs in UTC here).</summary>
    public static TimeZoneInfo? Zone(string? id)
    {
        if (string.IsNullOrEmpty(id)) return TimeZoneInfo.Utc;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { return null; }
    }
}
