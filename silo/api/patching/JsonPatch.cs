using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Silo.Api.Patching;

/// <summary>A patch could not be applied; the message says why, in the words the Kubernetes API server uses.</summary>
public sealed class PatchException(string message) : Exception(message);

/// <summary>
/// RFC 6902 JSON patch (<c>application/json-patch+json</c>) with RFC 6901 JSON pointers.
/// Error messages follow the library the Kubernetes API server uses (evanphx/json-patch), e.g.
/// <c>add operation does not apply: doc is missing path: "/spec/foo": missing value</c> or
/// <c>testing value /spec/replicas failed: test failed</c>.
/// Where that library is laxer than the RFC, the RFC wins: <c>replace</c> of a missing member, negative or
/// zero-padded array indices, and a missing <c>value</c> are errors; <c>test</c> compares numbers by value.
/// The document passed in is never modified: the patch is applied to a copy, so a failing patch changes nothing.
/// </summary>
public static class JsonPatch
{
    /// <summary>Applies <paramref name="operations"/> in order to a copy of <paramref name="document"/> and returns the copy.</summary>
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(operations);
        var root = new Root(document.DeepClone());
        foreach (var node in operations)
        {
            if (node is not JsonObject op)
                throw new PatchException($"invalid JSON patch operation: expected an object, got {PatchJson.Describe(node)}");
            if (!op.TryGetPropertyValue("op", out var kindNode) || kindNode is null)
                throw new PatchException("invalid JSON patch operation: missing \"op\" field");
            if (kindNode.GetValueKind() != JsonValueKind.String)
                throw new PatchException($"invalid JSON patch operation {kindNode.ToJsonString()}");
            var kind = PatchJson.StringOf(kindNode);
            switch (kind)
            {
                case "add": Add(root, op); break;
                case "remove": Remove(root, op); break;
                case "replace": Replace(root, op); break;
                case "move": Move(root, op); break;
                case "copy": Copy(root, op); break;
                case "test": Test(root, op); break;
                default: throw new PatchException($"invalid JSON patch operation \"{kind}\"");
            }
        }
        return root.Value ?? throw new PatchException("the patch replaced the whole document with null");
    }

    /// <summary>Splits an RFC 6901 pointer into its unescaped reference tokens ("" is the whole document).</summary>
    public static IReadOnlyList<string> ParsePointer(string pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw new PatchException($"invalid JSON pointer \"{pointer}\": it must be empty or start with \"/\"");
        var tokens = new List<string>();
        foreach (var raw in pointer[1..].Split('/'))
        {
            for (var i = 0; i < raw.Length; i++)
                if (raw[i] == '~' && (i + 1 >= raw.Length || (raw[i + 1] != '0' && raw[i + 1] != '1')))
                    throw new PatchException($"invalid JSON pointer \"{pointer}\": \"~\" must be followed by 0 or 1");
            // RFC 6901 section 4: first ~1 to '/', then ~0 to '~', so "~01" becomes "~1".
            tokens.Add(raw.Replace("~1", "/").Replace("~0", "~"));
        }
        return tokens;
    }

    /// <summary>Escapes one reference token for use in a pointer ("~" as "~0", "/" as "~1").</summary>
    public static string EscapeToken(string token) => token.Replace("~", "~0").Replace("/", "~1");

    private sealed class Root(JsonNode? value)
    {
        public JsonNode? Value = value;
    }

    // The container that holds the last token of a path, or null if some part of the path is missing.
    private sealed record Target(JsonNode Container, string Key);

    private static string PathOf(JsonObject op, string kind, string field = "path")
    {
        if (!op.TryGetPropertyValue(field, out var p) || p is null)
            throw new PatchException(field == "path"
                ? $"{kind} operation failed to decode path: missing value"
                : $"{kind} operation failed to decode from: missing value");
        if (p.GetValueKind() != JsonValueKind.String)
            throw new PatchException($"{kind} operation failed to decode {field}: {p.ToJsonString()} is not a string");
        return PatchJson.StringOf(p);
    }

    private static JsonNode? ValueOf(JsonObject op, string kind)
    {
        if (!op.TryGetPropertyValue("value", out var v))
            throw new PatchException($"{kind} operation, missing value field: missing value");
        return v?.DeepClone();
    }

    // Walks all tokens but the last. Null when an intermediate member or index is missing or is not a container.
    private static Target? Find(Root root, IReadOnlyList<string> tokens)
    {
        var current = root.Value;
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            current = current switch
            {
                JsonObject o => o.TryGetPropertyValue(tokens[i], out var child) ? child : null,
                JsonArray a => TryIndex(tokens[i], a.Count, out var idx) ? a[idx] : null,
                _ => null,
            };
            if (current is null) return null;
        }
        return current is JsonObject or JsonArray ? new Target(current, tokens[^1]) : null;
    }

    private static bool TryIndex(string token, int count, out int index)
    {
        index = -1;
        if (token.Length == 0 || token.Length > 9 || (token.Length > 1 && token[0] == '0')) return false;
        foreach (var c in token) if (c < '0' || c > '9') return false;
        index = int.Parse(token, CultureInfo.InvariantCulture);
        return index < count;
    }

    // Index check for an existing element; the message matches evanphx/json-patch.
    private static int ExistingIndex(JsonArray array, string token)
    {
        if (!IsIndexSyntax(token))
            throw new PatchException(token.StartsWith('-') && token.Length > 1 && token[1..].All(char.IsAsciiDigit)
                ? $"Unable to access invalid index: {token}: invalid index referenced"
                : $"strconv.Atoi: parsing \"{token}\": invalid syntax");
        if (!TryIndex(token, array.Count, out var idx))
            throw new PatchException($"Unable to access invalid index: {token}: invalid index referenced");
        return idx;
    }

    private static bool IsIndexSyntax(string token) =>
        token.Length > 0 && token.All(char.IsAsciiDigit) && (token.Length == 1 || token[0] != '0');

    private static void Insert(Target target, JsonNode? value, string kind, string path)
    {
        switch (target.Container)
        {
            case JsonObject o:
                o[target.Key] = value;
                break;
            case JsonArray a:
                if (target.Key == "-") { a.Add(value); break; }
                if (!IsIndexSyntax(target.Key))
                    throw new PatchException(target.Key.StartsWith('-') && target.Key.Length > 1 && target.Key[1..].All(char.IsAsciiDigit)
                        ? $"error in {kind} for path: '{path}': Unable to access invalid index: {target.Key}: invalid index referenced"
                        : $"error in {kind} for path: '{path}': value was not a proper array index: '{target.Key}': strconv.Atoi: parsing \"{target.Key}\": invalid syntax");
                if (!TryIndex(target.Key, a.Count + 1, out var idx))
                    throw new PatchException($"error in {kind} for path: '{path}': Unable to access invalid index: {target.Key}: invalid index referenced");
                a.Insert(idx, value);
                break;
        }
    }

    private static JsonNode? Get(Target target, out bool found)
    {
        found = false;
        switch (target.Container)
        {
            case JsonObject o:
                found = o.TryGetPropertyValue(target.Key, out var v);
                return v;
            case JsonArray a:
                if (!IsIndexSyntax(target.Key) || !TryIndex(target.Key, a.Count, out var idx)) return null;
                found = true;
                return a[idx];
        }
        return null;
    }

    private static JsonNode? Detach(Target target, string kind, string path)
    {
        switch (target.Container)
        {
            case JsonObject o:
                if (!o.TryGetPropertyValue(target.Key, out var v))
                    throw new PatchException($"error in {kind} for path: '{path}': Unable to remove nonexistent key: {target.Key}: missing value");
                o.Remove(target.Key);
                return v;
            case JsonArray a:
                int idx;
                try { idx = ExistingIndex(a, target.Key); }
                catch (PatchException e) { throw new PatchException($"error in {kind} for path: '{path}': {e.Message}"); }
                var item = a[idx];
                a.RemoveAt(idx);
                return item;
        }
        return null;
    }

    private static void Add(Root root, JsonObject op)
    {
        var path = PathOf(op, "add");
        var tokens = ParsePointer(path);
        var value = ValueOf(op, "add");
        if (tokens.Count == 0) { root.Value = value; return; }
        var target = Find(root, tokens) ?? throw new PatchException($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        Insert(target, value, "add", path);
    }

    private static void Remove(Root root, JsonObject op)
    {
        var path = PathOf(op, "remove");
        var tokens = ParsePointer(path);
        if (tokens.Count == 0) throw new PatchException("remove operation does not apply: the document root cannot be removed");
        var target = Find(root, tokens) ?? throw new PatchException($"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        Detach(target, "remove", path);
    }

    private static void Replace(Root root, JsonObject op)
    {
        var path = PathOf(op, "replace");
        var tokens = ParsePointer(path);
        var value = ValueOf(op, "replace");
        if (tokens.Count == 0) { root.Value = value; return; }
        var target = Find(root, tokens) ?? throw new PatchException($"replace operation does not apply: doc is missing path: {path}: missing value");
        Get(target, out var found);
        if (!found) throw new PatchException($"replace operation does not apply: doc is missing key: {path}: missing value");
        switch (target.Container)
        {
            case JsonObject o: o[target.Key] = value; break;
            case JsonArray a: a[ExistingIndex(a, target.Key)] = value; break;
        }
    }

    private static void Move(Root root, JsonObject op)
    {
        var from = PathOf(op, "move", "from");
        var path = PathOf(op, "move");
        var fromTokens = ParsePointer(from);
        var pathTokens = ParsePointer(path);
        if (from == path) return;
        if (path.StartsWith(from + "/", StringComparison.Ordinal) || fromTokens.Count == 0)
            throw new PatchException($"move operation does not apply: \"from\" {from} is a proper prefix of \"path\" {path}");
        var source = Find(root, fromTokens) ?? throw new PatchException($"move operation does not apply: doc is missing from path: {from}: missing value");
        var value = Detach(source, "move", from);
        if (pathTokens.Count == 0) { root.Value = value; return; }
        var target = Find(root, pathTokens) ?? throw new PatchException($"move operation does not apply: doc is missing destination path: {path}: missing value");
        Insert(target, value, "move", path);
    }

    private static void Copy(Root root, JsonObject op)
    {
        var from = PathOf(op, "copy", "from");
        var path = PathOf(op, "copy");
        var fromTokens = ParsePointer(from);
        var pathTokens = ParsePointer(path);
        JsonNode? value;
        if (fromTokens.Count == 0) value = root.Value?.DeepClone();
        else
        {
            var source = Find(root, fromTokens) ?? throw new PatchException($"copy operation does not apply: doc is missing from path: {from}: missing value");
            value = Get(source, out var found)?.DeepClone();
            if (!found) throw new PatchException($"copy operation does not apply: doc is missing from path: {from}: missing value");
        }
        if (pathTokens.Count == 0) { root.Value = value; return; }
        var target = Find(root, pathTokens) ?? throw new PatchException($"copy operation does not apply: doc is missing destination path: {path}: missing value");
        Insert(target, value, "copy", path);
    }

    private static void Test(Root root, JsonObject op)
    {
        var path = PathOf(op, "test");
        var tokens = ParsePointer(path);
        var expected = ValueOf(op, "test");
        JsonNode? actual;
        if (tokens.Count == 0) actual = root.Value;
        else
        {
            var target = Find(root, tokens) ?? throw new PatchException($"test operation does not apply: is missing path: {path}: missing value");
            actual = Get(target, out var found);
            if (!found) throw new PatchException($"testing value {path} failed: test failed");
        }
        if (!PatchJson.DeepEquals(actual, expected)) throw new PatchException($"testing value {path} failed: test failed");
    }
}

/// <summary>Helpers shared by the patch implementations.</summary>
internal static class PatchJson
{
    public static bool IsNull(JsonNode? node) => node is null || node.GetValueKind() == JsonValueKind.Null;

    /// <summary>The coarse JSON type (object, array, string, number, boolean, null), as Go's decoded types differ.</summary>
    public static string TypeOf(JsonNode? node) => node is null ? "null" : node.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>The text of a string node, whatever CLR value backs it.</summary>
    public static string StringOf(JsonNode node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : JsonSerializer.Deserialize<string>(node.ToJsonString())!;

    /// <summary>RFC 6902 section 4.6 equality: numbers by value, objects ignoring member order, arrays in order.</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        var ta = TypeOf(a);
        if (ta != TypeOf(b)) return false;
        switch (ta)
        {
            case "null": return true;
            case "boolean": return a!.GetValueKind() == b!.GetValueKind();
            case "string": return StringOf(a!) == StringOf(b!);
            case "number": return NumbersEqual(a!, b!);
            case "array":
                var xa = (JsonArray)a!; var xb = (JsonArray)b!;
                if (xa.Count != xb.Count) return false;
                for (var i = 0; i < xa.Count; i++) if (!DeepEquals(xa[i], xb[i])) return false;
                return true;
            default:
                var oa = (JsonObject)a!; var ob = (JsonObject)b!;
                if (oa.Count != ob.Count) return false;
                foreach (var (k, v) in oa)
                    if (!ob.TryGetPropertyValue(k, out var w) || !DeepEquals(v, w)) return false;
                return true;
        }
    }

    private static bool NumbersEqual(JsonNode a, JsonNode b)
    {
        string sa = a.ToJsonString(), sb = b.ToJsonString();
        if (sa == sb) return true;
        if (decimal.TryParse(sa, NumberStyles.Float, CultureInfo.InvariantCulture, out var da) &&
            decimal.TryParse(sb, NumberStyles.Float, CultureInfo.InvariantCulture, out var db))
            return da == db;
        return double.Parse(sa, NumberStyles.Float, CultureInfo.InvariantCulture) ==
               double.Parse(sb, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>A short description of a node for error messages.</summary>
    public static string Describe(JsonNode? node) => node is null ? "null" : TypeOf(node) + " " + node.ToJsonString();

    /// <summary>Renders a value the way Go's %v prints a decoded JSON value (map[k:v], [a b], &lt;nil&gt;).</summary>
    public static string GoFormat(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();

        static void Write(StringBuilder sb, JsonNode? node)
        {
            switch (TypeOf(node))
            {
                case "null": sb.Append("<nil>"); break;
                case "string": sb.Append(StringOf(node!)); break;
                case "boolean": sb.Append(node!.GetValueKind() == JsonValueKind.True ? "true" : "false"); break;
                case "number":
                    var d = double.Parse(node!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                    // Go's %v is %g with the shortest representation: an exponent below 1e-4 and from 1e6 on.
                    var exponent = d != 0 && (Math.Abs(d) < 1e-4 || Math.Abs(d) >= 1e6);
                    sb.Append(d.ToString(exponent ? "0.################e+00" : "0.################", CultureInfo.InvariantCulture));
                    break;
                case "array":
                    sb.Append('[');
                    var first = true;
                    foreach (var item in (JsonArray)node!)
                    {
                        if (!first) sb.Append(' ');
                        first = false;
                        Write(sb, item);
                    }
                    sb.Append(']');
                    break;
                default:
                    sb.Append("map[");
                    var firstKey = true;
                    foreach (var (k, v) in ((JsonObject)node!).OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        if (!firstKey) sb.Append(' ');
                        firstKey = false;
                        sb.Append(k).Append(':');
                        Write(sb, v);
                    }
                    sb.Append(']');
                    break;
            }
        }
    }

    /// <summary>The Go type name of a decoded JSON value, for "expected a X, but received a Y" messages.</summary>
    public static string GoType(JsonNode? node) => TypeOf(node) switch
    {
        "object" => "map[string]interface {}",
        "array" => "[]interface {}",
        "string" => "string",
        "number" => "float64",
        "boolean" => "bool",
        _ => "%!s(<nil>)",
    };
}
