using System.Text;
using System.Text.RegularExpressions;
using Platform.Chatbot.Model;

namespace Platform.Chatbot.Chat;

/// <summary>
/// Turns a model's Markdown answer into the requested format, one line at a time (so a stream can be converted as
/// it arrives). <c>whatsapp</c>: only WhatsApp's own markup (<c>*bold*</c>, <c>_italic_</c>, <c>~strike~</c>,
/// <c>```monospace```</c>, <c>- </c> lists): headings become bold lines, links "text (url)", tables one line per row,
/// quotes and rules are dropped. <c>plain</c>: no markup at all. <c>markdown</c>: unchanged.
/// </summary>
public sealed partial class AnswerFormatter(string format)
{
    private bool inCode;

    public string Format { get; } = format;

    /// <summary>Converts a whole answer.</summary>
    public static string Convert(string markdown, string format)
    {
        var formatter = new AnswerFormatter(format);
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var converted = lines.Select(formatter.Line).Where(l => l is not null);
        return CollapseBlankLines(string.Join("\n", converted)).Trim();
    }

    /// <summary>One line converted; null when the line disappears (a table rule, a horizontal rule).</summary>
    public string? Line(string line)
    {
        if (Format == AnswerFormats.Markdown)
        {
            return line;
        }

        if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
        {
            inCode = !inCode;
            // WhatsApp's monospace block keeps its fences; plain text drops them.
            return Format == AnswerFormats.WhatsApp ? "```" : null;
        }

        if (inCode)
        {
            return line;
        }

        if (TableRule().IsMatch(line) || HorizontalRule().IsMatch(line))
        {
            return null;
        }

        var text = line;
        if (Heading().Match(text) is { Success: true } heading)
        {
            var title = Inline(heading.Groups["text"].Value.Trim(), stripEmphasis: true);
            return Format == AnswerFormats.WhatsApp ? $"*{title}*" : title;
        }

        if (TableRow().Match(text) is { Success: true })
        {
            var cells = text.Trim().Trim('|').Split('|').Select(c => Inline(c.Trim(), Format == AnswerFormats.Plain)).Where(c => c.Length > 0);
            return "- " + string.Join(" · ", cells);
        }

        text = Quote().Replace(text, string.Empty);
        if (ListItem().Match(text) is { Success: true } item)
        {
            text = item.Groups["indent"].Value + "- " + item.Groups["text"].Value;
        }

        return Inline(text, Format == AnswerFormats.Plain);
    }

    /// <summary>Inline markup: links and images, code, bold, italic, strike-through.</summary>
    private static string Inline(string text, bool stripEmphasis)
    {
        text = Image().Replace(text, m => Describe(m.Groups["text"].Value, m.Groups["url"].Value));
        text = Link().Replace(text, m => Describe(m.Groups["text"].Value, m.Groups["url"].Value));
        text = AutoLink().Replace(text, "${url}");
        var sb = new StringBuilder();
        var last = 0;
        foreach (Match code in InlineCode().Matches(text))
        {
            sb.Append(Emphasis(text[last..code.Index], stripEmphasis));
            sb.Append(stripEmphasis ? code.Groups["code"].Value : "```" + code.Groups["code"].Value + "```");
            last = code.Index + code.Length;
        }

        sb.Append(Emphasis(text[last..], stripEmphasis));
        return sb.ToString();
    }

    private static string Emphasis(string text, bool strip)
    {
        // Bold first (** or __), then single-star italics, then strike-through; a placeholder keeps converted bold
        // from being read as italics.
        const char Bold = '\u0001';
        text = StrongStars().Replace(text, m => Bold + m.Groups["text"].Value + Bold);
        text = StrongUnderscores().Replace(text, m => Bold + m.Groups["text"].Value + Bold);
        text = ItalicStar().Replace(text, m => strip ? m.Groups["text"].Value : "_" + m.Groups["text"].Value + "_");
        if (strip)
        {
            text = ItalicUnderscore().Replace(text, "${text}");
        }

        text = Strike().Replace(text, m => strip ? m.Groups["text"].Value : "~" + m.Groups["text"].Value + "~");
        return text.Replace(Bold.ToString(), strip ? string.Empty : "*", StringComparison.Ordinal);
    }

    private static string Describe(string text, string url) =>
        text.Length == 0 || string.Equals(text, url, StringComparison.Ordinal) ? url : $"{text} ({url})";

    private static string CollapseBlankLines(string text) => BlankLines().Replace(text, "\n\n");

    /// <summary>
    /// Cuts <paramref name="text"/> into parts of at most <paramref name="max"/> characters, between paragraphs where
    /// possible, else between sentences, else between words (a word longer than a part is cut).
    /// </summary>
    public static IReadOnlyList<string> Split(string text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var parts = new List<string>();
        var current = new StringBuilder();

        void Flush()
        {
            var part = current.ToString().Trim();
            if (part.Length > 0)
            {
                parts.Add(part);
            }

            current.Clear();
        }

        void Add(string piece, string separator)
        {
            if (current.Length > 0 && current.Length + separator.Length + piece.Length > max)
            {
                Flush();
            }

            if (current.Length > 0)
            {
                current.Append(separator);
            }

            current.Append(piece);
        }

        foreach (var paragraph in text.Trim().Split("\n\n"))
        {
            if (paragraph.Length <= max)
            {
                Add(paragraph, "\n\n");
                continue;
            }

            var first = true;
            foreach (var sentence in SentenceBoundary().Split(paragraph))
            {
                var separator = first ? "\n\n" : " ";
                first = false;
                if (sentence.Length <= max)
                {
                    Add(sentence, separator);
                    continue;
                }

                foreach (var word in sentence.Split(' '))
                {
                    var rest = word;
                    while (rest.Length > max)
                    {
                        Flush();
                        parts.Add(rest[..max]);
                        rest = rest[max..];
                    }

                    Add(rest, separator);
                    separator = " ";
                }
            }
        }

        Flush();
        return parts;
    }

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+(?<text>.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")]
    private static partial Regex TableRule();

    [GeneratedRegex(@"^\s*\|.*\|\s*$")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^\s{0,3}([-*_])(\s*\1){2,}\s*$")]
    private static partial Regex HorizontalRule();

    [GeneratedRegex(@"^\s{0,3}(>\s?)+")]
    private static partial Regex Quote();

    [GeneratedRegex(@"^(?<indent>\s*)[-*+]\s+(?<text>.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"!\[(?<text>[^\]]*)\]\((?<url>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[(?<text>[^\]]+)\]\((?<url>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"<(?<url>https?://[^>\s]+)>")]
    private static partial Regex AutoLink();

    [GeneratedRegex(@"`(?<code>[^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\*\*(?<text>\S(?:.*?\S)?)\*\*")]
    private static partial Regex StrongStars();

    [GeneratedRegex(@"(?<![\w_])__(?<text>\S(?:.*?\S)?)__(?![\w_])")]
    private static partial Regex StrongUnderscores();

    [GeneratedRegex(@"(?<![\w*])\*(?<text>[^\s*](?:[^*]*?[^\s*])?)\*(?![\w*])")]
    private static partial Regex ItalicStar();

    [GeneratedRegex(@"(?<![\w_])_(?<text>[^\s_](?:[^_]*?[^\s_])?)_(?![\w_])")]
    private static partial Regex ItalicUnderscore();

    [GeneratedRegex(@"~~(?<text>\S(?:.*?\S)?)~~")]
    private static partial Regex Strike();

    [GeneratedRegex(@"(?<=[.!?…][""”')\]]?)\s+")]
    private static partial Regex SentenceBoundary();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}
