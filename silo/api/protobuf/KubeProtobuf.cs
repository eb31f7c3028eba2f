using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Silo.Api.Protobuf;

/// <summary>
/// Turns a Kubernetes protobuf request body (<c>Content-Type: application/vnd.kubernetes.protobuf</c>, as sent by
/// kubectl's typed generators: <c>create namespace|deployment|configmap|secret|service|serviceaccount</c>) into the
/// JSON the JSON API would have received for the same object.
/// <para>
/// Wire layout: the 4-byte magic <c>k8s\0</c>, then a <c>runtime.Unknown</c> message
/// {1: TypeMeta{1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}; <c>raw</c> is the object's own
/// message (e.g. <c>k8s.io.api.apps.v1.Deployment</c>). The client's Go structs are marshalled with every non-pointer
/// field present, so zero values are dropped here (as omitempty would), while pointer fields keep explicit zeros.
/// </para>
/// </summary>
public static class KubeProtobuf
{
    /// <summary>The media type of Kubernetes protobuf bodies.</summary>
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    const int MaxDepth = 64;

    static readonly JsonSerializerOptions OutputOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The 4-byte prefix of every Kubernetes protobuf object.</summary>
    public static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>True when the Content-Type names the Kubernetes protobuf media type (parameters and case are ignored).</summary>
    public static bool IsProtobuf(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return false;
        var semicolon = contentType.IndexOf(';');
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return mediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The (apiVersion, kind) pairs <see cref="DecodeToJson"/> understands.</summary>
    public static IEnumerable<(string ApiVersion, string Kind)> SupportedKinds => KubeProtoSchema.Kinds.Keys;

    /// <summary>Decodes a protobuf body to compact JSON. Throws <see cref="ProtobufDecodeException"/> when it cannot.</summary>
    public static string DecodeToJson(ReadOnlySpan<byte> body) => DecodeToJsonObject(body).ToJsonString(OutputOptions);

    /// <summary>Decodes a protobuf body to a JSON object with apiVersion and kind first.</summary>
    public static JsonObject DecodeToJsonObject(ReadOnlySpan<byte> body)
    {
        if (body.Length < Magic.Length || !body[..Magic.Length].SequenceEqual(Magic))
            throw new ProtobufDecodeException("the body does not start with the Kubernetes protobuf magic number \"k8s\\x00\"");

        const string envelope = "runtime.Unknown";
        var reader = new ProtoWireReader(body[Magic.Length..], envelope);
        string apiVersion = "", kind = "", contentEncoding = "", contentType = "";
        var hasTypeMeta = false;
        ReadOnlySpan<byte> raw = default;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, field, "typeMeta", envelope);
                    (apiVersion, kind) = ReadTypeMeta(reader.ReadLengthDelimited());
                    hasTypeMeta = true;
                    break;
                case 2:
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, field, "raw", envelope);
                    raw = reader.ReadLengthDelimited();
                    break;
                case 3:
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, field, "contentEncoding", envelope);
                    contentEncoding = reader.ReadString();
                    break;
                case 4:
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, field, "contentType", envelope);
                    contentType = reader.ReadString();
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        if (!hasTypeMeta || kind.Length == 0 || apiVersion.Length == 0)
            throw new ProtobufDecodeException("the protobuf envelope does not name the object's apiVersion and kind");
        if (contentEncoding.Length != 0)
            throw new ProtobufDecodeException($"unsupported protobuf contentEncoding \"{contentEncoding}\" for {apiVersion}/{kind}");

        if (contentType.Length != 0 && !IsProtobuf(contentType))
        {
            if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                throw new ProtobufDecodeException($"unsupported inner contentType \"{contentType}\" for {apiVersion}/{kind}");
            return DecodeEmbeddedJson(raw, apiVersion, kind);
        }

        if (!KubeProtoSchema.Kinds.TryGetValue((apiVersion, kind), out var message))
        {
            var supported = string.Join(", ", KubeProtoSchema.Kinds.Keys.Select(k => $"{k.ApiVersion}/{k.Kind}"));
            throw new ProtobufDecodeException($"protobuf bodies of kind {kind} (apiVersion {apiVersion}) are not supported; send JSON instead (protobuf is decoded for {supported})");
        }

        var result = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        DecodeInto(message, raw, result, 1);
        return result;
    }

    static (string ApiVersion, string Kind) ReadTypeMeta(ReadOnlySpan<byte> data)
    {
        const string name = "runtime.TypeMeta";
        var reader = new ProtoWireReader(data, name);
        string apiVersion = "", kind = "";
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field is 1 or 2)
            {
                Expect(ref reader, wireType, ProtoWireType.LengthDelimited, field, field == 1 ? "apiVersion" : "kind", name);
                if (field == 1) apiVersion = reader.ReadString(); else kind = reader.ReadString();
            }
            else reader.Skip(field, wireType);
        }
        return (apiVersion, kind);
    }

    static JsonObject DecodeEmbeddedJson(ReadOnlySpan<byte> raw, string apiVersion, string kind)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(raw); }
        catch (JsonException e) { throw new ProtobufDecodeException($"the JSON embedded in the protobuf envelope is invalid: {e.Message}", e); }
        if (node is not JsonObject obj) throw new ProtobufDecodeException("the JSON embedded in the protobuf envelope is not an object");
        obj["apiVersion"] ??= apiVersion;
        obj["kind"] ??= kind;
        return obj;
    }

    // ------------------------------------------------------------------ generic message decoding

    /// <summary>Decodes one message's fields into <paramref name="target"/>, in the Go struct's field order.</summary>
    static void DecodeInto(PMessage message, ReadOnlySpan<byte> data, JsonObject target, int depth)
    {
        if (depth > MaxDepth) throw new ProtobufDecodeException($"malformed protobuf: messages nested more than {MaxDepth} deep");

        var fields = message.Fields;
        var values = new JsonNode?[fields.Length];
        var isZero = new bool[fields.Length];
        List<(int Start, int Length)>?[]? singular = null;
        var reader = new ProtoWireReader(data, message.Name);

        while (reader.TryReadTag(out var number, out var wireType))
        {
            var i = message.IndexOf(number);
            if (i < 0) { reader.Skip(number, wireType); continue; }
            var f = fields[i];
            switch (f.Kind)
            {
                case PKind.String:
                case PKind.Bytes:
                {
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, number, f.Json, message.Name);
                    var bytes = reader.ReadLengthDelimited();
                    string s = f.Kind == PKind.String ? ProtoWireReader.DecodeUtf8(bytes, message.Name) : Convert.ToBase64String(bytes);
                    Set(values, isZero, i, f, JsonValue.Create(s), s.Length == 0);
                    break;
                }
                case PKind.Int32:
                case PKind.Int64:
                case PKind.Bool:
                    if (f.Repeated && wireType == ProtoWireType.LengthDelimited)
                    {
                        // packed encoding: a run of varints
                        var packed = new ProtoWireReader(reader.ReadLengthDelimited(), message.Name);
                        while (packed.Remaining > 0) Set(values, isZero, i, f, Scalar(f.Kind, packed.ReadVarint(), out _), false);
                    }
                    else
                    {
                        Expect(ref reader, wireType, ProtoWireType.Varint, number, f.Json, message.Name);
                        var node = Scalar(f.Kind, reader.ReadVarint(), out var zero);
                        Set(values, isZero, i, f, node, zero);
                    }
                    break;
                case PKind.Message:
                case PKind.Inline:
                {
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, number, f.Json, message.Name);
                    if (f.Repeated)
                    {
                        var child = new JsonObject();
                        DecodeInto(f.Message!, reader.ReadLengthDelimited(), child, depth + 1);
                        Set(values, isZero, i, f, child, false);
                    }
                    else
                    {
                        // decoded after the loop: a singular message that occurs more than once is the merge of its
                        // occurrences, which protobuf defines as parsing their concatenation
                        (singular ??= new List<(int, int)>?[fields.Length])[i] ??= [];
                        singular[i]!.Add(reader.ReadLengthDelimitedRange());
                    }
                    break;
                }
                case PKind.StringMap:
                case PKind.BytesMap:
                case PKind.QuantityMap:
                {
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, number, f.Json, message.Name);
                    var (key, value) = ReadMapEntry(reader.ReadLengthDelimited(), f, message.Name);
                    var map = (JsonObject)(values[i] ??= new JsonObject());
                    map[key] = value; // a repeated key replaces the earlier entry
                    break;
                }
                case PKind.Quantity:
                {
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, number, f.Json, message.Name);
                    var q = ReadQuantity(reader.ReadLengthDelimited());
                    Set(values, isZero, i, f, JsonValue.Create(q.Length == 0 ? "0" : q), q.Length == 0);
                    break;
                }
                case PKind.IntOrString:
                {
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, number, f.Json, message.Name);
                    var node = ReadIntOrString(reader.ReadLengthDelimited(), out var zero);
                    Set(values, isZero, i, f, node, zero);
                    break;
                }
                case PKind.Time:
                {
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, number, f.Json, message.Name);
                    var time = ReadTime(reader.ReadLengthDelimited());
                    // the zero time is null in JSON: leave it out
                    if (time == null) { values[i] = null; isZero[i] = false; }
                    else Set(values, isZero, i, f, JsonValue.Create(time), false);
                    break;
                }
                default:
                    throw new InvalidOperationException($"unhandled field kind {f.Kind}");
            }
        }

        if (singular != null)
        {
            for (var i = 0; i < fields.Length; i++)
            {
                if (singular[i] is not { } ranges) continue;
                var child = new JsonObject();
                if (ranges.Count == 1) DecodeInto(fields[i].Message!, data.Slice(ranges[0].Start, ranges[0].Length), child, depth + 1);
                else
                {
                    var joined = new List<byte>();
                    foreach (var (start, length) in ranges) joined.AddRange(data.Slice(start, length));
                    DecodeInto(fields[i].Message!, joined.ToArray(), child, depth + 1);
                }
                Set(values, isZero, i, fields[i], child, child.Count == 0);
            }
        }

        for (var i = 0; i < fields.Length; i++)
        {
            var value = values[i];
            if (value == null) continue;
            var f = fields[i];
            if (isZero[i] && !f.Presence) continue;
            if (f.Kind == PKind.Inline)
            {
                var inner = (JsonObject)value;
                var properties = inner.ToList();
                inner.Clear();
                foreach (var (k, v) in properties) target[k] = v;
            }
            else target[f.Json] = value;
        }
    }

    static void Set(JsonNode?[] values, bool[] isZero, int i, PField f, JsonNode node, bool zero)
    {
        if (f.Repeated)
        {
            ((JsonArray)(values[i] ??= new JsonArray())).Add(node);
            isZero[i] = false;
        }
        else
        {
            values[i] = node;
            isZero[i] = zero;
        }
    }

    static JsonNode Scalar(PKind kind, ulong raw, out bool zero)
    {
        zero = raw == 0;
        return kind switch
        {
            // int32 values are sign-extended to 64 bits on the wire
            PKind.Int32 => JsonValue.Create(unchecked((int)(long)raw)),
            PKind.Int64 => JsonValue.Create(unchecked((long)raw)),
            _ => JsonValue.Create(raw != 0),
        };
    }

    static (string Key, JsonNode Value) ReadMapEntry(ReadOnlySpan<byte> entry, PField f, string owner)
    {
        var name = $"{owner}.{f.Json} map entry";
        var reader = new ProtoWireReader(entry, name);
        var key = "";
        JsonNode? value = null;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, field, "key", name);
                    key = reader.ReadString();
                    break;
                case 2:
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, field, "value", name);
                    var bytes = reader.ReadLengthDelimited();
                    value = f.Kind switch
                    {
                        PKind.StringMap => JsonValue.Create(ProtoWireReader.DecodeUtf8(bytes, name)),
                        PKind.BytesMap => JsonValue.Create(Convert.ToBase64String(bytes)),
                        _ => JsonValue.Create(ReadQuantity(bytes) is { Length: > 0 } q ? q : "0"),
                    };
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        return (key, value ?? JsonValue.Create(f.Kind == PKind.QuantityMap ? "0" : ""));
    }

    /// <summary>resource.Quantity {1: string}; "" when unset.</summary>
    static string ReadQuantity(ReadOnlySpan<byte> data)
    {
        const string name = "resource.Quantity";
        var reader = new ProtoWireReader(data, name);
        var value = "";
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1)
            {
                Expect(ref reader, wireType, ProtoWireType.LengthDelimited, field, "string", name);
                value = reader.ReadString();
            }
            else reader.Skip(field, wireType);
        }
        return value;
    }

    /// <summary>intstr.IntOrString {1: type (0 int, 1 string), 2: intVal, 3: strVal}.</summary>
    static JsonNode ReadIntOrString(ReadOnlySpan<byte> data, out bool zero)
    {
        const string name = "intstr.IntOrString";
        var reader = new ProtoWireReader(data, name);
        long type = 0;
        var intVal = 0;
        var strVal = "";
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    Expect(ref reader, wireType, ProtoWireType.Varint, field, "type", name);
                    type = unchecked((long)reader.ReadVarint());
                    break;
                case 2:
                    Expect(ref reader, wireType, ProtoWireType.Varint, field, "intVal", name);
                    intVal = unchecked((int)(long)reader.ReadVarint());
                    break;
                case 3:
                    Expect(ref reader, wireType, ProtoWireType.LengthDelimited, field, "strVal", name);
                    strVal = reader.ReadString();
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        switch (type)
        {
            case 0:
                zero = intVal == 0;
                return JsonValue.Create(intVal);
            case 1:
                zero = strVal.Length == 0;
                return JsonValue.Create(strVal);
            default:
                throw reader.Malformed($"type {type} is neither 0 (int) nor 1 (string)");
        }
    }

    /// <summary>meta.v1.Time {1: seconds, 2: nanos} as RFC 3339 in UTC with seconds precision (like metav1.Time); null for the zero time.</summary>
    static string? ReadTime(ReadOnlySpan<byte> data)
    {
        const string name = "meta.v1.Time";
        var reader = new ProtoWireReader(data, name);
        long seconds = 0;
        long nanos = 0;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    Expect(ref reader, wireType, ProtoWireType.Varint, field, "seconds", name);
                    seconds = unchecked((long)reader.ReadVarint());
                    break;
                case 2:
                    Expect(ref reader, wireType, ProtoWireType.Varint, field, "nanos", name);
                    nanos = unchecked((int)(long)reader.ReadVarint());
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        if (seconds == 0 && nanos == 0) return null;
        if (nanos is < 0 or > 999_999_999) throw reader.Malformed($"nanos {nanos} is out of range");
        try
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ProtobufDecodeException($"malformed protobuf in {name}: {seconds} seconds is outside the representable range", e);
        }
    }

    static void Expect(ref ProtoWireReader reader, int actual, int expected, int field, string json, string message)
    {
        if (actual != expected)
            throw reader.Malformed($"field {field} ({json}) has wire type {ProtoWireType.Name(actual)}, expected {ProtoWireType.Name(expected)}");
    }
}
