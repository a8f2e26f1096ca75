namespace Platform.Documents.Export;

/// <summary>
/// A document to export (a session of the Analyzer or the Evaluator, say): a title, a table of metadata, sections
/// and the follow-up questions asked about it. The same model becomes Markdown or Word through
/// <see cref="IDocumentExporter"/>.
/// </summary>
/// <param name="Title">The document's title; line breaks become spaces. "Document" when blank.</param>
/// <param name="Metadata">
/// Labelled values shown as a two-column table under the title (session, user, date...), in order; plain text, no
/// formatting. Left out when empty.
/// </param>
/// <param name="Sections">The sections, in order.</param>
/// <param name="Exchanges">The follow-up questions and answers, in order. The Q&amp;A part is left out when empty.</param>
public sealed record ExportDocument(
    string Title,
    IReadOnlyList<KeyValuePair<string, string>> Metadata,
    IReadOnlyList<ExportSection> Sections,
    IReadOnlyList<ExportExchange> Exchanges);
