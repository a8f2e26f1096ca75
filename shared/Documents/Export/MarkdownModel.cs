namespace Platform.Documents.Export;

/// <summary>A block of light Markdown, as <see cref="LightMarkdown"/> reads it and both writers render it.</summary>
internal abstract record MdBlock;

internal sealed record MdParagraph(List<MdInline> Inlines) : MdBlock;

/// <summary>A subheading; <paramref name="Level"/> is the number of <c>#</c> written (1 to 6).</summary>
internal sealed record MdHeading(int Level, List<MdInline> Inlines) : MdBlock;

internal sealed record MdList(List<MdListItem> Items) : MdBlock;

/// <summary>A list item: its depth (0 at the top), whether numbered, and the number written for it.</summary>
internal sealed record MdListItem(int Level, bool Ordered, int Number, List<MdInline> Inlines);

internal sealed record MdQuote(List<MdInline> Inlines) : MdBlock;

/// <summary>A fenced code block: its language tag (or empty) and its lines, verbatim.</summary>
internal sealed record MdCode(string Info, List<string> Lines) : MdBlock;

internal sealed record MdRule : MdBlock;

/// <summary>A table; its cells are unescaped text that may hold inline formatting.</summary>
internal sealed record MdTable(ExportTable Table) : MdBlock;

/// <summary>A piece of inline content.</summary>
internal abstract record MdInline;

internal sealed record MdText(string Text) : MdInline;

internal sealed record MdCodeSpan(string Code) : MdInline;

/// <summary>Bold; <paramref name="Delimiter"/> is <c>*</c> or <c>_</c>, kept so the Markdown reads as written.</summary>
internal sealed record MdStrong(char Delimiter, List<MdInline> Children) : MdInline;

/// <summary>Italic; <paramref name="Delimiter"/> is <c>*</c> or <c>_</c>.</summary>
internal sealed record MdEmphasis(char Delimiter, List<MdInline> Children) : MdInline;

/// <summary>A link to an absolute http, https or mailto address.</summary>
internal sealed record MdLink(Uri Url, string Destination, List<MdInline> Children) : MdInline;
