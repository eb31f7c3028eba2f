using Microsoft.Data.Sqlite;

namespace Cluster.Silo.Storage;

/// <summary>
/// One SQLite database file shared by the grain storage, the object catalog and the reminder table of a silo.
/// </summary>
/// <remarks>
/// The file is opened in WAL journal mode with <c>synchronous=NORMAL</c>: a transaction is in the WAL file once
/// its statement returns, so it survives the process being killed (it may not survive an OS crash or power loss).
/// One connection serves every caller; a <see cref="SemaphoreSlim"/> makes sure only one uses it at a time.
/// </remarks>
public sealed class SqliteDatabase : IDisposable, IAsyncDisposable
{
    /// <summary>Name of the table that holds grain state.</summary>
    public const string GrainStateTable = "grain_state";
    /// <summary>Name of the table that holds reminders.</summary>
    public const string RemindersTable = "reminders";

    private const int BusyTimeoutMilliseconds = 5000;

    private static readonly string[] Schema =
    [
        $"""
        CREATE TABLE IF NOT EXISTS {GrainStateTable} (
            grain_type TEXT NOT NULL,
            grain_key  TEXT NOT NULL,
            state_name TEXT NOT NULL,
            etag       INTEGER NOT NULL,
            data       TEXT,
            kind       TEXT,
            ns         TEXT,
            PRIMARY KEY (grain_type, grain_key, state_name)
        )
        """,
        $"CREATE INDEX IF NOT EXISTS ix_{GrainStateTable}_kind_ns ON {GrainStateTable} (kind, ns)",
        $"""
        CREATE TABLE IF NOT EXISTS {RemindersTable} (
            grain_id      TEXT NOT NULL,
            reminder_name TEXT NOT NULL,
            grain_hash    INTEGER NOT NULL,
            start_at      INTEGER NOT NULL,
            period        INTEGER NOT NULL,
            etag          INTEGER NOT NULL,
            PRIMARY KEY (grain_id, reminder_name)
        )
        """,
        $"CREATE INDEX IF NOT EXISTS ix_{RemindersTable}_hash ON {RemindersTable} (grain_hash)",
    ];

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastEtag;
    private bool _disposed;

    /// <summary>Opens (creating if needed) the database file at <paramref name="path"/> and its tables.</summary>
    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();

        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            Execute($"PRAGMA busy_timeout={BusyTimeoutMilliseconds}");
            var mode = Convert.ToString(Scalar("PRAGMA journal_mode=WAL"));
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"SQLite database '{Path}' could not switch to WAL journal mode (got '{mode}').");
            Execute("PRAGMA synchronous=NORMAL");
            using (var tx = _connection.BeginTransaction())
            {
                foreach (var statement in Schema)
                {
                    using var command = _connection.CreateCommand();
                    command.Transaction = tx;
                    command.CommandText = statement;
                    command.ExecuteNonQuery();
                }
                tx.Commit();
            }
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>
    /// Runs <paramref name="work"/> with exclusive use of the connection. The work is synchronous (SQLite is
    /// in-process); each statement it runs outside an explicit transaction is committed when it returns.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return work(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> with exclusive use of the connection.</summary>
    public Task RunAsync(Action<SqliteConnection> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync<bool>(connection => { work(connection); return true; }, cancellationToken);
    }

    /// <summary>
    /// A new etag: unique within this process, increasing, and larger than <paramref name="previous"/>.
    /// Seeded from the clock so that etags stay unique across restarts of the silo.
    /// </summary>
    public long NextEtag(long previous = 0)
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastEtag);
            var next = Math.Max(Math.Max(DateTime.UtcNow.Ticks, last + 1), previous + 1);
            if (Interlocked.CompareExchange(ref _lastEtag, next, last) == last) return next;
        }
    }

    /// <summary>Creates a command with the given text and parameters (name, value pairs; null becomes DBNull).</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _gate.Wait();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }
}
