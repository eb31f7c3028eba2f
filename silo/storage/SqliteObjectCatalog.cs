using System.Text.Json;
using Cluster.Interfaces.Store;

namespace Cluster.Silo.Storage;

/// <summary>
/// Reads stored objects straight from the <c>grain_state</c> table that <see cref="SqliteGrainStorage"/> writes:
/// rows of state "object" whose key is "Kind/namespace/name", holding the object's JSON (raw rows) or, in rows
/// written before that, a serialized <see cref="ObjectRecord"/>.
/// </summary>
public sealed class SqliteObjectCatalog : IObjectCatalog
{
    /// <summary>The state name under which object grains keep their <see cref="ObjectRecord"/>.</summary>
    public const string ObjectStateName = "object";

    private const string Table = SqliteDatabase.GrainStateTable;

    private readonly SqliteDatabase _database;
    private readonly JsonSerializerOptions _json;

    /// <summary>Creates a catalog over <paramref name="database"/>.</summary>
    /// <param name="database">The silo's database.</param>
    /// <param name="jsonOptions">Serializer options matching those of the grain storage; default: System.Text.Json defaults.</param>
    public SqliteObjectCatalog(SqliteDatabase database, JsonSerializerOptions? jsonOptions = null)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _json = jsonOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.General) { IncludeFields = false };
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ScanAsync(string kind, string ns, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(ns);
        var rows = await _database.RunAsync(connection =>
        {
            using var command = SqliteDatabase.Command(connection,
                $"SELECT data, raw FROM {Table} WHERE kind = $kind AND ns = $ns AND state_name = $state AND data IS NOT NULL ORDER BY grain_key",
                ("$kind", kind), ("$ns", ns), ("$state", ObjectStateName));
            using var reader = command.ExecuteReader();
            var data = new List<(string Data, bool Raw)>();
            while (reader.Read()) data.Add((reader.GetString(0), reader.GetInt64(1) == 1));
            return data;
        }, ct).ConfigureAwait(false);

        var result = new List<string>(rows.Count);
        foreach (var (data, raw) in rows)
        {
            ct.ThrowIfCancellationRequested();
            if (raw) { result.Add(data); continue; }
            ObjectRecord? record;
            try
            {
                record = JsonSerializer.Deserialize<ObjectRecord>(data, _json);
            }
            catch (JsonException)
            {
                continue; // not an ObjectRecord: skip rather than fail the whole scan
            }
            if (record?.Json is { } json) result.Add(json);
        }
        return result;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> NamespacesAsync(string kind, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return _database.RunAsync<IReadOnlyList<string>>(connection =>
        {
            // A namespace counts when it holds at least one object row whose ObjectRecord.Json is not null.
            using var command = SqliteDatabase.Command(connection,
                $"""
                SELECT DISTINCT ns FROM {Table}
                WHERE kind = $kind AND ns IS NOT NULL AND state_name = $state
                  AND ((raw = 1 AND data IS NOT NULL) OR (raw = 0 AND json_valid(data) AND json_type(data, '$.Json') = 'text'))
                ORDER BY ns
                """,
                ("$kind", kind), ("$state", ObjectStateName));
            using var reader = command.ExecuteReader();
            var namespaces = new List<string>();
            while (reader.Read()) namespaces.Add(reader.GetString(0));
            return namespaces;
        }, ct);
    }
}
