using System.Text;

namespace Platform.Documents;

/// <summary>Decodes text files and splits text into paragraphs.</summary>
internal static class PlainText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16Le = new(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16Be = new(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The text of <paramref name="bytes"/> if they are UTF-8 (with or without a byte order mark) or UTF-16 with a
    /// byte order mark, and look like text rather than binary; otherwise null.
    /// </summary>
    public static string? TryDecode(ReadOnlySpan<byte> bytes)
    {
        string text;
        try
        {
            text = bytes switch
            {
                [0xEF, 0xBB, 0xBF, ..] => StrictUtf8.GetString(bytes[3..]),
                [0xFF, 0xFE, ..] => StrictUtf16Le.GetString(bytes[2..]),
                [0xFE, 0xFF, ..] => StrictUtf16Be.GetString(bytes[2..]),
                _ => StrictUtf8.GetString(bytes),
            };
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return LooksLikeText(text) ? text : null;
    }

    /// <summary>
    /// Splits text into paragraphs at blank lines, after normalising line endings. In Markdown a fenced code block
    /// stays one paragraph even when it holds blank lines.
    /// </summary>
    public static List<string> SplitParagraphs(string text, bool markdown)
    {
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        var inFence = false;
        foreach (var rawLine in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = Clean(rawLine).TrimEnd();
            if (markdown && IsFence(line))
            {
                inFence = !inFence;
            }

            if (line.Length == 0 && !inFence)
            {
                Flush(current, paragraphs, markdown);
                continue;
            }

            if (current.Length > 0)
            {
                current.Append('\n');
            }

            current.Append(line);
        }

        Flush(current, paragraphs, markdown);
        return paragraphs;
    }

    /// <summary>Drops control characters (PostgreSQL text refuses NUL) and keeps tabs as spaces.</summary>
    public static string Clean(string text)
    {
        if (!text.Any(IsDropped))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\t')
            {
                sb.Append(' ');
            }
            else if (!IsDropped(c))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool IsDropped(char c) => c is '\t' or '\uFEFF' || (char.IsControl(c) && c is not '\n');

    /// <summary>Collapses runs of whitespace (line breaks included) into single spaces.</summary>
    public static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '\uFEFF')
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static void Flush(StringBuilder current, List<string> paragraphs, bool markdown)
    {
        // Markdown keeps leading indentation (an indented code block or nested list means something there).
        var paragraph = markdown ? current.ToString().Trim('\n') : current.ToString().Trim();
        if (!string.IsNullOrWhiteSpace(paragraph))
        {
            paragraphs.Add(paragraph);
        }

        current.Clear();
    }

    private static bool IsFence(string line)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal);
    }

    private static bool LooksLikeText(string text)
    {
        if (text.Contains('\0'))
        {
            return false;
        }

        // Binary data that happens to be valid UTF-8 is dense in control characters; text has next to none.
        var controls = 0;
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t' or '\f' or '\v'))
            {
                controls++;
            }
        }

        return controls <= text.Length / 100;
    }
}
