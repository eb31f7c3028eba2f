using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace Cluster.Printing;

/// <summary>
/// <c>-o yaml</c> and <c>-o json</c> output as kubectl prints it.
/// Objects are serialized with <see cref="KubernetesJson"/>, then printed the way kubectl prints the
/// (unstructured) objects it receives: keys sorted, metadata.managedFields dropped, apiVersion/kind filled in,
/// JSON indented by 4 spaces with Go's escaping, YAML emitted with go-yaml v2's style rules.
/// </summary>
public static class Output
{
    /// <summary>kubectl -o yaml for one object.</summary>
    public static string Yaml(object obj) => GoYaml.Emit(ToNode(obj));

    /// <summary>kubectl -o json for one object (4-space indent, trailing newline).</summary>
    public static string Json(object obj) => GoJson.Write(ToNode(obj)) + "\n";

    /// <summary>kubectl -o yaml for several objects: a v1 List.</summary>
    public static string YamlList(IEnumerable<object> objects) => GoYaml.Emit(ListNode(objects));

    /// <summary>kubectl -o json for several objects: a v1 List.</summary>
    public static string JsonList(IEnumerable<object> objects) => GoJson.Write(ListNode(objects)) + "\n";

    /// <summary>
    /// The YAML that <see cref="KubernetesYaml.Serialize(object)"/> produces. Kept for callers that want the
    /// client library's formatting; it differs from kubectl in key order (apiVersion/kind/metadata are hoisted
    /// in every nested object, e.g. ownerReferences) and MicroTime precision.
    /// </summary>
    public static string KubernetesClientYaml(object obj) => KubernetesYaml.Serialize(obj);

    private static JsonObject ListNode(IEnumerable<object> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var items = new JsonArray();
        foreach (var o in objects)
        {
            items.Add(ToNode(o));
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["items"] = items,
            ["kind"] = "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = "" },
        };
    }

    /// <summary>The object as a JSON tree, shaped like kubectl prints it.</summary>
    internal static JsonNode? ToNode(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        JsonNode? node = obj switch
        {
            JsonNode n => n.DeepClone(),
            JsonElement e => JsonNode.Parse(e.GetRawText()),
            string s => JsonValue.Create(s),
            _ => JsonNode.Parse(KubernetesJson.Serialize(obj)),
        };
        if (node is JsonObject o)
        {
            FillTypeMeta(o, obj.GetType());
            if (o["metadata"] is JsonObject meta)
            {
                // kubectl get -o yaml/json hides managedFields unless --show-managed-fields is given.
                meta.Remove("managedFields");
            }
        }
        return node;
    }

    private static void FillTypeMeta(JsonObject o, Type type)
    {
        var attr = type.GetCustomAttribute<KubernetesEntityAttribute>();
        if (attr is null)
        {
            return;
        }
        if (o["apiVersion"] is null && !string.IsNullOrEmpty(attr.ApiVersion))
        {
            o["apiVersion"] = string.IsNullOrEmpty(attr.Group) ? attr.ApiVersion : $"{attr.Group}/{attr.ApiVersion}";
        }
        if (o["kind"] is null && !string.IsNullOrEmpty(attr.Kind))
        {
            o["kind"] = attr.Kind;
        }
    }
}

