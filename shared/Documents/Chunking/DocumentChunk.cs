namespace Platform.Documents.Chunking;

/// <summary>One chunk of a document: the unit that is embedded, searched and cited.</summary>
/// <param name="Index">The 0-based position of the chunk in its document (the <c>n</c> of vector id <c>{document}#{n}</c>).</param>
/// <param name="Title">The document's title, kept with every chunk so a citation can name it.</param>
/// <param name="Text">The chunk's text: whole paragraphs where they fit, else whole sentences, else words.</param>
/// <param name="Page">The 1-based page where the chunk's own text starts (PDFs); null for kinds without pages.</param>
/// <param name="Paragraph">The paragraph number where the chunk's own text starts (as in <see cref="DocumentPassage"/>).</param>
/// <param name="Tokens">The chunk's length in tokens, as the chunker's token counter counts them.</param>
public sealed record DocumentChunk(int Index, string Title, string Text, int? Page, int Paragraph, int Tokens)
{
    /// <summary>The text to embed or index: the title, then the chunk, so a chunk is found by its document's name too.</summary>
    public string SearchText => $"{Title}\n{Text}";
}
