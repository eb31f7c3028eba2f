using System.Buffers;
using System.Text;

namespace Cluster.Grains.Store;

/// <summary>
/// A string's UTF-8 bytes in a pooled buffer, for a forward read with <see cref="System.Text.Json.Utf8JsonReader"/>
/// on a hot path (each pod's create, bind and status report) without a new array each time. Dispose returns the buffer;
/// the bytes are not to be kept past it.
/// </summary>
public ref struct PooledUtf8
{
    byte[]? _buffer;

    public PooledUtf8(string text)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        Bytes = _buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, _buffer));
    }

    public ReadOnlySpan<byte> Bytes { get; }

    public void Dispose()
    {
        if (_buffer != null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }
}