/// <summary>Go's encoding/json MarshalIndent(obj, "", "    ") of an unstructured object.</summary>
internal static class GoJson
{
    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteNode(sb, node, 0);
        return sb.ToString();
    }

    private static void WriteNode(StringBuilder sb, JsonNode? node, int depth)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                if (obj.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }
                sb.Append("{\n");
                bool first = true;
                // Go sorts map keys by their UTF-8 bytes.
                foreach (var kv in obj.OrderBy(kv => kv.Key, Utf8Comparer.Instance))
                {
                    if (!first)
                    {
                        sb.Append(",\n");
                    }
                    first = false;
                    Indent(sb, depth + 1);
                    Quote(sb, kv.Key);
                    sb.Append(": ");
                    WriteNode(sb, kv.Value, depth + 1);
                }
                sb.Append('\n');
                Indent(sb, depth);
                sb.Append('}');
                break;
            case JsonArray arr:
                if (arr.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }
                sb.Append("[\n");
                for (int i = 0; i < arr.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(",\n");
                    }
                    Indent(sb, depth + 1);
                    WriteNode(sb, arr[i], depth + 1);
                }
                sb.Append('\n');
                Indent(sb, depth);
                sb.Append(']');
                break;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        Quote(sb, v.GetValue<string>());
                        break;
                    case JsonValueKind.True:
                        sb.Append("true");
                        break;
                    case JsonValueKind.False:
                        sb.Append("false");
                        break;
                    case JsonValueKind.Null:
                        sb.Append("null");
                        break;
                    default:
                        sb.Append(v.ToJsonString());
                        break;
                }
                break;
        }
    }

    private static void Indent(StringBuilder sb, int depth) => sb.Append(' ', depth * 4);

    private const string Hex = "0123456789abcdef";

    /// <summary>Go's JSON string encoding with HTML escaping (&lt; &gt; &amp; as \u003c \u003e \u0026).</summary>
    internal static void Quote(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<':
                case '>':
                case '&':
                case '\u2028':
                case '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u00").Append(Hex[c >> 4]).Append(Hex[c & 0xF]);
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}

/// <summary>Orders strings by their UTF-8 bytes (Go's string order).</summary>
internal sealed class Utf8Comparer : IComparer<string>
{
    public static readonly Utf8Comparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null)
        {
            return -1;
        }
        if (y is null)
        {
            return 1;
        }
        // Ordinal UTF-16 order equals UTF-8 byte order except around surrogates; compare by code point.
        var ex = x.EnumerateRunes().GetEnumerator();
        var ey = y.EnumerateRunes().GetEnumerator();
        while (true)
        {
            bool hx = ex.MoveNext();
            bool hy = ey.MoveNext();
            if (!hx || !hy)
            {
                return hx == hy ? 0 : (hx ? 1 : -1);
            }
            int c = ex.Current.Value.CompareTo(ey.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }
}

/// <summary>
/// Emits a JSON tree as YAML exactly like sigs.k8s.io/yaml (go-yaml v2) does for kubectl:
/// block style, keys in go-yaml's natural order, sequences not indented inside mappings,
/// strings quoted only when they would read back as another type, literal blocks for multi-line
/// strings, and long scalars folded at 80 columns.
/// </summary>
internal sealed class GoYaml
{
    private const int BestIndent = 2;
    private const int BestWidth = 80;

    private readonly StringBuilder _sb = new();
    private int _column;
    private bool _whitespace = true;  // last char written was whitespace
    private bool _indention = true;   // only indentation written on this line so far

    public static string Emit(JsonNode? root)
    {
        var e = new GoYaml();
        e.EmitRoot(root);
        return e._sb.ToString();
    }

    private void EmitRoot(JsonNode? root)
    {
        switch (root)
        {
            case JsonObject o when o.Count > 0:
                EmitMapping(o, 0);
                break;
            case JsonArray a when a.Count > 0:
                EmitSequence(a, 0);
                break;
            default:
                EmitNode(root, 0, simpleKey: false, indentForScalar: BestIndent);
                break;
        }
        if (_column > 0)
        {
            PutBreak();
        }
    }

    // ---- structure

    private void EmitMapping(JsonObject o, int indent)
    {
        foreach (var kv in o.OrderBy(kv => kv.Key, GoYamlKeyComparer.Instance))
        {
            WriteIndent(indent);
            WriteScalar(kv.Key, indent + BestIndent, simpleKey: true);
            WriteIndicator(":", needWhitespace: false, isWhitespace: false, isIndention: false);
            EmitValue(kv.Value, indent, inMapping: true);
        }
    }

