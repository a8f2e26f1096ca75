namespace Platform.Documents.Export;

/// <summary>One section of an <see cref="ExportDocument"/>: a heading, a body and tables after the body.</summary>
/// <param name="Heading">The heading, plain text; line breaks become spaces. "Section n" when blank.</param>
/// <param name="Body">
/// Light Markdown, as a model writes it: paragraphs separated by blank lines, <c>- </c> / <c>* </c> and
/// <c>1. </c> lists (nested by indentation), <c>**bold**</c>, <c>_italic_</c> or <c>*italic*</c>,
/// <c>`code`</c>, <c>[links](https://…)</c> (http, https and mailto only), <c>### subheadings</c>,
/// <c>&gt; quotes</c>, fenced code blocks, <c>---</c> rules and pipe tables. Headings of any level stay below the
/// section's own heading. Anything else is kept as literal text.
/// </param>
/// <param name="Tables">Tables shown after the body, if any.</param>
public sealed record ExportSection(string Heading, string Body, IReadOnlyList<ExportTable>? Tables = null);
