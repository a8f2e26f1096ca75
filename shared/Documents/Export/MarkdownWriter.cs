using System.Globalization;
using System.Text;

namespace Platform.Documents.Export;

/// <summary>
/// Writes an <see cref="ExportDocument"/> as GitHub-flavoured Markdown. Bodies are parsed by
/// <see cref="LightMarkdown"/> and written back, so every piece of text is escaped where it would otherwise be
/// read as syntax: a heading inside a body stays below the section heading, a pipe stays inside its cell, and
/// HTML, link and emphasis look-alikes in plain text stay literal.
/// </summary>
internal static class MarkdownWriter
{
    public static byte[] Write(ExportDocument document)
    {
        var md = new Builder();
        md.Block("# " + HeadingText(Text(ExportText.SingleLine(document.Title) is { Length: > 0 } t ? t : ExportText.DefaultTitle)));

        var metadata = document.Metadata ?? [];
        if (metadata.Count > 0)
        {
            md.Block(Table(
                [Text(ExportText.MetadataKeyHeader), Text(ExportText.MetadataValueHeader)],
                [.. metadata.Select(m => (IReadOnlyList<string>)[Text(ExportText.SingleLine(m.Key)), Text(ExportText.SingleLine(m.Value))])]));
        }

        var sections = document.Sections ?? [];
        for (var s = 0; s < sections.Count; s++)
        {
            var section = sections[s];
            var heading = ExportText.SingleLine(section?.Heading);
            md.Block("## " + HeadingText(Text(heading.Length > 0 ? heading : ExportText.SectionFallback(s + 1))));
            Blocks(md, LightMarkdown.Parse(section?.Body), baseLevel: 3);
            foreach (var table in section?.Tables ?? [])
            {
                if (table is not null)
                {
                    md.Block(Table(table));
                }
            }
        }

        var exchanges = document.Exchanges ?? [];
        if (exchanges.Count > 0)
        {
            md.Block("## " + Text(ExportText.ExchangesHeading));
            for (var e = 0; e < exchanges.Count; e++)
            {
                var exchange = exchanges[e];
                var question = ExportText.SingleLine(exchange?.Question);
                md.Block("### " + HeadingText(Text(question.Length > 0 ? question : ExportText.QuestionFallback(e + 1))));
                if (exchange is not null)
                {
                    md.Block("_" + ExportText.Asked(exchange.At) + "_");
                    Blocks(md, LightMarkdown.Parse(exchange.Answer), baseLevel: 4);
                }
            }
        }

        return Encoding.UTF8.GetBytes(md.ToString());
    }

    /// <summary>
    /// Writes parsed blocks; a subheading of level 1 to 3 becomes <paramref name="baseLevel"/>, deeper ones one
    /// level below it.
    /// </summary>
    private static void Blocks(Builder md, List<MdBlock> blocks, int baseLevel)
    {
        foreach (var block in blocks)
        {
            switch (block)
            {
                case MdParagraph p:
                    md.Block(LineStart(Inlines(p.Inlines)));
                    break;
                case MdHeading h:
                    var level = Math.Min(baseLevel + (h.Level >= 4 ? 1 : 0), 6);
                    md.Block(new string('#', level) + " " + HeadingText(Inlines(h.Inlines)));
                    break;
                case MdList list:
                    md.Block(List(list));
                    break;
                case MdQuote q:
                    md.Block("> " + LineStart(Inlines(q.Inlines)));
                    break;
                case MdCode code:
                    md.Block(Code(code));
                    break;
                case MdRule:
                    md.Block("---");
                    break;
                case MdTable t:
                    md.Block(Table(t.Table));
                    break;
            }
        }
    }

