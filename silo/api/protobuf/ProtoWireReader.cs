using System.Text;

namespace Cluster.Silo.Api.Protobuf;

/// <summary>Protocol buffer wire types (https://protobuf.dev/programming-guides/encoding/).</summary>
internal static class ProtoWireType
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int StartGroup = 3;
    public const int EndGroup = 4;
    public const int Fixed32 = 5;

    public static string Name(int wireType) => wireType switch
    {
        Varint => "varint",
        Fixed64 => "fixed64",
        LengthDelimited => "length-delimited",
        StartGroup => "start-group",
        EndGroup => "end-group",
        Fixed32 => "fixed32",
        _ => $"invalid ({wireType})",
    };
}

/// <summary>
/// A forward-only reader of the protobuf wire format over one message's bytes. Every read is bounds-checked
/// and throws <see cref="ProtobufDecodeException"/> naming the message being read.
/// </summary>
internal ref struct ProtoWireReader
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    const ulong MaxFieldNumber = (1 << 29) - 1;

    readonly ReadOnlySpan<byte> _data;
    readonly string _message;
    int _pos;

    public ProtoWireReader(ReadOnlySpan<byte> data, string message)
    {
        _data = data;
        _message = message;
        _pos = 0;
    }

    public readonly int Remaining => _data.Length - _pos;

    /// <summary>Reads the next field key; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        if (_pos >= _data.Length) { field = 0; wireType = 0; return false; }
        var key = ReadVarint();
        var number = key >> 3;
        if (number == 0 || number > MaxFieldNumber) throw Malformed($"invalid field number {number}");
        field = (int)number;
        wireType = (int)(key & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length) throw Malformed("truncated varint");
            var b = _data[_pos++];
            if (shift == 63 && b > 1) throw Malformed("varint overflows 64 bits");
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Malformed("varint overflows 64 bits");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var (start, length) = ReadLengthDelimitedRange();
        return _data.Slice(start, length);
    }

    /// <summary>Reads a length-delimited field and returns where its payload lies in this reader's data.</summary>
    public (int Start, int Length) ReadLengthDelimitedRange()
    {
        var length = ReadVarint();
        if (length > (ulong)Remaining)
            throw Malformed($"length-delimited field of {length} bytes runs past the end ({Remaining} bytes left)");
        var start = _pos;
        _pos += (int)length;
        return (start, (int)length);
    }

    public string ReadString() => DecodeUtf8(ReadLengthDelimited(), _message);

    /// <summary>Skips a field this decoder does not know (forward compatibility with newer clients).</summary>
    public void Skip(int field, int wireType)
    {
        switch (wireType)
        {
            case ProtoWireType.Varint: ReadVarint(); break;
            case ProtoWireType.LengthDelimited: ReadLengthDelimited(); break;
            case ProtoWireType.Fixed64: Advance(8, field); break;
            case ProtoWireType.Fixed32: Advance(4, field); break;
            case ProtoWireType.StartGroup:
            case ProtoWireType.EndGroup:
                throw Malformed($"field {field} uses the deprecated group encoding, which Kubernetes never emits");
            default:
                throw Malformed($"field {field} has invalid wire type {wireType}");
        }
    }

    void Advance(int count, int field)
    {
        if (Remaining < count) throw Malformed($"truncated fixed-width field {field} ({count} bytes needed, {Remaining} left)");
        _pos += count;
    }

    public readonly ProtobufDecodeException Malformed(string what) => new($"malformed protobuf in {_message}: {what}");

    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, string message)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException e) { throw new ProtobufDecodeException($"malformed protobuf in {message}: string field is not valid UTF-8", e); }
    }
}
