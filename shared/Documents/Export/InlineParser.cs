using System.Text;

namespace Platform.Documents.Export;

/// <summary>
/// Reads inline light Markdown: <c>**bold**</c> / <c>__bold__</c>, <c>*italic*</c> / <c>_italic_</c>,
/// <c>`code`</c>, <c>[text](https://…)</c> and backslash escapes. A delimiter without a partner stays literal
/// text. Linear in the length of the text: a search for a closing delimiter that failed is never repeated.
/// </summary>
internal sealed class InlineParser
{
    private const int MaxDepth = 8;
    private readonly string s;

    private InlineParser(string text) => s = text;

    public static List<MdInline> Parse(string text) => new InlineParser(text).Parse(0, text.Length, 0, inLink: false);

    /// <summary>Whether <paramref name="c"/> may be backslash-escaped (CommonMark's ASCII punctuation).</summary>
    public static bool IsAsciiPunctuation(char c) => c < 128 && (char.IsPunctuation(c) || char.IsSymbol(c));

    private List<MdInline> Parse(int start, int end, int depth, bool inLink)
    {
        var result = new List<MdInline>();
        var text = new StringBuilder();
        // Per delimiter (character and length): the position from which no closer exists before end.
        var noCloserFrom = new Dictionary<int, int>();
        var i = start;
        while (i < end)
        {
            var c = s[i];
            if (c == '\\' && i + 1 < end && IsAsciiPunctuation(s[i + 1]))
            {
                text.Append(s[i + 1]);
                i += 2;
                continue;
            }

            if (c == '`')
            {
                var run = RunLength(i, end, c);
                var close = FindCodeClose(i + run, end, run, noCloserFrom);
                if (close < 0)
                {
                    text.Append(s, i, run);
                    i += run;
                    continue;
                }

                Flush(text, result);
                result.Add(new MdCodeSpan(TrimCodePadding(s[(i + run)..close])));
                i = close + run;
                continue;
            }

            if (c is '*' or '_' && depth < MaxDepth)
            {
                // A run of two or more opens bold (with "***" the third character starts italics inside it).
                var run = RunLength(i, end, c);
                var length = run >= 2 ? 2 : 1;
                var close = CanOpen(i, length, end) ? FindEmphasisClose(i + length, end, c, length, noCloserFrom) : -1;
                if (close >= 0)
                {
                    Flush(text, result);
                    var children = Parse(i + length, close, depth + 1, inLink);
                    result.Add(length == 2 ? new MdStrong(c, children) : new MdEmphasis(c, children));
                    i = close + length;
                    continue;
                }

                text.Append(s, i, run);
                i += run;
                continue;
            }

            if (c == '[' && !inLink && depth < MaxDepth && TryLink(i, end, out var labelEnd, out var url, out var next))
            {
                Flush(text, result);
                result.Add(new MdLink(url, s[(labelEnd + 2)..(next - 1)], Parse(i + 1, labelEnd, depth + 1, inLink: true)));
                i = next;
                continue;
            }

            text.Append(c);
            i++;
        }

        Flush(text, result);
        return result;
    }

    private static void Flush(StringBuilder text, List<MdInline> result)
    {
        if (text.Length > 0)
        {
            result.Add(new MdText(text.ToString()));
            text.Clear();
        }
    }

    private int RunLength(int at, int end, char c)
    {
        var q = at;
        while (q < end && s[q] == c)
        {
            q++;
        }

        return q - at;
    }

    /// <summary>
    /// An opener is followed by something other than whitespace; an underscore one is not preceded by a letter or
    /// digit (so snake_case stays literal).
    /// </summary>
    private bool CanOpen(int at, int length, int end) =>
        at + length < end
        && !char.IsWhiteSpace(s[at + length])
        && (s[at] != '_' || at == 0 || !char.IsLetterOrDigit(s[at - 1]));

    /// <summary>
    /// The position of the closing delimiter for an opener whose content starts at <paramref name="from"/>, or -1.
    /// A closer follows something other than whitespace, is a run of exactly one character for italics (the last
    /// two characters of a longer run for bold), and for underscores is not followed by a letter or digit.
    /// </summary>
    private int FindEmphasisClose(int from, int end, char c, int length, Dictionary<int, int> noCloserFrom)
    {
        var key = (c << 8) | length;
        if (noCloserFrom.TryGetValue(key, out var known) && from >= known)
        {
            return -1;
        }

        var q = from;
        while (q < end)
        {
            if (s[q] == '\\')
            {
                q += 2;
                continue;
            }

            if (s[q] != c)
            {
                q++;
                continue;
            }

            var run = RunLength(q, end, c);
            var close = length == 2 ? q + run - 2 : q;
            var valid = (length == 2 ? run >= 2 : run == 1)
                && close > from
                && !char.IsWhiteSpace(s[q - 1])
                && (c != '_' || q + run >= s.Length || !char.IsLetterOrDigit(s[q + run]));
            if (valid)
            {
                return close;
            }

            q += run;
        }

        noCloserFrom[key] = Math.Min(from, noCloserFrom.GetValueOrDefault(key, int.MaxValue));
        return -1;
    }

    /// <summary>The start of the next run of exactly <paramref name="length"/> backticks, or -1.</summary>
    private int FindCodeClose(int from, int end, int length, Dictionary<int, int> noCloserFrom)
    {
        var key = ('`' << 8) | Math.Min(length, 255);
        if (noCloserFrom.TryGetValue(key, out var known) && from >= known)
        {
            return -1;
        }

        var q = from;
        while (q < end)
        {
            if (s[q] != '`')
            {
                q++;
                continue;
            }

            var run = RunLength(q, end, '`');
            if (run == length)
            {
                return q;
            }

            q += run;
        }

        noCloserFrom[key] = Math.Min(from, noCloserFrom.GetValueOrDefault(key, int.MaxValue));
        return -1;
    }

    /// <summary>
    /// <c>[label](destination)</c> with a label free of brackets and a destination without spaces that is an
    /// absolute http, https or mailto address; anything else (<c>javascript:</c> among them) is not a link.
    /// </summary>
    private bool TryLink(int open, int end, out int labelEnd, out Uri url, out int next)
    {
        labelEnd = next = -1;
        url = null!;
        var q = open + 1;
        while (q < end && s[q] is not ('[' or ']'))
        {
            q += s[q] == '\\' ? 2 : 1;
        }

        if (q >= end || s[q] != ']' || q == open + 1 || q + 1 >= end || s[q + 1] != '(')
        {
            return false;
        }

        var r = q + 2;
        while (r < end && s[r] is not (')' or '(' or '<' or '>') && !char.IsWhiteSpace(s[r]))
        {
            r++;
        }

        if (r >= end || s[r] != ')' || r == q + 2)
        {
            return false;
        }

        if (!Uri.TryCreate(s[(q + 2)..r], UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https" or "mailto"))
        {
            return false;
        }

        labelEnd = q;
        url = uri;
        next = r + 1;
        return true;
    }

    /// <summary>One space each side is padding when both are there and the code is not only spaces.</summary>
    private static string TrimCodePadding(string code) =>
        code.Length >= 2 && code[0] == ' ' && code[^1] == ' ' && code.AsSpan().Trim(' ').Length > 0 ? code[1..^1] : code;
}
