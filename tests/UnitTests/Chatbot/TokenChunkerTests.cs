using Platform.AI;
using Platform.Documents;
using Platform.Documents.Chunking;

namespace Platform.UnitTests.Chatbot;

public sealed class TokenChunkerTests
{
    private static readonly Func<string, int> Count = TokenCounter.ForModel(null).Count;

    private static List<DocumentPassage> Passages(int pages, int paragraphsPerPage) =>
        [.. Enumerable.Range(1, pages).SelectMany(page => Enumerable.Range(1, paragraphsPerPage).Select(p => new DocumentPassage(
            $"Page {page} paragraph {p} explains topic {page * 100 + p} in detail. It has a second sentence about budget line {p}. "
            + $"A third sentence names partner number {page}.", page, p)))];

    [Test]
    public void Chunks_StayWithinTheBudget_KeepTitlePageAndParagraph_AndOverlap()
    {
        var chunker = new TokenChunker(Count, 80, 20);

        var chunks = chunker.Chunk("Field guide", Passages(5, 6));

        Assert.That(chunks, Has.Count.GreaterThan(5));
        Assert.That(chunks.Select(c => c.Index), Is.EqualTo(Enumerable.Range(0, chunks.Count)));
        Assert.That(chunks, Has.All.Matches<DocumentChunk>(c => c.Tokens <= 80 && c.Tokens == Count(c.Text) && c.Title == "Field guide"));
        foreach (var chunk in chunks)
        {
            // The cited location is where the chunk's first paragraph is.
            Assert.That(chunk.Text, Does.StartWith($"Page {chunk.Page} paragraph {chunk.Paragraph} ").Or.Contain($"budget line {chunk.Paragraph}").Or.Contain($"partner number {chunk.Page}"));
        }

        for (var i = 1; i < chunks.Count; i++)
        {
            var firstSentence = chunks[i].Text.Split(". ")[0];
            Assert.That(chunks[i - 1].Text, Does.Contain(firstSentence), "each chunk starts with the end of the one before");
        }

        var all = string.Join(" ", chunks.Select(c => c.Text));
        foreach (var passage in Passages(5, 6))
        {
            Assert.That(all, Does.Contain(passage.Text), "nothing is lost");
        }
    }

    [Test]
    public void LongParagraph_IsCutBetweenSentences_AndAWordlessRunBetweenWords()
    {
        var sentences = string.Join(" ", Enumerable.Range(1, 60).Select(i => $"Sentence {i} describes the irrigation pumps of district {i}."));
        var words = string.Join(" ", Enumerable.Range(1, 500).Select(i => $"word{i}"));
        var chunker = new TokenChunker(Count, 64, 16);

        var chunks = chunker.Chunk("Long", [new DocumentPassage(sentences, null, 1), new DocumentPassage(words, null, 2)]);

        Assert.That(chunks, Has.All.Matches<DocumentChunk>(c => c.Tokens <= 64));
        Assert.That(chunks.Where(c => c.Paragraph == 1), Has.All.Matches<DocumentChunk>(c => c.Text.StartsWith("Sentence ", StringComparison.Ordinal) && c.Text.EndsWith('.')));
        Assert.That(chunks.Where(c => c.Paragraph == 2).Select(c => c.Text), Has.Some.Contains("word500"));
        Assert.That(chunks, Has.All.Matches<DocumentChunk>(c => c.Page is null));
    }

    [Test]
    public void ChunkText_NeverCrossesAPage_ExceptForTheOverlapItRepeats()
    {
        var passages = Enumerable.Range(1, 4).Select(page => new DocumentPassage(
            $"Page {page} opens here. Short line on page {page}. Closing words of page {page}.", page, 1)).ToList();

        var chunks = new TokenChunker(Count, 200, 8).Chunk("Report", passages);

        Assert.That(chunks.Select(c => c.Page), Is.EqualTo(new int?[] { 1, 2, 3, 4 }), "one chunk per page though all would fit in one");
        foreach (var chunk in chunks)
        {
            var own = chunk.Text.Split("\n\n")[^1];
            Assert.That(own, Does.StartWith($"Page {chunk.Page} opens here."));
            Assert.That(chunk.Text, Does.Not.Contain($"page {chunk.Page + 1}"));
        }

        Assert.That(chunks[1].Text, Does.StartWith("Closing words of page 1."), "the overlap repeats the end of the page before");
    }

    [Test]
    public void ShortDocument_IsOneChunk()
    {
        var chunks = new TokenChunker(Count, 200, 40).Chunk("Memo", [new DocumentPassage("Only one line.", null, 1)]);

        Assert.That(chunks, Has.Count.EqualTo(1));
        Assert.That(chunks[0].SearchText, Is.EqualTo("Memo\nOnly one line."));
    }
}
