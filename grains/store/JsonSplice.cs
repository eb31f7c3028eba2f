using System.Text;
using System.Text.Json;

namespace Cluster.Grains.Store;

/// <summary>
/// An object's JSON rewritten without decoding it: one top-level property's value replaced and its
/// metadata.resourceVersion set, everything else kept byte for byte. A node agent's status report changes only a pod's
/// status; decoding the whole pod to write it back cost a decode and an encode of every pod a restarted silo starts again.
/// </summary>
public sealed class JsonSplice
{
    readonly string _json;
    readonly string _property;
    readonly Found _found; // in chars of _json

    JsonSplice(string json, string property, Found found) { _json = json; _property = property; _found = found; }

    /// <summary>Where <paramref name="property"/> and metadata.resourceVersion are in <paramref name="json"/>.</summary>
    /// <exception cref="JsonException">The JSON is not an object with metadata.</exception>
    public static JsonSplice Of(string json, string property)
    {
        // Read as UTF-8 from a pooled buffer; what is kept is positions in the string itself, so that the new text is
        // made in one copy of it (a status report for each of 150,000 pods made three).
        using var utf8 = new PooledUtf8(json);
        var bytes = utf8.Bytes;
        var f = Find(bytes, property);
        if (bytes.Length != json.Length) // not ASCII: byte offsets are not char offsets
        {
            var (v, r) = (f.Value, f.Version);
            f = new Found(v is { } a ? (Chars(bytes, a.Start), Chars(bytes, a.End)) : null, r is { } b ? (Chars(bytes, b.Start), Chars(bytes, b.End)) : null,
                Chars(bytes, f.MetadataOpen), f.MetadataEmpty, Chars(bytes, f.Close), f.Empty);
        }
        return new JsonSplice(json, property, f);
    }

    /// <summary>The raw text of a top-level property's value, or null when the object has none.</summary>
    public static string? TopLevel(string json, string property) => Of(json, property).Value;

    /// <summary>See <see cref="With(string, string)"/>.</summary>
    public static string With(string json, string property, string rawValue, string resourceVersion) =>
        Of(json, property).With(rawValue, resourceVersion);

    /// <summary>The property's raw text, or null when the object has none.</summary>
    public string? Value => _found.Value is { } v ? _json.Substring(v.Start, v.End - v.Start) : null;

    /// <summary>Whether the property's raw text is <paramref name="rawValue"/> (text, not JSON, equality).</summary>
    public bool ValueIs(string rawValue) => _found.Value is { } v && _json.AsSpan(v.Start, v.End - v.Start).SequenceEqual(rawValue);

    /// <summary>
    /// The JSON with the property set to <paramref name="rawValue"/> (added at the end when missing) and
    /// metadata.resourceVersion set to <paramref name="resourceVersion"/> (added first in metadata when missing).
    /// <paramref name="rawValue"/> must be one JSON value; it is checked, not trusted.
    /// </summary>
    public string With(string rawValue, string resourceVersion)
    {
        Check(rawValue);
        return Apply(_json, [VersionEdit(resourceVersion), ValueEdit(rawValue)]);
    }

    /// <summary>As <see cref="With(string, string)"/>, and <paramref name="field"/> of the top-level object
    /// <paramref name="nested"/> set as <see cref="SetField"/> sets it: all three edits in one copy of the text.</summary>
    public string With(string rawValue, string resourceVersion, string nested, string field, string fieldValue)
    {
        Check(rawValue);
        return Apply(_json, [VersionEdit(resourceVersion), ValueEdit(rawValue), FieldEdit(_json, nested, field, fieldValue)]);
    }

    (int Start, int End, string Text) VersionEdit(string resourceVersion)
    {
        var rv = JsonSerializer.Serialize(resourceVersion);
        return _found.Version is { } v ? (v.Start, v.End, rv)
            : (_found.MetadataOpen, _found.MetadataOpen, "\"resourceVersion\":" + rv + (_found.MetadataEmpty ? "" : ","));
    }

    (int Start, int End, string Text) ValueEdit(string rawValue) => _found.Value is { } p ? (p.Start, p.End, rawValue)
        : (_found.Close, _found.Close, (_found.Empty ? "" : ",") + JsonSerializer.Serialize(_property) + ":" + rawValue);

    /// <summary>The text with each edit's range [Start, End) (in chars; equal: an insertion) replaced by its text, in one copy.</summary>
    static string Apply(string json, (int Start, int End, string Text)[] edits)
    {
        Array.Sort(edits, (a, b) => a.Start.CompareTo(b.Start));
        var length = json.Length;
        for (var i = 0; i < edits.Length; i++)
        {
            if (i > 0 && edits[i].Start < edits[i - 1].End) throw new ArgumentException("the edits overlap");
            length += edits[i].Text.Length - (edits[i].End - edits[i].Start);
        }
        return string.Create(length, (json, edits), static (to, s) =>
        {
            var (json, edits) = s;
            int read = 0, written = 0;
            foreach (var (start, end, text) in edits)
            {
                json.AsSpan(read, start - read).CopyTo(to[written..]);
                written += start - read;
                text.CopyTo(to[written..]);
                written += text.Length;
                read = end;
            }
            json.AsSpan(read).CopyTo(to[written..]);
        });
    }

