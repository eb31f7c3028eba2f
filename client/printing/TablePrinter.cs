using System.Text;

namespace Cluster.Printing;

/// <summary>
/// Renders tables the way <c>kubectl get</c> does: cells joined with tabs and aligned by
/// Go's text/tabwriter with kubectl's settings (minwidth 6, padding 3, pad char ' ').
/// Each column is as wide as its widest cell plus 3 spaces; the last cell of a line is never padded.
/// </summary>
public static class TablePrinter
{
    /// <summary>kubectl's tabwriter settings (k8s.io/cli-runtime/pkg/printers/tabwriter.go).</summary>
    public const int MinWidth = 6;
    public const int TabWidth = 4;
    public const int Padding = 3;

    /// <summary>
    /// Renders the header line and one line per row, each terminated by "\n".
    /// Like kubectl, a cell is cut at its first '\n', '\r' or '\f' and "..." is appended.
    /// </summary>
    public static string Render(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);

        var tw = new GoTabWriter(MinWidth, TabWidth, Padding, ' ');
        tw.Write(string.Join("\t", headers.Select(h => h ?? string.Empty)));
        tw.Write("\n");
        foreach (var row in rows)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < row.Count; i++)
            {
                if (i != 0)
                {
                    sb.Append('\t');
                }
                sb.Append(CellText(row[i]));
            }
            sb.Append('\n');
            tw.Write(sb.ToString());
        }
        return tw.Flush();
    }

    /// <summary>kubectl's printRows cell handling: truncate at the first newline, carriage return or formfeed.</summary>
    internal static string CellText(string? cell)
    {
        if (string.IsNullOrEmpty(cell))
        {
            return string.Empty;
        }
        int brk = cell.IndexOfAny(['\f', '\n', '\r']);
        return EscapeTerminal(brk >= 0 ? cell[..brk] : cell) + (brk >= 0 ? "..." : string.Empty);
    }

    /// <summary>kubectl's printers.EscapeTerminal: ESC becomes "^[" and CR becomes "\r", so object data cannot drive the terminal.</summary>
    public static string EscapeTerminal(string text) =>
        text.Contains('\x1b') || text.Contains('\r') ? text.Replace("\x1b", "^[").Replace("\r", "\\r") : text;
}

/// <summary>
/// A port of Go's text/tabwriter (left aligned, no flags) so output lines up byte for byte with
/// kubectl, including its column-block semantics: a column's width is computed over a run of
/// consecutive lines that have a tab-terminated cell in that column.
/// </summary>
public sealed class GoTabWriter
{
    private sealed class Cell
    {
        public int Width;   // width in runes
        public string Text = string.Empty;
        public bool HasText;
    }

    private readonly int _minWidth;
    private readonly int _padding;
    private readonly char _padChar;
    private readonly StringBuilder _output = new();
    private readonly List<List<Cell>> _lines = new();
    private readonly StringBuilder _cell = new();
    private List<int> _widths = new();

    public GoTabWriter(int minWidth, int tabWidth, int padding, char padChar)
    {
        _minWidth = minWidth;
        _padding = padding;
        _padChar = padChar;
        _ = tabWidth; // only used by Go when padding with tabs
        Reset();
    }

    private void Reset()
    {
        _lines.Clear();
        _lines.Add(new List<Cell>());
        _cell.Clear();
        _widths = new List<int>();
    }

    /// <summary>Buffers text; '\t' terminates a cell and '\n' a line.</summary>
    public void Write(string text)
    {
        foreach (char ch in text)
        {
            switch (ch)
            {
                case '\t':
                case '\v':
                    TerminateCell();
                    break;
                case '\n':
                case '\f':
                    int ncells = TerminateCell();
                    _lines.Add(new List<Cell>());
                    if (ch == '\f' || ncells == 1)
                    {
                        // A line of one cell (no tabs) ends every column block: flush now.
                        FlushInternal();
                    }
                    break;
                default:
                    _cell.Append(ch);
                    break;
            }
        }
    }

    /// <summary>Formats everything buffered and returns all output produced so far.</summary>
    public string Flush()
    {
        FlushInternal();
        return _output.ToString();
    }

    private void FlushInternal()
    {
        if (_cell.Length > 0)
        {
            TerminateCell();
        }
        Format(0, _lines.Count);
        Reset();
    }

    private int TerminateCell()
    {
        string text = _cell.ToString();
        var line = _lines[^1];
        line.Add(new Cell { Text = text, Width = RuneCount(text), HasText = text.Length > 0 });
        _cell.Clear();
        return line.Count;
    }

    internal static int RuneCount(string s)
    {
        int n = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            n++;
        }
        return n;
    }

    private void Format(int line0, int line1)
    {
        int column = _widths.Count;
        for (int @this = line0; @this < line1; @this++)
        {
            var line = _lines[@this];
            if (column >= line.Count - 1)
            {
                continue;
            }
            // This line has a cell in this column: print lines before the block.
            WriteLines(line0, @this);
            line0 = @this;

            int width = _minWidth;
            for (; @this < line1; @this++)
            {
                line = _lines[@this];
                if (column >= line.Count - 1)
                {
                    break;
                }
                var c = line[column];
                int w = c.Width + _padding;
                if (w > width)
                {
                    width = w;
                }
            }

            _widths.Add(width);
            Format(line0, @this);
            _widths.RemoveAt(_widths.Count - 1);
            line0 = @this;
        }
        WriteLines(line0, line1);
    }

    private void WriteLines(int line0, int line1)
    {
        for (int i = line0; i < line1; i++)
        {
            var line = _lines[i];
            for (int j = 0; j < line.Count; j++)
            {
                var c = line[j];
                if (c.HasText)
                {
                    _output.Append(c.Text);
                }
                if (j < _widths.Count)
                {
                    _output.Append(_padChar, Math.Max(0, _widths[j] - c.Width));
                }
            }
            if (i + 1 == _lines.Count)
            {
                // Last buffered line: it has no newline yet.
            }
            else
            {
                _output.Append('\n');
            }
        }
    }
}
