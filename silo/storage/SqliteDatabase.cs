using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Cluster.Silo.Storage;

/// <summary>
/// One SQLite database file shared by the grain storage, the object catalog and the reminder table of a silo.
/// </summary>
/// <remarks>
/// The file is opened in WAL journal mode with <c>synchronous=NORMAL</c>: a transaction is in the WAL file once
/// it commits, so it survives the process being killed (it may not survive an OS crash or power loss).
/// One connection serves every caller; a <see cref="SemaphoreSlim"/> makes sure only one uses it at a time.
/// Writes (<see cref="WriteAsync{T}"/>) are committed in groups: whatever writes queue up while one group commits
/// go together in the next transaction, and each caller hears back once its group is committed. Statements are
/// prepared once and reused (<see cref="Prepared"/>).
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
        // raw = 1: data is an object record's JSON itself (or its sealed form), not the record serialized around it.
        "ALTER TABLE grain_state ADD COLUMN raw INTEGER NOT NULL DEFAULT 0 /* when missing */",
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
                    // Columns added since the table was first made are added to older files once.
                    if (statement.StartsWith("ALTER TABLE", StringComparison.Ordinal) && HasColumn(tx, statement.Split(' ')[5])) continue;
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

    bool HasColumn(SqliteTransaction tx, string column)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{GrainStateTable}') WHERE name = $name";
        command.Parameters.AddWithValue("$name", column);
        return Convert.ToInt64(command.ExecuteScalar()) > 0;
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    // ------------------------------------------------------------------ group commit

    interface IWrite { void Run(SqliteConnection connection); void Complete(); void Fail(Exception e); }

    sealed class Write<T>(Func<SqliteConnection, T> work) : IWrite
    {
        readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        T _result = default!;
        Exception? _error;
        public Task<T> Task => _done.Task;
        public void Run(SqliteConnection connection)
        {
            try { _result = work(connection); }
            catch (Exception e) { _error = e; } // this write's own failure (an etag conflict): the others still commit
        }
        public void Complete() { if (_error != null) _done.TrySetException(_error); else _done.TrySetResult(_result); }
        public void Fail(Exception e) => _done.TrySetException(e);
    }

    readonly ConcurrentQueue<IWrite> _writes = new();
    int _draining;
    SqliteTransaction? _transaction;
    const int MaxGroup = 512;

    /// <summary>
    /// Runs <paramref name="work"/> (its statements) in the next group commit; completes once that transaction is
    /// committed (or fails with it). An exception from the work fails that write only.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var write = new Write<T>(work);
        _writes.Enqueue(write);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0) _ = System.Threading.Tasks.Task.Run(DrainAsync);
        return write.Task;
    }

    async Task DrainAsync()
    {
        while (true)
        {
            var group = new List<IWrite>();
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                while (group.Count < MaxGroup && _writes.TryDequeue(out var w)) group.Add(w);
                if (group.Count > 0) Commit(group);
            }
            finally { _gate.Release(); }
            if (group.Count > 0) continue;
            Volatile.Write(ref _draining, 0);
            // A write queued after the last look, before the flag dropped, would be left behind: look again.
            if (_writes.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
        }
    }

    void Commit(List<IWrite> group)
    {
        if (_disposed) { foreach (var w in group) w.Fail(new ObjectDisposedException(nameof(SqliteDatabase))); return; }
        try
        {
            _transaction = _connection.BeginTransaction();
            foreach (var w in group) w.Run(_connection);
            _transaction.Commit();
        }
        catch (Exception e)
        {
            try { _transaction?.Rollback(); } catch { /* the commit's own failure is the one to report */ }
            foreach (var w in group) w.Fail(e);
            return;
        }
        finally
        {
            _transaction?.Dispose();
            _transaction = null;
        }
        foreach (var w in group) w.Complete();
    }

    readonly Dictionary<string, SqliteCommand> _prepared = new();

    /// <summary>
    /// A statement prepared once and kept (callers must not dispose it), with these parameter values, in the group's
    /// transaction when called from a write. Only from work run by <see cref="RunAsync{T}"/> or <see cref="WriteAsync{T}"/>.
    /// </summary>
    public SqliteCommand Prepared(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
            _prepared[sql] = command;
        }
        command.Transaction = _transaction;
        for (var i = 0; i < parameters.Length; i++) command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
        return command;
    }

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
            foreach (var c in _prepared.Values) c.Dispose();
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
            foreach (var c in _prepared.Values) c.Dispose();
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }
}
