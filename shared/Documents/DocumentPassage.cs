namespace Platform.Documents;

/// <summary>One paragraph of a document, with where it was found so answers can cite it.</summary>
/// <param name="Text">The paragraph's text, whitespace normalised.</param>
/// <param name="Page">The 1-based page for PDFs; null for other kinds, which have no fixed pages.</param>
/// <param name="Paragraph">
/// The 1-based paragraph number: within <paramref name="Page"/> for PDFs, within the whole document otherwise.
/// </param>
public sealed record DocumentPassage(string Text, int? Page, int Paragraph);
