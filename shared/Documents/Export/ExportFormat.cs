namespace Platform.Documents.Export;

/// <summary>The formats an <see cref="ExportDocument"/> can be exported to (helpers in <see cref="ExportFormats"/>).</summary>
public enum ExportFormat
{
    /// <summary>GitHub-flavoured Markdown, UTF-8 (<c>.md</c>).</summary>
    Markdown,

    /// <summary>A Word document (<c>.docx</c>).</summary>
    Docx,
}
