using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Documents.Export;

/// <summary>
/// Reads the light Markdown of section bodies and answers into blocks: paragraphs, subheadings, lists, quotes,
/// fenced code, rules and pipe tables (inline content through <see cref="InlineParser"/>). Forgiving: whatever
/// it does not recognise is paragraph text, so nothing is lost.
/// </summary>
internal static partial class LightMarkdown
{
    /// <summary>Word numbering has nine levels; deeper items stay at the ninth.</summary>
    public const int MaxListDepth = 9;

    public static List<MdBlock> Parse(string? markdown)
    {
        var lines = ExportText.Lines(markdown);
        var blocks = new List<MdBlock>();
        var i = 0;
        while (i < lines.Length)
        {
            var line = lines[i];
            if (IsBlank(line))
            {
                i++;
            }
            else if (FenceRegex().Match(line) is { Success: true } fence)
            {
                i = ReadCode(lines, i, fence, blocks);
            }
            else if (HeadingRegex().Match(line) is { Success: true } heading)
            {
                var content = HeadingContent(heading.Groups["text"].Value);
                if (content.Length > 0)
                {
                    blocks.Add(new MdHeading(heading.Groups["marks"].Length, InlineParser.Parse(content)));
                }

                i++;
            }
            else if (RuleRegex().IsMatch(line))
            {
                blocks.Add(new MdRule());
                i++;
            }
            else if (QuoteRegex().IsMatch(line))
            {
                i = ReadQuote(lines, i, blocks);
            }
            else if (ListItemRegex().IsMatch(line))
            {
                i = ReadList(lines, i, blocks);
            }
            else if (IsTableStart(lines, i))
            {
                i = ReadTable(lines, i, blocks);
            }
            else
            {
                i = ReadParagraph(lines, i, blocks);
            }
        }

        return blocks;
    }