    private void EmitSequence(JsonArray a, int indent)
    {
        foreach (var item in a)
        {
            WriteIndent(indent);
            WriteIndicator("-", needWhitespace: true, isWhitespace: false, isIndention: true);
            EmitValue(item, indent, inMapping: false);
        }
    }

    /// <summary>Emits a mapping value or sequence item; <paramref name="indent"/> is the parent's indent.</summary>
    private void EmitValue(JsonNode? value, int indent, bool inMapping)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                EmitMapping(o, indent + BestIndent);
                break;
            case JsonArray a when a.Count > 0:
                // Block sequences are "indentless" as mapping values (only when a newline precedes them).
                EmitSequence(a, inMapping && !_indention ? indent : indent + BestIndent);
                break;
            default:
                EmitNode(value, indent, simpleKey: false, indentForScalar: indent + BestIndent);
                break;
        }
    }

    private void EmitNode(JsonNode? value, int indent, bool simpleKey, int indentForScalar)
    {
        switch (value)
        {
            case null:
                WritePlain("null", indentForScalar, allowBreaks: !simpleKey);
                break;
            case JsonObject:
                WriteIndicator("{", needWhitespace: true, isWhitespace: true, isIndention: false);
                WriteIndicator("}", needWhitespace: false, isWhitespace: false, isIndention: false);
                break;
            case JsonArray:
                WriteIndicator("[", needWhitespace: true, isWhitespace: true, isIndention: false);
                WriteIndicator("]", needWhitespace: false, isWhitespace: false, isIndention: false);
                break;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        WriteScalar(v.GetValue<string>(), indentForScalar, simpleKey);
                        break;
                    case JsonValueKind.True:
                        WritePlain("true", indentForScalar, !simpleKey);
                        break;
                    case JsonValueKind.False:
                        WritePlain("false", indentForScalar, !simpleKey);
                        break;
                    case JsonValueKind.Number:
                        WritePlain(FormatNumber(v.ToJsonString()), indentForScalar, !simpleKey);
                        break;
                    default:
                        WritePlain("null", indentForScalar, !simpleKey);
                        break;
                }
                break;
        }
    }

    /// <summary>JSON numbers come back from go-yaml as int (verbatim) or float64 (strconv 'g' formatting).</summary>
    internal static string FormatNumber(string raw)
    {
        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return raw;
        }
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double f))
        {
            return raw;
        }
        if (double.IsPositiveInfinity(f))
        {
            return ".inf";
        }
        if (double.IsNegativeInfinity(f))
        {
            return "-.inf";
        }
        if (double.IsNaN(f))
        {
            return ".nan";
        }
        return GoFormatFloatG(f);
    }

    /// <summary>strconv.FormatFloat(f, 'g', -1, 64).</summary>
    internal static string GoFormatFloatG(double f)
    {
        if (f == 0)
        {
            return double.IsNegative(f) ? "-0" : "0";
        }
        // Shortest round-trip digits and decimal exponent.
        string r = f.ToString("R", CultureInfo.InvariantCulture);
        // Derive shortest digits from "R" (which may itself be in E notation).
        bool neg = r.StartsWith('-');
        string body = neg ? r[1..] : r;
        int exp10;
        string mantissa = body;
        int eIdx = body.IndexOfAny(['E', 'e']);
        int extraExp = 0;
        if (eIdx >= 0)
        {
            extraExp = int.Parse(body[(eIdx + 1)..], CultureInfo.InvariantCulture);
            mantissa = body[..eIdx];
        }
        int dot = mantissa.IndexOf('.');
        string intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        string fracPart = dot >= 0 ? mantissa[(dot + 1)..] : string.Empty;
        string digits = (intPart + fracPart).TrimStart('0');
        int leadingZeros = (intPart + fracPart).Length - (intPart + fracPart).TrimStart('0').Length;
        int dp = intPart.Length - leadingZeros + extraExp; // decimal point position relative to digits
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }
        int nd = digits.Length;
        int eprec = 6;
        if (eprec > nd && nd >= dp)
        {
            eprec = nd;
        }
        exp10 = dp - 1;
        var sb = new StringBuilder();
        if (neg)
        {
            sb.Append('-');
        }
        if (exp10 < -4 || exp10 >= eprec)
        {
            sb.Append(digits[0]);
            if (nd > 1)
            {
                sb.Append('.').Append(digits, 1, nd - 1);
            }
            sb.Append('e').Append(exp10 < 0 ? '-' : '+');
            int ax = Math.Abs(exp10);
            sb.Append(ax < 10 ? "0" + ax.ToString(CultureInfo.InvariantCulture) : ax.ToString(CultureInfo.InvariantCulture));
            return sb.ToString();
        }
        if (dp <= 0)
        {
            sb.Append("0.").Append('0', -dp).Append(digits);
        }
        else if (dp >= nd)
        {
            sb.Append(digits).Append('0', dp - nd);
        }
        else
        {
            sb.Append(digits, 0, dp).Append('.').Append(digits, dp, nd - dp);
        }
        return sb.ToString();
    }

    // ---- scalars

    private void WriteScalar(string s, int indent, bool simpleKey)
    {
        // encoder.stringv: plain only when the text would read back as a string.
        bool canUsePlain = GoYamlResolve.IsPlainString(s) && !GoYamlResolve.IsBase60Float(s);
        Style style = s.Contains('\n') ? Style.Literal : canUsePlain ? Style.Plain : Style.DoubleQuoted;

        var a = Analyze(s);
        // emitter.select_scalar_style
        if (simpleKey && a.Multiline)
        {
            style = Style.DoubleQuoted;
        }
        if (style == Style.Plain)
        {
            if (!a.BlockPlainAllowed)
            {
                style = Style.SingleQuoted;
            }
            if (s.Length == 0 && simpleKey)
            {
                style = Style.SingleQuoted;
            }
        }
        if (style == Style.SingleQuoted && !a.SingleQuotedAllowed)
        {
            style = Style.DoubleQuoted;
        }
        if (style == Style.Literal && (!a.BlockAllowed || simpleKey))
        {
            style = Style.DoubleQuoted;
        }

        switch (style)
        {
            case Style.Plain:
                WritePlain(s, indent, !simpleKey);
                break;
            case Style.SingleQuoted:
                WriteSingleQuoted(s, indent, !simpleKey);
                break;
            case Style.DoubleQuoted:
                WriteDoubleQuoted(s, indent, !simpleKey);
                break;
            case Style.Literal:
                WriteLiteral(s, indent);
                break;
        }
    }

    private enum Style { Plain, SingleQuoted, DoubleQuoted, Literal }

    private readonly record struct Analysis(bool Multiline, bool BlockPlainAllowed, bool SingleQuotedAllowed, bool BlockAllowed);

    /// <summary>yaml_emitter_analyze_scalar (block context).</summary>
    private static Analysis Analyze(string value)
    {
        if (value.Length == 0)
        {
            return new Analysis(false, true, true, false);
        }
        var runes = value.EnumerateRunes().Select(r => r.Value).ToArray();
        bool blockIndicators = false, lineBreaks = false, specialCharacters = false;
        bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
        bool breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;

        if (value.StartsWith("---", StringComparison.Ordinal) || value.StartsWith("...", StringComparison.Ordinal))
        {
            blockIndicators = true;
        }

        bool precededByWhitespace = true;
        for (int i = 0; i < runes.Length; i++)
        {
            int c = runes[i];
            bool followedByWhitespace = i + 1 >= runes.Length || IsBlank(runes[i + 1]);
            if (i == 0)
            {
                switch (c)
                {
                    case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
                    case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
                        blockIndicators = true;
                        break;
                    case '?':
                    case ':':
                        if (followedByWhitespace)
                        {
                            blockIndicators = true;
                        }
                        break;
                    case '-':
                        if (followedByWhitespace)
                        {
                            blockIndicators = true;
                        }
                        break;
                }
            }
            else
            {
                switch (c)
                {
                    case ':':
                        if (followedByWhitespace)
                        {
                            blockIndicators = true;
                        }
                        break;
                    case '#':
                        if (precededByWhitespace)
                        {
                            blockIndicators = true;
                        }
                        break;
                }
            }

            if (!IsPrintable(c))
            {
                specialCharacters = true;
            }
            if (c == ' ')
            {
                if (i == 0)
                {
                    leadingSpace = true;
                }
                if (i == runes.Length - 1)
                {
                    trailingSpace = true;
                }
                if (previousBreak)
                {
                    breakSpace = true;
                }
                previousSpace = true;
                previousBreak = false;
            }
            else if (IsBreak(c))
            {
                lineBreaks = true;
                if (i == 0)
                {
                    leadingBreak = true;
                }
                if (i == runes.Length - 1)
                {
                    trailingBreak = true;
                }
                if (previousSpace)
                {
                    spaceBreak = true;
                }
                previousSpace = false;
                previousBreak = true;
            }
            else
            {
                previousSpace = false;
                previousBreak = false;
            }
            precededByWhitespace = IsBlank(c) || IsBreak(c) || c == 0;
        }

        bool blockPlain = true, singleQuoted = true, block = true;
        if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
        {
            blockPlain = false;
        }
        if (trailingSpace)
        {
            block = false;
        }
        if (breakSpace)
        {
            blockPlain = false;
            singleQuoted = false;
        }
        if (spaceBreak || specialCharacters)
        {
            blockPlain = false;
            singleQuoted = false;
            block = false;
        }
        if (lineBreaks)
        {
            blockPlain = false;
        }
        if (blockIndicators)
        {
            blockPlain = false;
        }
        return new Analysis(lineBreaks, blockPlain, singleQuoted, block);
    }

    private static bool IsBlank(int c) => c == ' ' || c == '\t';

    private static bool IsBreak(int c) => c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;

    private static bool IsPrintable(int c) =>
        c == 0x0A
        || (c >= 0x20 && c <= 0x7E)
        || (c >= 0xA0 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);

    private void WritePlain(string value, int indent, bool allowBreaks)
    {
        if (!_whitespace)
        {
            Put(' ');
        }
        var runes = value.EnumerateRunes().ToArray();
        bool spaces = false;
        for (int i = 0; i < runes.Length; i++)
        {
            var r = runes[i];
            if (r.Value == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && i + 1 < runes.Length && runes[i + 1].Value != ' ')
                {
                    WriteIndent(indent);
                }
                else
                {
                    Put(r);
                }
                spaces = true;
            }
            else
            {
                Put(r);
                spaces = false;
            }
        }
        _whitespace = false;
        _indention = false;
    }

    private void WriteSingleQuoted(string value, int indent, bool allowBreaks)
    {
        WriteIndicator("'", needWhitespace: true, isWhitespace: false, isIndention: false);
        var runes = value.EnumerateRunes().ToArray();
        bool spaces = false;
        for (int i = 0; i < runes.Length; i++)
        {
            var r = runes[i];
            if (r.Value == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && i > 0 && i < runes.Length - 1 && runes[i + 1].Value != ' ')
                {
                    WriteIndent(indent);
                }
                else
                {
                    Put(r);
                }
                spaces = true;
            }
            else
            {
                if (r.Value == '\'')
                {
                    Put('\'');
                }
                Put(r);
                _indention = false;
                spaces = false;
            }
        }
        WriteIndicator("'", needWhitespace: false, isWhitespace: false, isIndention: false);
        _whitespace = false;
        _indention = false;
    }

    private void WriteDoubleQuoted(string value, int indent, bool allowBreaks)
    {
        WriteIndicator("\"", needWhitespace: true, isWhitespace: false, isIndention: false);
        var runes = value.EnumerateRunes().ToArray();
        bool spaces = false;
        for (int i = 0; i < runes.Length; i++)
        {
            int v = runes[i].Value;
            if (!IsPrintable(v) || v == 0xFEFF || IsBreak(v) || v == '"' || v == '\\')
            {
                Put('\\');
                switch (v)
                {
                    case 0x00: Put('0'); break;
                    case 0x07: Put('a'); break;
                    case 0x08: Put('b'); break;
                    case 0x09: Put('t'); break;
                    case 0x0A: Put('n'); break;
                    case 0x0B: Put('v'); break;
                    case 0x0C: Put('f'); break;
                    case 0x0D: Put('r'); break;
                    case 0x1B: Put('e'); break;
                    case 0x22: Put('"'); break;
                    case 0x5C: Put('\\'); break;
                    case 0x85: Put('N'); break;
                    case 0xA0: Put('_'); break;
                    case 0x2028: Put('L'); break;
                    case 0x2029: Put('P'); break;
                    default:
                        int w;
                        if (v <= 0xFF)
                        {
                            Put('x');
                            w = 2;
                        }
                        else if (v <= 0xFFFF)
                        {
                            Put('u');
                            w = 4;
                        }
                        else
                        {
                            Put('U');
                            w = 8;
                        }
                        for (int k = (w - 1) * 4; k >= 0; k -= 4)
                        {
                            int digit = (v >> k) & 0x0F;
                            Put((char)(digit < 10 ? '0' + digit : 'A' + digit - 10));
                        }
                        break;
                }
                spaces = false;
            }
            else if (v == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && i != 0 && i != runes.Length - 1)
                {
                    WriteIndent(indent);
                    if (i + 1 < runes.Length && runes[i + 1].Value == ' ')
                    {
                        Put('\\');
                    }
                }
                else
                {
                    Put(runes[i]);
                }
                spaces = true;
            }
            else
            {
                Put(runes[i]);
                spaces = false;
            }
        }
        WriteIndicator("\"", needWhitespace: false, isWhitespace: false, isIndention: false);
        _whitespace = false;
        _indention = false;
    }

    private void WriteLiteral(string value, int indent)
    {
        WriteIndicator("|", needWhitespace: true, isWhitespace: false, isIndention: false);
        var runes = value.EnumerateRunes().Select(r => r.Value).ToArray();
        // yaml_emitter_write_block_scalar_hints
        if (runes.Length > 0 && (runes[0] == ' ' || IsBreak(runes[0])))
        {
            WriteIndicator(BestIndent.ToString(CultureInfo.InvariantCulture), false, false, false);
        }
        string? chomp = null;
        if (runes.Length == 0)
        {
            chomp = "-";
        }
        else if (!IsBreak(runes[^1]))
        {
            chomp = "-";
        }
        else if (runes.Length == 1)
        {
            chomp = "+";
        }
        else if (IsBreak(runes[^2]))
        {
            chomp = "+";
        }
        if (chomp is not null)
        {
            WriteIndicator(chomp, false, false, false);
        }
        PutBreak();
        _indention = true;
        _whitespace = true;
        bool breaks = true;
        foreach (int c in runes)
        {
            if (IsBreak(c))
            {
                if (c == '\n')
                {
                    PutBreak();
                }
                else
                {
                    _sb.Append(char.ConvertFromUtf32(c));
                    _column = 0;
                }
                _indention = true;
                breaks = true;
            }
            else
            {
                if (breaks)
                {
                    WriteIndent(indent);
                    breaks = false;
                }
                _sb.Append(char.ConvertFromUtf32(c));
                _column++;
                _indention = false;
            }
        }
    }

    // ---- low level writer (go-yaml emitter primitives)

    private void WriteIndent(int indent)
    {
        if (indent < 0)
        {
            indent = 0;
        }
        if (!_indention || _column > indent || (_column == indent && !_whitespace))
        {
            PutBreak();
        }
        while (_column < indent)
        {
            Put(' ');
        }
        _whitespace = true;
        _indention = true;
    }

    private void WriteIndicator(string indicator, bool needWhitespace, bool isWhitespace, bool isIndention)
    {
        if (needWhitespace && !_whitespace)
        {
            Put(' ');
        }
        foreach (char c in indicator)
        {
            Put(c);
        }
        _whitespace = isWhitespace;
        _indention = _indention && isIndention;
    }

    private void Put(char c)
    {
        _sb.Append(c);
        _column++;
    }

    private void Put(Rune r)
    {
        _sb.Append(r.ToString());
        _column++;
    }

    private void PutBreak()
    {
        _sb.Append('\n');
        _column = 0;
    }
}

