namespace Platform.Documents.Export;

/// <summary>A table with a header row (an alignment table, say).</summary>
/// <param name="Header">The column headings.</param>
/// <param name="Rows">
/// The rows. A row shorter than the widest row or the header is padded with empty cells. A cell may hold inline
/// formatting (<c>**bold**</c>, <c>_italic_</c>, <c>`code`</c>); its line breaks are kept as line breaks within the
/// cell, and pipes are escaped.
/// </param>
public sealed record ExportTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);
