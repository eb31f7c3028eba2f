using System.Globalization;
using Microsoft.Data.Sqlite;
using Orleans;
using Orleans.Runtime;

namespace Cluster.Silo.Storage;

/// <summary>
/// Orleans reminder table in the <c>reminders</c> table of a <see cref="SqliteDatabase"/>.
/// Rows hold the grain id as text (<see cref="GrainId.ToString"/>), its uniform hash, the reminder name,
/// the start time in UTC ticks, the period in ticks and an integer etag.
/// </summary>
public sealed class SqliteReminderTable : IReminderTable
{
    private const string Table = SqliteDatabase.RemindersTable;
    private const string Columns = "grain_id, reminder_name, start_at, period, etag";

    private readonly SqliteDatabase _database;

    /// <summary>Creates a reminder table over <paramref name="database"/>.</summary>
    public SqliteReminderTable(SqliteDatabase database)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask; // schema is created when the database opens

    /// <inheritdoc/>
    public Task Init() => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    /// <inheritdoc/>
    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken)
        => _database.RunAsync(connection =>
        {
            using var command = SqliteDatabase.Command(connection,
                $"SELECT {Columns} FROM {Table} WHERE grain_id = $grain ORDER BY reminder_name",
                ("$grain", grainId.ToString()));
            return new ReminderTableData(ReadEntries(command));
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <summary>
    /// Rows whose <see cref="GrainId.GetUniformHashCode"/> is in the ring range (begin, end]: when begin &lt; end,
    /// hash &gt; begin and hash &lt;= end; otherwise (the range wraps, or is the full ring when begin == end)
    /// hash &gt; begin or hash &lt;= end. The same semantics as Orleans' in-memory and ADO.NET tables.
    /// </summary>
    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
        => _database.RunAsync(connection =>
        {
            var condition = begin < end
                ? "grain_hash > $begin AND grain_hash <= $end"
                : "(grain_hash > $begin OR grain_hash <= $end)";
            using var command = SqliteDatabase.Command(connection,
                $"SELECT {Columns} FROM {Table} WHERE {condition}",
                ("$begin", (long)begin), ("$end", (long)end));
            return new ReminderTableData(ReadEntries(command));
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    /// <inheritdoc/>
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
        => _database.RunAsync<ReminderEntry?>(connection =>
        {
            using var command = SqliteDatabase.Command(connection,
                $"SELECT {Columns} FROM {Table} WHERE grain_id = $grain AND reminder_name = $name",
                ("$grain", grainId.ToString()), ("$name", reminderName));
            var entries = ReadEntries(command);
            return entries.Count == 0 ? null : entries[0]; // null when absent, as the other Orleans tables do
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <inheritdoc/>
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.ReminderName);
        var grainId = entry.GrainId.ToString();
        var hash = (long)entry.GrainId.GetUniformHashCode();
        var startAt = ToUtc(entry.StartAt).Ticks;
        var period = entry.Period.Ticks;

        var etag = await _database.RunAsync(connection =>
        {
            var previous = 0L;
            using (var read = SqliteDatabase.Command(connection,
                $"SELECT etag FROM {Table} WHERE grain_id = $grain AND reminder_name = $name",
                ("$grain", grainId), ("$name", entry.ReminderName)))
            {
                if (read.ExecuteScalar() is long stored) previous = stored;
            }

            var next = _database.NextEtag(previous);
            using var upsert = SqliteDatabase.Command(connection,
                $"""
                INSERT INTO {Table} (grain_id, reminder_name, grain_hash, start_at, period, etag)
                VALUES ($grain, $name, $hash, $start, $period, $etag)
                ON CONFLICT (grain_id, reminder_name) DO UPDATE SET
                    grain_hash = excluded.grain_hash, start_at = excluded.start_at,
                    period = excluded.period, etag = excluded.etag
                """,
                ("$grain", grainId), ("$name", entry.ReminderName), ("$hash", hash),
                ("$start", startAt), ("$period", period), ("$etag", next));
            upsert.ExecuteNonQuery();
            return next;
        }, cancellationToken).ConfigureAwait(false);

        var text = etag.ToString(CultureInfo.InvariantCulture);
        entry.ETag = text;
        return text;
    }

    /// <inheritdoc/>
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <inheritdoc/>
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        if (!long.TryParse(eTag, NumberStyles.Integer, CultureInfo.InvariantCulture, out var expected))
            return Task.FromResult(false);
        return _database.RunAsync(connection =>
        {
            using var command = SqliteDatabase.Command(connection,
                $"DELETE FROM {Table} WHERE grain_id = $grain AND reminder_name = $name AND etag = $etag",
                ("$grain", grainId.ToString()), ("$name", reminderName), ("$etag", expected));
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <inheritdoc/>
    public Task TestOnlyClearTable(CancellationToken cancellationToken)
        => _database.RunAsync(connection =>
        {
            using var command = SqliteDatabase.Command(connection, $"DELETE FROM {Table}");
            command.ExecuteNonQuery();
        }, cancellationToken);

    private static List<ReminderEntry> ReadEntries(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var entries = new List<ReminderEntry>();
        while (reader.Read())
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                Period = TimeSpan.FromTicks(reader.GetInt64(3)),
                ETag = reader.GetInt64(4).ToString(CultureInfo.InvariantCulture),
            });
        }
        return entries;
    }

    private static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };
}
