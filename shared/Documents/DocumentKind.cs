namespace Platform.Documents;

/// <summary>What a document turned out to be, judged by its content rather than its name.</summary>
public enum DocumentKind
{
    /// <summary>A PDF (starts with <c>%PDF-</c>).</summary>
    Pdf,

    /// <summary>A Word document (a ZIP package holding <c>word/document.xml</c>).</summary>
    Docx,

    /// <summary>Plain text (UTF-8, or UTF-16 with a byte order mark), including text pasted into a form.</summary>
    Text,

    /// <summary>Plain text whose file name ends in <c>.md</c> or <c>.markdown</c>.</summary>
    Markdown,
}