    /// <summary>
    /// The cells of a pipe-table row: outer pipes dropped, split at pipes that are not escaped, <c>\|</c> turned
    /// back into a pipe, each cell trimmed.
    /// </summary>
    public static List<string> SplitRow(string line)
    {
        var row = line.Trim();
        if (row.StartsWith('|'))
        {
            row = row[1..];
        }

        var cells = new List<string>();
        var cell = new StringBuilder();
        for (var i = 0; i < row.Length; i++)
        {
            var c = row[i];
            if (c == '\\' && i + 1 < row.Length)
            {
                if (row[i + 1] != '|')
                {
                    cell.Append(c);
                }

                cell.Append(row[++i]);
            }
            else if (c == '|')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        // A closing pipe ends the last cell rather than starting an empty one.
        if (cell.ToString().Trim().Length > 0 || !row.EndsWith('|') || row.EndsWith("\\|", StringComparison.Ordinal))
        {
            cells.Add(cell.ToString().Trim());
        }

        return cells;
    }

    private static bool IsBlank(string line) => string.IsNullOrWhiteSpace(line);

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    /// <summary>A line that starts a block other than a paragraph, so it ends a paragraph or a list item's text.</summary>
    private static bool InterruptsText(string[] lines, int i) =>
        FenceRegex().IsMatch(lines[i])
        || HeadingRegex().IsMatch(lines[i])
        || RuleRegex().IsMatch(lines[i])
        || QuoteRegex().IsMatch(lines[i])
        || IsTableStart(lines, i);

    private static bool IsListItem(string line) => ListItemRegex().IsMatch(line) && !RuleRegex().IsMatch(line);

    /// <summary>The heading's text without an optional closing run of <c>#</c>.</summary>
    private static string HeadingContent(string text)
    {
        var content = text.Trim();
        var end = content.Length;
        while (end > 0 && content[end - 1] == '#')
        {
            end--;
        }

        return end == 0 ? "" : end < content.Length && content[end - 1] == ' ' ? content[..end].TrimEnd() : content;
    }

    private static int ReadParagraph(string[] lines, int i, List<MdBlock> blocks)
    {
        var text = new StringBuilder(lines[i].Trim());
        i++;
        while (i < lines.Length && !IsBlank(lines[i]) && !InterruptsText(lines, i) && !IsListItem(lines[i]))
        {
            text.Append(' ').Append(lines[i].Trim());
            i++;
        }

        blocks.Add(new MdParagraph(InlineParser.Parse(text.ToString())));
        return i;
    }

    private static int ReadCode(string[] lines, int i, Match fence, List<MdBlock> blocks)
    {
        var indent = fence.Groups["indent"].Length;
        var marks = fence.Groups["fence"].Value;
        var info = fence.Groups["info"].Value.Trim();
        var code = new List<string>();
        for (i++; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart(' ');
            if (line.Length - trimmed.Length <= 3
                && trimmed.StartsWith(marks, StringComparison.Ordinal)
                && trimmed.TrimEnd(' ').All(c => c == marks[0]))
            {
                i++;
                break;
            }

            code.Add(line[Math.Min(indent, Indent(line))..]);
        }

        blocks.Add(new MdCode(InfoRegex().IsMatch(info) ? info : "", code));
        return i;
    }

    /// <summary>Consecutive quoted lines are one quote; an empty quoted line starts another.</summary>
    private static int ReadQuote(string[] lines, int i, List<MdBlock> blocks)
    {
        var text = new StringBuilder();
        for (; i < lines.Length && QuoteRegex().IsMatch(lines[i]); i++)
        {
            var content = QuoteRegex().Replace(lines[i], "").Trim();
            while (content.StartsWith('>'))
            {
                content = content[1..].TrimStart();
            }

            if (content.Length == 0)
            {
                AddQuote(text, blocks);
                continue;
            }

            text.Append(text.Length > 0 ? " " : "").Append(content);
        }

        AddQuote(text, blocks);
        return i;
    }

    private static void AddQuote(StringBuilder text, List<MdBlock> blocks)
    {
        if (text.Length > 0)
        {
            blocks.Add(new MdQuote(InlineParser.Parse(text.ToString())));
            text.Clear();
        }
    }

    /// <summary>
    /// Items and their continuation lines, across blank lines while another item or an indented line follows.
    /// Depth comes from indentation: two or more spaces beyond the item above nests one level deeper.
    /// Top-level items of the other kind (numbered after bulleted, or the reverse) start a new list.
    /// </summary>
    private static int ReadList(string[] lines, int i, List<MdBlock> blocks)
    {
        var items = new List<(int Level, bool Ordered, int Number, StringBuilder Text)>();
        var indents = new List<int>();
        while (i < lines.Length)
        {
            var line = lines[i];
            if (IsBlank(line))
            {
                var next = i + 1;
                while (next < lines.Length && IsBlank(lines[next]))
                {
                    next++;
                }

                if (next < lines.Length
                    && (IsListItem(lines[next]) || (Indent(lines[next]) >= 2 && !InterruptsText(lines, next))))
                {
                    i = next;
                    continue;
                }

                break;
            }

            if (IsListItem(line))
            {
                var item = ListItemRegex().Match(line);
                var indent = item.Groups["indent"].Length;
                while (indents.Count > 1 && indent <= indents[^1] - 2)
                {
                    indents.RemoveAt(indents.Count - 1);
                }

                if (indents.Count == 0 || (indent >= indents[^1] + 2 && indents.Count < MaxListDepth))
                {
                    indents.Add(indent);
                }

                // A bulleted list after a numbered one (or the reverse) is a list of its own.
                var number = item.Groups["number"];
                if (indents.Count == 1 && items.Count > 0 && items.Last(x => x.Level == 0).Ordered != number.Success)
                {
                    break;
                }

                items.Add((
                    indents.Count - 1,
                    number.Success,
                    number.Success ? int.Parse(number.Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0,
                    new StringBuilder(item.Groups["text"].Value.Trim())));
            }
            else if (InterruptsText(lines, i))
            {
                break;
            }
            else
            {
                var text = items[^1].Text;
                text.Append(text.Length > 0 ? " " : "").Append(line.Trim());
            }

            i++;
        }

        blocks.Add(new MdList([.. items.Select(x => new MdListItem(x.Level, x.Ordered, x.Number, InlineParser.Parse(x.Text.ToString())))]));
        return i;
    }

    /// <summary>A header row with a pipe, then a delimiter row (<c>| --- | :-: |</c>) with as many cells.</summary>
    private static bool IsTableStart(string[] lines, int i) =>
        i + 1 < lines.Length
        && lines[i].Contains('|', StringComparison.Ordinal)
        && lines[i + 1].Contains('|', StringComparison.Ordinal)
        && DelimiterRowRegex().IsMatch(lines[i + 1])
        && SplitRow(lines[i]).Count == SplitRow(lines[i + 1]).Count;

    /// <summary>Rows run to a blank line or another block; each is cut or padded to the header's width.</summary>
    private static int ReadTable(string[] lines, int i, List<MdBlock> blocks)
    {
        var header = SplitRow(lines[i]);
        var rows = new List<IReadOnlyList<string>>();
        for (i += 2; i < lines.Length && !IsBlank(lines[i]) && !InterruptsText(lines, i); i++)
        {
            var cells = SplitRow(lines[i]);
            rows.Add([.. Enumerable.Range(0, header.Count).Select(c => c < cells.Count ? cells[c] : "")]);
        }

        blocks.Add(new MdTable(new ExportTable(header, rows)));
        return i;
    }

    [GeneratedRegex(@"^(?<indent> {0,3})(?<fence>`{3,}|~{3,}) *(?<info>[^`]*)$")]
    private static partial Regex FenceRegex();

    [GeneratedRegex(@"^[A-Za-z0-9_+#.-]{1,32}$")]
    private static partial Regex InfoRegex();

    [GeneratedRegex(@"^ {0,3}(?<marks>#{1,6})(?: +(?<text>.*))?$")]
    private static partial Regex HeadingRegex();

    [GeneratedRegex(@"^ {0,3}(?:(?:\* *){3,}|(?:- *){3,}|(?:_ *){3,})$")]
    private static partial Regex RuleRegex();

    [GeneratedRegex(@"^ {0,3}> ?")]
    private static partial Regex QuoteRegex();

    [GeneratedRegex(@"^(?<indent> *)(?:[-*+]|(?<number>[0-9]{1,9})[.)])(?: +(?<text>.*))?$")]
    private static partial Regex ListItemRegex();

    [GeneratedRegex(@"^ {0,3}\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$")]
    private static partial Regex DelimiterRowRegex();
}
