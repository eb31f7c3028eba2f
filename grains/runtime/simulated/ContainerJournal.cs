using System.Text.Json;

namespace Cluster.Grains.Runtime.Simulated;

/// <summary>
/// Simulated containers kept in a file, so that they outlive the silo as a container engine's do: a silo that
/// crashes and restarts finds its nodes' containers still running and re-adopts them. One JSON line per change,
/// flushed every 100 ms (a change in the last 100 ms before a crash is lost, as if that container had died), and
/// rewritten compact when the runtime opens it.
/// </summary>
public sealed class ContainerJournal : IDisposable
{
    sealed record Line(RuntimeContainer? Put, string? Delete);

    static readonly JsonSerializerOptions Options = new();
    readonly object _gate = new();
    readonly StreamWriter _writer;
    readonly Timer _flush;
    bool _disposed;

    public string Path { get; }

    ContainerJournal(string path)
    {
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16), bufferSize: 1 << 20);
        _flush = new Timer(_ => Flush(), null, 100, 100);
    }

    /// <summary>The containers the file holds (a torn last line, from a crash mid-write, is skipped), and the journal,
    /// rewritten to hold just them.</summary>
    public static (ContainerJournal Journal, List<RuntimeContainer> Containers) Open(string path)
    {
        var containers = new Dictionary<string, RuntimeContainer>();
        if (File.Exists(path))
            foreach (var text in File.ReadLines(path))
            {
                Line? line;
                try { line = JsonSerializer.Deserialize<Line>(text, Options); }
                catch (JsonException) { continue; }
                if (line?.Put is { } c) containers[c.Id] = c;
                else if (line?.Delete is { } id) containers.Remove(id);
            }
        var tmp = path + ".tmp";
        using (var w = new StreamWriter(tmp, append: false))
            foreach (var c in containers.Values) w.WriteLine(JsonSerializer.Serialize(new Line(c, null), Options));
        File.Move(tmp, path, overwrite: true);
        return (new ContainerJournal(path), containers.Values.ToList());
    }

    public void Delete(string id) => Append(JsonSerializer.Serialize(new Line(null, id), Options));

    /// <summary>The line that records a container's state (to encode it outside a caller's lock).</summary>
    public static string PutLine(RuntimeContainer c) => JsonSerializer.Serialize(new Line(c, null), Options);

    /// <summary>Appends a line from <see cref="PutLine"/>.</summary>
    public void Append(string line)
    {
        lock (_gate)
        {
            if (_disposed) return;
            _pending.Add(line);
        }
    }

    // Lines appended since the last flush. A flush takes them and writes them outside the appenders' lock: written
    // under it, a megabyte's write to the file held up every agent starting a container (a thousand a second).
    List<string> _pending = [];
    readonly object _writing = new();

    void Flush()
    {
        lock (_writing)
        {
            List<string> lines;
            lock (_gate)
            {
                if (_pending.Count == 0 || _disposed) return;
                lines = _pending;
                _pending = [];
            }
            try
            {
                foreach (var l in lines) _writer.WriteLine(l);
                _writer.Flush();
            }
            catch (IOException) { }
        }
    }

    public void Dispose()
    {
        _flush.Dispose();
        Flush();
        lock (_writing)
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                _writer.Dispose();
            }
    }
}