    /// <summary>
    /// One item a line; a nested item is indented to its parent's text, as CommonMark requires. Numbers run on
    /// from the first item of each run of numbered items at a level.
    /// </summary>
    private static string List(MdList list)
    {
        var sb = new StringBuilder();
        var offsets = new List<int>();
        var numbers = new List<int?>();
        foreach (var item in list.Items)
        {
            var level = Math.Min(item.Level, offsets.Count);
            // Deeper levels end here; this level's count runs on.
            var deeper = Math.Min(level + 1, offsets.Count);
            offsets.RemoveRange(deeper, offsets.Count - deeper);
            numbers.RemoveRange(deeper, numbers.Count - deeper);
            var indent = level == 0 ? 0 : offsets[level - 1];
            string marker;
            if (item.Ordered)
            {
                var number = numbers.Count > level && numbers[level] is { } previous ? previous + 1 : item.Number;
                SetAt(numbers, level, number);
                marker = number.ToString(CultureInfo.InvariantCulture) + ". ";
            }
            else
            {
                SetAt(numbers, level, null);
                marker = "- ";
            }

            SetAt(offsets, level, indent + marker.Length);
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(' ', indent).Append(marker).Append(LineStart(Inlines(item.Inlines)));
        }

        return sb.ToString();
    }

    private static void SetAt<T>(List<T> list, int index, T value)
    {
        if (index < list.Count)
        {
            list[index] = value;
        }
        else
        {
            list.Add(value);
        }
    }

    /// <summary>A fence longer than any run of backticks in the code.</summary>
    private static string Code(MdCode code)
    {
        var longest = code.Lines.Select(l => LongestRun(l, '`')).DefaultIfEmpty(0).Max();
        var fence = new string('`', Math.Max(3, longest + 1));
        var sb = new StringBuilder(fence).Append(code.Info);
        foreach (var line in code.Lines)
        {
            sb.Append('\n').Append(line);
        }

        return sb.Append('\n').Append(fence).ToString();
    }

    private static string Table(ExportTable table) =>
        Table(
            [.. (table.Header ?? []).Select(Cell)],
            [.. (table.Rows ?? []).Select(r => (IReadOnlyList<string>)[.. (r ?? []).Select(Cell)])]);

    /// <summary>
    /// A pipe table of cells already written as Markdown. Pipes in them are escaped, which GitHub honours even
    /// inside code spans; every row gets as many cells as the widest one. Empty when there are no columns.
    /// </summary>
    private static string Table(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var columns = Math.Max(header.Count, rows.Select(r => r.Count).DefaultIfEmpty(0).Max());
        if (columns == 0)
        {
            return "";
        }

        var sb = new StringBuilder();
        Row(sb, header, columns);
        sb.Append('\n').Append('|');
        for (var c = 0; c < columns; c++)
        {
            sb.Append(" --- |");
        }

        foreach (var row in rows)
        {
            sb.Append('\n');
            Row(sb, row, columns);
        }

        return sb.ToString();
    }

    private static void Row(StringBuilder sb, IReadOnlyList<string> cells, int columns)
    {
        sb.Append('|');
        for (var c = 0; c < columns; c++)
        {
            var cell = c < cells.Count ? cells[c].Replace("|", "\\|", StringComparison.Ordinal) : "";
            sb.Append(' ').Append(cell).Append(cell.Length > 0 ? " |" : "|");
        }
    }

