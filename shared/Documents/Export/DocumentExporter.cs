namespace Platform.Documents.Export;

/// <summary>
/// The default <see cref="IDocumentExporter"/>: Markdown written by hand, Word with the Open XML SDK. Stateless and
/// thread-safe; registered as a singleton by <see cref="ExportExtensions.AddDocumentExport"/>.
/// </summary>
public sealed class DocumentExporter : IDocumentExporter
{
    /// <inheritdoc />
    public byte[] ToMarkdown(ExportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return MarkdownWriter.Write(document);
    }

    /// <inheritdoc />
    public byte[] ToDocx(ExportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return DocxWriter.Write(document);
    }
}
