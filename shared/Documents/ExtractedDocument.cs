namespace Platform.Documents;

/// <summary>The text of an uploaded or pasted document, split into passages.</summary>
/// <param name="FileName">The file name as given by the client, without any directory part.</param>
/// <param name="Kind">The kind, detected from the content.</param>
/// <param name="Text">Every passage's text, in order, separated by a blank line.</param>
/// <param name="Passages">The paragraphs in reading order (never empty).</param>
/// <param name="Sha256">The SHA-256 of the raw bytes as lowercase hex, to recognise the same file uploaded again.</param>
/// <param name="SizeBytes">The size of the raw bytes.</param>
/// <param name="PageCount">The number of pages for PDFs; null for other kinds.</param>
public sealed record ExtractedDocument(
    string FileName,
    DocumentKind Kind,
    string Text,
    IReadOnlyList<DocumentPassage> Passages,
    string Sha256,
    long SizeBytes,
    int? PageCount);
