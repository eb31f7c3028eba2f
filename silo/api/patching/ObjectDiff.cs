using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Silo.Api.Patching;

/// <summary>
/// What strict field validation (<c>fieldValidation=Strict</c>/<c>Warn</c>) reports: fields the typed model does
/// not know, and fields given twice. Paths are dotted with list indices in brackets, the way Kubernetes prints
/// them: <c>spec.template.spec.containers[0].imagee</c>.
/// </summary>
public static class ObjectDiff
{
    /// <summary>
    /// The paths of the keys present in <paramref name="original"/> but absent from <paramref name="roundTripped"/>
    /// (the same object after deserializing it to the typed model and serializing it back), in document order.
    /// Keys whose original value is null are ignored, as the model drops them anyway; below an unknown key
    /// nothing more is reported.
    /// </summary>
    public static IReadOnlyList<string> UnknownFields(JsonNode original, JsonNode roundTripped)
    {
        ArgumentNullException.ThrowIfNull(original);
        var unknown = new List<string>();
        Walk(original, roundTripped, "", unknown);
        return unknown;

        static void Walk(JsonNode? original, JsonNode? known, string path, List<string> unknown)
        {
            switch (original)
            {
                case JsonObject o:
                    if (known is not JsonObject k) return; // a different shape (e.g. int-or-string): not a field matter
                    foreach (var (name, value) in o)
                    {
                        if (PatchJson.IsNull(value)) continue;
                        var child = Join(path, name);
                        if (!k.TryGetPropertyValue(name, out var knownValue)) unknown.Add(child);
                        else Walk(value, knownValue, child, unknown);
                    }
                    break;
                case JsonArray a:
                    if (known is not JsonArray ka) return;
                    for (var i = 0; i < a.Count; i++)
                    {
                        if (PatchJson.IsNull(a[i])) continue;
                        var child = $"{path}[{i}]";
                        if (i >= ka.Count) unknown.Add(child);
                        else Walk(a[i], ka[i], child, unknown);
                    }
                    break;
            }
        }
    }

    /// <summary>
    /// The paths of the keys that occur more than once in the same object of the JSON text <paramref name="json"/>,
    /// each once, in the order their second occurrence is met. Malformed JSON throws <see cref="JsonException"/>.
    /// </summary>
    public static IReadOnlyList<string> DuplicateFields(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var duplicates = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = 1000 });
        var stack = new Stack<Frame>();
        string? propertyPath = null;

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var frame = stack.Peek();
                    var name = reader.GetString()!;
                    propertyPath = Join(frame.Path, name);
                    if (!frame.Keys!.Add(name) && seen.Add(propertyPath)) duplicates.Add(propertyPath);
                    break;
                case JsonTokenType.StartObject:
                    stack.Push(new Frame(ValuePath(), new HashSet<string>(StringComparer.Ordinal)));
                    break;
                case JsonTokenType.StartArray:
                    stack.Push(new Frame(ValuePath(), null));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.Pop();
                    break;
                case JsonTokenType.Comment:
                    break;
                default:
                    ValuePath();
                    break;
            }
        }
        return duplicates;

        // The path of the value the reader is at: the property just read, or the next index of the array.
        string ValuePath()
        {
            if (stack.Count == 0) return "";
            var top = stack.Peek();
            if (top.Keys != null) return propertyPath!;
            return $"{top.Path}[{top.NextIndex++}]";
        }
    }

    private sealed class Frame(string path, HashSet<string>? keys)
    {
        public string Path { get; } = path;
        public HashSet<string>? Keys { get; } = keys; // null for an array
        public int NextIndex { get; set; }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