/// <summary>go-yaml v2's resolve(): which plain scalars would read back as something other than a string.</summary>
internal static class GoYamlResolve
{
    private static readonly HashSet<string> NonStrings = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
        "", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        // "<<" (merge) is in go-yaml's map too, but '<' has no resolve hint, so it stays a plain string.
    };

    private static readonly Regex YamlStyleFloat = new(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);
    private static readonly Regex Base60Float = new(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$", RegexOptions.CultureInvariant);

    /// <summary>True when the unquoted text resolves to !!str.</summary>
    public static bool IsPlainString(string s)
    {
        if (NonStrings.Contains(s))
        {
            return false;
        }
        char hint = s[0];
        if (hint == '.')
        {
            return !GoParseFloat(s);
        }
        if (hint is '+' or '-' || (hint >= '0' && hint <= '9'))
        {
            if (IsTimestamp(s))
            {
                return false;
            }
            string plain = s.Replace("_", string.Empty, StringComparison.Ordinal);
            if (IsGoInt(plain))
            {
                return false;
            }
            if (YamlStyleFloat.IsMatch(plain))
            {
                return false;
            }
            if (plain.StartsWith("0b", StringComparison.Ordinal) && IsBinary(plain[2..]))
            {
                return false;
            }
            if (plain.StartsWith("-0b", StringComparison.Ordinal) && IsBinary(plain[3..]))
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsBase60Float(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }
        char c = s[0];
        if (!(c == '+' || c == '-' || (c >= '0' && c <= '9')) || !s.Contains(':'))
        {
            return false;
        }
        return Base60Float.IsMatch(s);
    }

    private static bool IsBinary(string s) => s.Length > 0 && s.All(c => c is '0' or '1');

    /// <summary>strconv.ParseInt/ParseUint(s, 0, 64) accepts the literal (range ignored beyond 64 bits).</summary>
    private static bool IsGoInt(string s)
    {
        string body = s;
        if (body.StartsWith('+') || body.StartsWith('-'))
        {
            body = body[1..];
        }
        if (body.Length == 0)
        {
            return false;
        }
        bool Fits(string digits, int radix)
        {
            if (digits.Length == 0)
            {
                return false;
            }
            try
            {
                var value = System.Numerics.BigInteger.Zero;
                foreach (char ch in digits)
                {
                    int d = ch >= '0' && ch <= '9' ? ch - '0'
                        : ch >= 'a' && ch <= 'z' ? ch - 'a' + 10
                        : ch >= 'A' && ch <= 'Z' ? ch - 'A' + 10 : 99;
                    if (d >= radix)
                    {
                        return false;
                    }
                    value = value * radix + d;
                }
                return value <= ulong.MaxValue;
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        if (body.Length > 1 && body[0] == '0')
        {
            char p = body[1];
            if (p is 'x' or 'X')
            {
                return Fits(body[2..], 16);
            }
            if (p is 'o' or 'O')
            {
                return Fits(body[2..], 8);
            }
            if (p is 'b' or 'B')
            {
                return Fits(body[2..], 2);
            }
            return Fits(body[1..], 8);
        }
        return Fits(body, 10);
    }

    private static bool GoParseFloat(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || s is "inf" or "+inf" or "-inf" or "infinity" or "nan";

    private static readonly Regex TimestampRegex = new(
        @"^(?<y>[0-9]{4})-(?<mo>[0-9]{1,2})-(?<d>[0-9]{1,2})(?:(?:[Tt](?<h>[0-9]{1,2}):(?<mi>[0-9]{1,2}):(?<s>[0-9]{1,2})(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2}))|(?: (?<h2>[0-9]{1,2}):(?<mi2>[0-9]{1,2}):(?<s2>[0-9]{1,2})(?:\.[0-9]+)?))?$",
        RegexOptions.CultureInvariant);

    /// <summary>go-yaml's parseTimestamp with its allowed formats.</summary>
    public static bool IsTimestamp(string s)
    {
        var m = TimestampRegex.Match(s);
        if (!m.Success)
        {
            return false;
        }
        int year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
        int month = int.Parse(m.Groups["mo"].Value, CultureInfo.InvariantCulture);
        int day = int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture);
        if (month < 1 || month > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        string h = m.Groups["h"].Success ? m.Groups["h"].Value : m.Groups["h2"].Value;
        string mi = m.Groups["mi"].Success ? m.Groups["mi"].Value : m.Groups["mi2"].Value;
        string sec = m.Groups["s"].Success ? m.Groups["s"].Value : m.Groups["s2"].Value;
        if (h.Length > 0)
        {
            if (int.Parse(h, CultureInfo.InvariantCulture) > 23 || int.Parse(mi, CultureInfo.InvariantCulture) > 59 || int.Parse(sec, CultureInfo.InvariantCulture) > 59)
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>go-yaml v2's keyList.Less for string keys: letters after non-letters, digit runs compared numerically.</summary>
internal sealed class GoYamlKeyComparer : IComparer<string>
{
    public static readonly GoYamlKeyComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (string.Equals(x, y, StringComparison.Ordinal))
        {
            return 0;
        }
        return Less(x ?? string.Empty, y ?? string.Empty) ? -1 : Less(y ?? string.Empty, x ?? string.Empty) ? 1 : 0;
    }

    private static bool Less(string a, string b)
    {
        int[] ar = a.EnumerateRunes().Select(r => r.Value).ToArray();
        int[] br = b.EnumerateRunes().Select(r => r.Value).ToArray();
        for (int i = 0; i < ar.Length && i < br.Length; i++)
        {
            if (ar[i] == br[i])
            {
                continue;
            }
            bool al = IsLetter(ar[i]);
            bool bl = IsLetter(br[i]);
            if (al && bl)
            {
                return ar[i] < br[i];
            }
            if (al || bl)
            {
                return bl;
            }
            long an = 0, bn = 0;
            if (ar[i] == '0' || br[i] == '0')
            {
                for (int j = i - 1; j >= 0 && IsDigit(ar[j]); j--)
                {
                    if (ar[j] != '0')
                    {
                        an = 1;
                        bn = 1;
                        break;
                    }
                }
            }
            int ai, bi;
            for (ai = i; ai < ar.Length && IsDigit(ar[ai]); ai++)
            {
                an = unchecked(an * 10 + (ar[ai] - '0'));
            }
            for (bi = i; bi < br.Length && IsDigit(br[bi]); bi++)
            {
                bn = unchecked(bn * 10 + (br[bi] - '0'));
            }
            if (an != bn)
            {
                return an < bn;
            }
            if (ai != bi)
            {
                return ai < bi;
            }
            return ar[i] < br[i];
        }
        return ar.Length < br.Length;
    }

    private static bool IsLetter(int cp) => Rune.IsLetter(new Rune(cp));

    private static bool IsDigit(int cp) => Rune.IsDigit(new Rune(cp));
}
