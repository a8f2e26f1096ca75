namespace Platform.Documents;

/// <summary>Turns an uploaded or pasted document into text and passages.</summary>
public interface IDocumentExtractor
{
    /// <summary>
    /// Reads <paramref name="content"/> (at most <see cref="DocumentOptions.MaxBytes"/>, refusing as soon as more
    /// arrives), detects the kind from the bytes and extracts the passages. <paramref name="fileName"/> only tells
    /// Markdown from plain text; it never decides whether a file is a PDF or DOCX.
    /// </summary>
    /// <exception cref="DocumentTooLargeException">The content is larger than the limit (413).</exception>
    /// <exception cref="UnsupportedDocumentException">The content is not PDF, DOCX or text (415).</exception>
    /// <exception cref="UnreadableDocumentException">
    /// The content is of a supported kind but damaged, password-protected, scanned without text, or empty (422).
    /// </exception>
    Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken ct);

    /// <summary>Wraps text a client pasted into a form as a <see cref="DocumentKind.Text"/> document.</summary>
    /// <param name="text">The pasted text.</param>
    /// <param name="name">A name to show for it, if the client gave one.</param>
    /// <exception cref="DocumentTooLargeException">The text's UTF-8 form is larger than the limit (413).</exception>
    /// <exception cref="UnreadableDocumentException">The text is empty or only whitespace (422).</exception>
    ExtractedDocument ExtractText(string text, string? name);
}