    /// <summary>One complete value and nothing after it (Skip throws on a truncated one, the second Read on trailing text).</summary>
    void Check(string rawValue)
    {
        using var utf8 = new PooledUtf8(rawValue);
        var check = new Utf8JsonReader(utf8.Bytes);
        if (!check.Read()) throw new JsonException($"the new value of {_property} is empty");
        check.Skip();
        if (check.Read()) throw new JsonException($"the new value of {_property} is more than one JSON value");
    }

    readonly record struct Found((int Start, int End)? Value, (int Start, int End)? Version, int MetadataOpen, bool MetadataEmpty, int Close, bool Empty);

    /// <summary>
    /// The JSON with <paramref name="field"/> of the top-level object <paramref name="property"/> set to
    /// <paramref name="rawValue"/> (one JSON value, as text). A missing field is inserted where the model's encoding puts
    /// it: before the first field whose name sorts after it (the Kubernetes models write their fields in the ordinal
    /// order of their names), so the text stays what encoding the changed object would give.
    /// </summary>
    /// <exception cref="JsonException">The JSON is not an object whose <paramref name="property"/> is an object.</exception>
    public static string SetField(string json, string property, string field, string rawValue) => Apply(json, [FieldEdit(json, property, field, rawValue)]);

    static (int Start, int End, string Text) FieldEdit(string json, string property, string field, string rawValue)
    {
        using var utf8 = new PooledUtf8(json);
        var bytes = utf8.Bytes;
        var fieldName = Encoding.UTF8.GetBytes(field);
        var r = new Utf8JsonReader(bytes);
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new JsonException("the object's JSON is not an object");
        var (start, end, text) = (-1, -1, ""); // the range replaced (equal: an insertion), in bytes, and its new text
        while (start < 0 && r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var isProperty = r.ValueTextEquals(property);
            r.Read();
            if (!isProperty) { r.Skip(); continue; }
            if (r.TokenType != JsonTokenType.StartObject) throw new JsonException($"{property} is not an object");
            var empty = true;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                empty = false;
                var nameStart = (int)r.TokenStartIndex;
                var order = r.ValueIsEscaped ? Encoding.UTF8.GetBytes(r.GetString()!).AsSpan().SequenceCompareTo(fieldName) : r.ValueSpan.SequenceCompareTo(fieldName);
                r.Read();
                var valueStart = (int)r.TokenStartIndex;
                r.Skip();
                if (order == 0) { (start, end, text) = (valueStart, (int)r.BytesConsumed, rawValue); break; }
                if (order > 0) { (start, end, text) = (nameStart, nameStart, $"{JsonSerializer.Serialize(field)}:{rawValue},"); break; }
            }
            if (start < 0)
            {
                if (r.TokenType != JsonTokenType.EndObject) throw new JsonException($"{property} ends early");
                var close = (int)r.TokenStartIndex;
                (start, end, text) = (close, close, $"{(empty ? "" : ",")}{JsonSerializer.Serialize(field)}:{rawValue}");
            }
        }
        if (start < 0) throw new JsonException($"the object has no {property}");
        return bytes.Length == json.Length ? (start, end, text) : (Chars(bytes, start), Chars(bytes, end), text);
    }

    /// <summary>The string position of a byte offset into its UTF-8 bytes.</summary>
    static int Chars(ReadOnlySpan<byte> bytes, int offset) => Encoding.UTF8.GetCharCount(bytes[..offset]);

    /// <summary>Where the property's value, metadata.resourceVersion's value, metadata's opening brace and the object's
    /// closing brace are (byte offsets).</summary>
    static Found Find(ReadOnlySpan<byte> bytes, string property)
    {
        var r = new Utf8JsonReader(bytes);
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new JsonException("the object's JSON is not an object");
        (int Start, int End)? value = null, version = null;
        int metadataOpen = -1;
        bool metadataEmpty = true, empty = true;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            empty = false;
            var isProperty = r.ValueTextEquals(property);
            var isMetadata = r.ValueTextEquals("metadata");
            r.Read();
            var start = (int)r.TokenStartIndex;
            if (isMetadata && r.TokenType == JsonTokenType.StartObject)
            {
                metadataOpen = start + 1;
                while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                {
                    metadataEmpty = false;
                    var isVersion = r.ValueTextEquals("resourceVersion");
                    r.Read();
                    var vs = (int)r.TokenStartIndex;
                    r.Skip();
                    if (isVersion) version = (vs, (int)r.BytesConsumed);
                }
                continue;
            }
            r.Skip();
            if (isProperty) value = (start, (int)r.BytesConsumed);
        }
        if (r.TokenType != JsonTokenType.EndObject) throw new JsonException("the object's JSON ends early");
        if (metadataOpen < 0) throw new JsonException("the object has no metadata");
        return new Found(value, version, metadataOpen, metadataEmpty, (int)r.TokenStartIndex, empty);
    }
}
