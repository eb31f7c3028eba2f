using System.Buffers;
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
    readonly byte[] _bytes;
    readonly string _property;
    readonly Found _found;

    JsonSplice(byte[] bytes, string property, Found found) { _bytes = bytes; _property = property; _found = found; }

    /// <summary>Where <paramref name="property"/> and metadata.resourceVersion are in <paramref name="json"/>.</summary>
    /// <exception cref="JsonException">The JSON is not an object with metadata.</exception>
    public static JsonSplice Of(string json, string property)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return new JsonSplice(bytes, property, Find(bytes, property));
    }

    /// <summary>The raw text of a top-level property's value, or null when the object has none.</summary>
    public static string? TopLevel(string json, string property) => Of(json, property).Value;

    /// <summary>See <see cref="With(string, string)"/>.</summary>
    public static string With(string json, string property, string rawValue, string resourceVersion) =>
        Of(json, property).With(rawValue, resourceVersion);

    /// <summary>The property's raw text, or null when the object has none.</summary>
    public string? Value => _found.Value is { } v ? Encoding.UTF8.GetString(_bytes, v.Start, v.End - v.Start) : null;

    /// <summary>Whether the property's raw text is <paramref name="rawValue"/> (text, not JSON, equality).</summary>
    public bool ValueIs(string rawValue) =>
        _found.Value is { } v && _bytes.AsSpan(v.Start, v.End - v.Start).SequenceEqual(Encoding.UTF8.GetBytes(rawValue));

    /// <summary>
    /// The JSON with the property set to <paramref name="rawValue"/> (added at the end when missing) and
    /// metadata.resourceVersion set to <paramref name="resourceVersion"/> (added first in metadata when missing).
    /// <paramref name="rawValue"/> must be one JSON value; it is checked, not trusted.
    /// </summary>
    public string With(string rawValue, string resourceVersion)
    {
        var value = Encoding.UTF8.GetBytes(rawValue);
        var check = new Utf8JsonReader(value);
        // One complete value and nothing after it (Skip throws on a truncated one, the second Read on trailing text).
        if (!check.Read()) throw new JsonException($"the new value of {_property} is empty");
        check.Skip();
        if (check.Read()) throw new JsonException($"the new value of {_property} is more than one JSON value");

        var found = _found;
        var rv = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(resourceVersion));
        // The edits in the order they fall in the text: each replaces [Start, End) (an insertion when they are equal).
        var edits = new List<(int Start, int End, byte[] With)>(2);
        if (found.Version is { } v) edits.Add((v.Start, v.End, rv));
        else edits.Add((found.MetadataOpen, found.MetadataOpen, [.. "\"resourceVersion\":"u8, .. rv, .. (found.MetadataEmpty ? ""u8 : ","u8)]));
        if (found.Value is { } p) edits.Add((p.Start, p.End, value));
        else edits.Add((found.Close, found.Close, [.. (found.Empty ? ""u8 : ","u8), .. Encoding.UTF8.GetBytes(JsonSerializer.Serialize(_property)), .. ":"u8, .. value]));
        edits.Sort((a, b) => a.Start.CompareTo(b.Start));

        var output = new ArrayBufferWriter<byte>(_bytes.Length + value.Length);
        var at = 0;
        foreach (var (start, end, with) in edits)
        {
            output.Write(_bytes.AsSpan(at, start - at));
            output.Write(with);
            at = end;
        }
        output.Write(_bytes.AsSpan(at));
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    readonly record struct Found((int Start, int End)? Value, (int Start, int End)? Version, int MetadataOpen, bool MetadataEmpty, int Close, bool Empty);

    /// <summary>Where the property's value, metadata.resourceVersion's value, metadata's opening brace and the object's
    /// closing brace are (byte offsets).</summary>
    static Found Find(byte[] bytes, string property)
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
