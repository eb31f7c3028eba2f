using System.Globalization;
using System.Text.Json;
using Cluster.Interfaces.Store;
using Microsoft.Data.Sqlite;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Cluster.Silo.Storage;

/// <summary>
/// Orleans grain storage in the <c>grain_state</c> table of a <see cref="SqliteDatabase"/>. An object grain's record
/// is stored as the object's JSON itself (column raw = 1); other state as System.Text.Json text. Etags are integers,
/// compared on every write and clear like the other Orleans providers. Writes are group-committed.
/// </summary>
/// <remarks>
/// Keys of object grains look like "Kind/namespace/name" (namespace may be empty); for a key of exactly three
/// '/'-separated parts the kind and namespace are also stored in their own columns, which
/// <see cref="SqliteObjectCatalog"/> queries.
/// </remarks>
public sealed class SqliteGrainStorage : IGrainStorage
{
    private static readonly JsonSerializerOptions DefaultJsonOptions = new(JsonSerializerDefaults.General) { IncludeFields = false };

    private const string Table = SqliteDatabase.GrainStateTable;

    private readonly SqliteDatabase _database;
    private readonly JsonSerializerOptions _json;

    /// <summary>Creates a storage provider over <paramref name="database"/>.</summary>
    /// <param name="database">The silo's database.</param>
    /// <param name="jsonOptions">Serializer options; default: System.Text.Json defaults with IncludeFields=false.</param>
    public SqliteGrainStorage(SqliteDatabase database, JsonSerializerOptions? jsonOptions = null)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _json = jsonOptions ?? DefaultJsonOptions;
    }

    /// <inheritdoc/>
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var (type, key) = Keys(grainId);
        var row = await _database.RunAsync(connection =>
        {
            var command = _database.Prepared(
                $"SELECT etag, data, raw FROM {Table} WHERE grain_type = $type AND grain_key = $key AND state_name = $name",
                ("$type", type), ("$key", key), ("$name", stateName));
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return ((long Etag, string? Data, bool Raw)?)null;
            return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2) == 1);
        }, cancellationToken).ConfigureAwait(false);

        if (row is not { } found)
        {
            grainState.State = NewState<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        T? state;
        try
        {
            state = found.Raw ? RawRecord<T>(found.Data) : found.Data is null ? default : JsonSerializer.Deserialize<T>(found.Data, _json);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException(
                $"Stored state '{stateName}' of grain {grainId} is not valid JSON for {typeof(T)}: {ex.Message}", ex);
        }

        grainState.State = state ?? NewState<T>();
        grainState.ETag = FormatEtag(found.Etag);
        grainState.RecordExists = true;
    }

    /// <inheritdoc/>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var (type, key) = Keys(grainId);
        var (kind, ns) = KindAndNamespace(key);
        // An object record is stored as the object's JSON itself (raw): no second serialization around it.
        var raw = grainState.State is ObjectRecord;
        var data = grainState.State is ObjectRecord record ? record.Json : JsonSerializer.Serialize(grainState.State, _json);
        var expected = grainState.ETag;

        var newEtag = await _database.WriteAsync(connection =>
        {
            if (expected is null)
            {
                var etag = _database.NextEtag();
                var insert = _database.Prepared(
                    $"""
                    INSERT INTO {Table} (grain_type, grain_key, state_name, etag, data, kind, ns, raw)
                    VALUES ($type, $key, $name, $etag, $data, $kind, $ns, $raw)
                    ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
                    """,
                    ("$type", type), ("$key", key), ("$name", stateName), ("$etag", etag), ("$data", data), ("$kind", kind), ("$ns", ns), ("$raw", raw ? 1 : 0));
                if (insert.ExecuteNonQuery() == 1) return etag;
            }
            else if (TryParseEtag(expected, out var previous))
            {
                var etag = _database.NextEtag(previous);
                // kind and ns follow from the key, so the insert set them for good: an update naming them would rewrite
                // their index entry on every write.
                var update = _database.Prepared(
                    $"""
                    UPDATE {Table} SET etag = $etag, data = $data, raw = $raw
                    WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND etag = $expected
                    """,
                    ("$type", type), ("$key", key), ("$name", stateName), ("$etag", etag), ("$data", data), ("$raw", raw ? 1 : 0), ("$expected", previous));
                if (update.ExecuteNonQuery() == 1) return etag;
            }

            throw Conflict("write", stateName, grainId, StoredEtag(type, key, stateName), expected);
        }).ConfigureAwait(false);

        grainState.ETag = FormatEtag(newEtag);
        grainState.RecordExists = true;
    }

    /// <inheritdoc/>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var (type, key) = Keys(grainId);
        var expected = grainState.ETag;

        await _database.WriteAsync(connection =>
        {
            var stored = StoredEtag(type, key, stateName);
            if (stored is null && expected is null) return true; // nothing stored, nothing expected
            if (stored is null || expected is null || !TryParseEtag(expected, out var previous) || previous != stored.Value)
                throw Conflict("clear", stateName, grainId, stored, expected);

            var delete = _database.Prepared(
                $"DELETE FROM {Table} WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND etag = $expected",
                ("$type", type), ("$key", key), ("$name", stateName), ("$expected", previous));
            delete.ExecuteNonQuery();
            return true;
        }).ConfigureAwait(false);

        grainState.State = NewState<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>
    /// The kind and namespace columns for a grain key: parts 0 and 1 when the key has exactly three
    /// '/'-separated parts ("Kind/namespace/name", namespace possibly empty), otherwise (null, null).
    /// </summary>
    public static (string? Kind, string? Namespace) KindAndNamespace(string grainKey)
    {
        var parts = grainKey.Split('/');
        return parts.Length == 3 ? (parts[0], parts[1]) : (null, null);
    }

    private static (string Type, string Key) Keys(GrainId grainId) => (grainId.Type.ToString()!, grainId.Key.ToString()!);

    private long? StoredEtag(string type, string key, string stateName)
    {
        var command = _database.Prepared(
            $"SELECT etag FROM {Table} WHERE grain_type = $type AND grain_key = $key AND state_name = $name",
            ("$type", type), ("$key", key), ("$name", stateName));
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>An object record read back from its raw row (the object's JSON, or null).</summary>
    private static T RawRecord<T>(string? data) =>
        new ObjectRecord { Json = data } is T record ? record
            : throw new InvalidOperationException($"a raw row holds an object record, not {typeof(T)}");

    private static InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, long? stored, string? expected)
    {
        var storedText = stored is { } s ? FormatEtag(s) : null;
        return new InconsistentStateException(
            $"ETag mismatch on {operation} of state '{stateName}' of grain {grainId}: stored etag '{storedText ?? "<none>"}', " +
            $"grain's etag '{expected ?? "<none>"}'.",
            storedText!, expected!);
    }

    private static string FormatEtag(long etag) => etag.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseEtag(string etag, out long value)
        => long.TryParse(etag, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static T NewState<T>()
    {
        var type = typeof(T);
        if (type.IsValueType || type.GetConstructor(Type.EmptyTypes) is not null)
            return Activator.CreateInstance<T>();
        return default!;
    }
}
