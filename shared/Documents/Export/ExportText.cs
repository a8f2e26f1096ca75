using System.Globalization;
using System.Text;

namespace Platform.Documents.Export;

/// <summary>Text clean-up shared by the Markdown and Word writers, and the fixed wording of an export.</summary>
internal static class ExportText
{
    public const string DefaultTitle = "Document";
    public const string MetadataKeyHeader = "Field";
    public const string MetadataValueHeader = "Value";
    public const string ExchangesHeading = "Follow-up questions";

    public static string SectionFallback(int number) => $"Section {number.ToString(CultureInfo.InvariantCulture)}";

    public static string QuestionFallback(int number) => $"Question {number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>"Asked 2025-03-01 14:05 UTC".</summary>
    public static string Asked(DateTimeOffset at) =>
        "Asked " + at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>
    /// <paramref name="text"/> (empty when null) with line endings as <c>\n</c> and without what XML 1.0 refuses or
    /// a reader cannot show: C0 controls other than tab and line feed, DEL and C1 controls, U+FFFE, U+FFFF, byte
    /// order marks and unpaired surrogates.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (!NeedsCleaning(text))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                sb.Append('\n');
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
            }
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb.Append(c).Append(text[i + 1]);
                    i++;
                }
            }
            else if (!IsDropped(c))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Cleaned text on one line: every run of whitespace (line breaks included) becomes one space.</summary>
    public static string SingleLine(string? text)
    {
        var clean = Clean(text);
        var sb = new StringBuilder(clean.Length);
        var pendingSpace = false;
        foreach (var c in clean)
        {
            if (char.IsWhiteSpace(c))
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

    /// <summary>Cleaned text split into lines, tabs expanded to four spaces.</summary>
    public static string[] Lines(string? text) => Clean(text).Replace("\t", "    ", StringComparison.Ordinal).Split('\n');

    private static bool NeedsCleaning(string text)
    {
        foreach (var c in text)
        {
            if (c == '\r' || char.IsSurrogate(c) || IsDropped(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDropped(char c) =>
        (c < '\u0020' && c is not ('\t' or '\n'))
        || c is >= '\u007F' and <= '\u009F'
        || c is '\uFFFE' or '\uFFFF' or '\uFEFF'
        || char.IsLowSurrogate(c);
}