    /// <summary>A cell's text as inline Markdown, its lines joined with <c>&lt;br&gt;</c>.</summary>
    private static string Cell(string? text) =>
        string.Join("<br>", ExportText.Lines(text)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0)
            .Select(l => Inlines(InlineParser.Parse(l))));

    private static string Inlines(List<MdInline> inlines)
    {
        var sb = new StringBuilder();
        AppendInlines(sb, inlines);
        return sb.ToString();
    }

    private static void AppendInlines(StringBuilder sb, List<MdInline> inlines)
    {
        foreach (var inline in inlines)
        {
            switch (inline)
            {
                case MdText t:
                    sb.Append(Text(t.Text));
                    break;
                case MdCodeSpan code:
                    sb.Append(CodeSpan(code.Code));
                    break;
                case MdStrong strong:
                    sb.Append(strong.Delimiter, 2);
                    AppendInlines(sb, strong.Children);
                    sb.Append(strong.Delimiter, 2);
                    break;
                case MdEmphasis emphasis:
                    sb.Append(emphasis.Delimiter);
                    AppendInlines(sb, emphasis.Children);
                    sb.Append(emphasis.Delimiter);
                    break;
                case MdLink link:
                    sb.Append('[');
                    AppendInlines(sb, link.Children);
                    sb.Append("](").Append(link.Destination).Append(')');
                    break;
            }
        }
    }

    private static string CodeSpan(string code)
    {
        var fence = new string('`', LongestRun(code, '`') + 1);
        var pad = code.StartsWith('`') || code.EndsWith('`') || (code.StartsWith(' ') && code.EndsWith(' ') && code.Trim(' ').Length > 0)
            ? " "
            : "";
        return fence + pad + code + pad + fence;
    }

    /// <summary>
    /// Plain text escaped so a Markdown reader shows it as written: backslashes, emphasis, code, link, strike and
    /// HTML or entity look-alikes. An underscore inside a word needs no escape and keeps snake_case readable.
    /// </summary>
    public static string Text(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var escape = c switch
            {
                '\\' or '`' or '*' or '[' or ']' or '~' => true,
                '_' => i == 0 || i == text.Length - 1 || !char.IsLetterOrDigit(text[i - 1]) || !char.IsLetterOrDigit(text[i + 1]),
                '<' => i + 1 < text.Length && (char.IsAsciiLetter(text[i + 1]) || text[i + 1] is '/' or '!' or '?'),
                '&' => LooksLikeEntity(text, i),
                _ => false,
            };
            if (escape)
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary><c>&amp;name;</c>, <c>&amp;#123;</c> or <c>&amp;#x1F;</c> starting at <paramref name="at"/>.</summary>
    private static bool LooksLikeEntity(string text, int at)
    {
        var i = at + 1;
        if (i < text.Length && text[i] == '#')
        {
            i++;
            if (i < text.Length && text[i] is 'x' or 'X')
            {
                i++;
            }
        }

        var start = i;
        while (i < text.Length && i - start <= 32 && char.IsAsciiLetterOrDigit(text[i]))
        {
            i++;
        }

        return i > start && i < text.Length && text[i] == ';';
    }

    /// <summary>
    /// Escapes what would make a line start a block: a heading, quote, list item or rule marker (a plain
    /// "1. " or "- " at the start of a paragraph stays text).
    /// </summary>
    private static string LineStart(string line)
    {
        if (line.Length == 0)
        {
            return line;
        }

        if (line[0] is '#' or '>' or '-' or '+' or '=')
        {
            return "\\" + line;
        }

        var digits = 0;
        while (digits < line.Length && char.IsAsciiDigit(line[digits]))
        {
            digits++;
        }

        return digits is > 0 and <= 9 && digits < line.Length && line[digits] is '.' or ')'
            ? line[..digits] + "\\" + line[digits..]
            : line;
    }

    /// <summary>Escapes a trailing run of <c>#</c> that a Markdown reader would take for a closing sequence.</summary>
    private static string HeadingText(string text)
    {
        var end = text.Length;
        while (end > 0 && text[end - 1] == '#')
        {
            end--;
        }

        return end < text.Length && (end == 0 || text[end - 1] == ' ') ? text[..end] + "\\" + text[end..] : text;
    }

    private static int LongestRun(string text, char c)
    {
        int longest = 0, current = 0;
        foreach (var ch in text)
        {
            current = ch == c ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }

        return longest;
    }

    /// <summary>Blocks separated by one blank line; the file ends with a single line feed.</summary>
    private sealed class Builder
    {
        private readonly StringBuilder sb = new();

        public void Block(string text)
        {
            if (text.Length == 0)
            {
                return;
            }

            if (sb.Length > 0)
            {
                sb.Append("\n\n");
            }

            sb.Append(text);
        }

        public override string ToString() => sb.Length > 0 ? sb.ToString() + "\n" : "";
    }
}
