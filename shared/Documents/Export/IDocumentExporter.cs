namespace Platform.Documents.Export;

/// <summary>
/// Renders an <see cref="ExportDocument"/> as a file a person downloads. Whatever the text holds (control
/// characters, pipes, Markdown or XML syntax), the output stays well-formed: such characters are dropped or
/// escaped, never allowed to break the structure.
/// </summary>
public interface IDocumentExporter
{
    /// <summary>
    /// GitHub-flavoured Markdown as UTF-8 without a byte order mark: <c># Title</c>, the metadata as a table,
    /// <c>## Heading</c> per section with its body and tables, then <c>## Follow-up questions</c>.
    /// </summary>
    byte[] ToMarkdown(ExportDocument document);

    /// <summary>
    /// A Word document: the title in the Title style, sections under Heading 1 and subheadings under Heading 2
    /// and 3, real bulleted and numbered lists, bold and italic runs, bordered tables with a repeated header row,
    /// then the follow-up questions.
    /// </summary>
    byte[] ToDocx(ExportDocument document);
}
