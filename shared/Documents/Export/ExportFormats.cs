using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Platform.Documents.Export;

/// <summary>Content types, file extensions and names for <see cref="ExportFormat"/>, and parsing of a format name.</summary>
public static class ExportFormats
{
    /// <summary>The content type of Markdown exports.</summary>
    public const string MarkdownContentType = "text/markdown; charset=utf-8";

    /// <summary>The content type of Word exports.</summary>
    public const string DocxContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private const int MaxBaseNameLength = 100;
    private const string DefaultBaseName = "export";

    /// <summary>The HTTP content type: <see cref="MarkdownContentType"/> or <see cref="DocxContentType"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined format.</exception>
    public static string ContentType(this ExportFormat format) => format switch
    {
        ExportFormat.Markdown => MarkdownContentType,
        ExportFormat.Docx => DocxContentType,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
    };

    /// <summary>The file extension with its dot: <c>.md</c> or <c>.docx</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined format.</exception>
    public static string Extension(this ExportFormat format) => format switch
    {
        ExportFormat.Markdown => ".md",
        ExportFormat.Docx => ".docx",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
    };

    /// <summary>
    /// A file name for a download: <paramref name="baseName"/> made safe for any file system (no path separators,
    /// reserved or control characters; whitespace runs become <c>-</c>; at most 100 characters; "export" when
    /// nothing is left) followed by <see cref="Extension"/>. "Analysis: report 1/2" becomes
    /// <c>Analysis-report-1-2.md</c>.
    /// </summary>
    public static string FileName(this ExportFormat format, string? baseName)
    {
        var extension = format.Extension();
        var sb = new StringBuilder();
        var pendingDash = false;
        foreach (var c in ExportText.Clean(baseName))
        {
            if (char.IsWhiteSpace(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' or '-' || char.IsControl(c))
            {
                pendingDash = sb.Length > 0;
                continue;
            }

            if (pendingDash)
            {
                sb.Append('-');
                pendingDash = false;
            }

            sb.Append(c);
        }

        var name = sb.ToString();
        if (name.Length > MaxBaseNameLength)
        {
            name = name[..MaxBaseNameLength];
            if (char.IsHighSurrogate(name[^1]))
            {
                name = name[..^1];
            }
        }

        // Windows refuses names ending in a dot ("report." would lose it); a leading one hides the file elsewhere.
        name = name.Trim('.', '-');
        return (name.Length > 0 ? name : DefaultBaseName) + extension;
    }

    /// <summary>
    /// Reads a format as a client names it (a <c>format</c> query parameter, say): <c>md</c> or
    /// <c>markdown</c> for <see cref="ExportFormat.Markdown"/>, <c>docx</c> for <see cref="ExportFormat.Docx"/>,
    /// in any case, surrounding whitespace and a leading dot ignored. False for anything else, numbers included.
    /// </summary>
    public static bool TryParseFormat([NotNullWhen(true)] string? value, out ExportFormat format)
    {
        var name = value.AsSpan().Trim();
        if (name.StartsWith("."))
        {
            name = name[1..];
        }

        if (name.Equals("md", StringComparison.OrdinalIgnoreCase) || name.Equals("markdown", StringComparison.OrdinalIgnoreCase))
        {
            format = ExportFormat.Markdown;
            return true;
        }

        if (name.Equals("docx", StringComparison.OrdinalIgnoreCase))
        {
            format = ExportFormat.Docx;
            return true;
        }

        format = default;
        return false;
    }
}
