using System.Text.RegularExpressions;

namespace Platform.Documents.Chunking;

/// <summary>
/// Cuts a document's passages into chunks of at most a number of tokens, with an overlap, keeping for each chunk the
/// document title and the page and paragraph where its own text starts, so an answer can cite it. Chunks are packed
/// with whole sentences (paragraphs kept apart by a blank line) and never carry their own text across a page break, a
/// sentence longer than a chunk is cut between words, and each chunk after the first starts with the last sentences
/// (up to the overlap) of the one before.
/// </summary>
/// <remarks>
/// Tokens are counted by the function given (the platform passes shared/AI's <c>TokenCounter</c>), so the chunker
/// does not depend on one tokenizer. Thread-safe when the counter is.
/// </remarks>
public sealed partial class TokenChunker
{
    private readonly Func<string, int> countTokens;
    private readonly int maxTokens;
    private readonly int overlapTokens;

    /// <summary>Creates a chunker.</summary>
    /// <param name="countTokens">Counts the tokens of a text.</param>
    /// <param name="maxTokens">The most tokens a chunk may have (at least 16).</param>
    /// <param name="overlapTokens">About how many tokens a chunk shares with the one before (clamped to half of <paramref name="maxTokens"/>).</param>
    public TokenChunker(Func<string, int> countTokens, int maxTokens, int overlapTokens)
    {
        ArgumentNullException.ThrowIfNull(countTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 16);
        this.countTokens = countTokens;
        this.maxTokens = maxTokens;
        this.overlapTokens = Math.Clamp(overlapTokens, 0, maxTokens / 2);
    }

    /// <summary>The chunks of <paramref name="passages"/> (in reading order), each carrying <paramref name="title"/>.</summary>
    public IReadOnlyList<DocumentChunk> Chunk(string title, IReadOnlyList<DocumentPassage> passages)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(passages);
        var units = Units(passages);
        var chunks = new List<DocumentChunk>();
        var start = 0;
        var ownStart = 0;
        while (start < units.Count)
        {
            // Drop overlap units the chunk's first own unit does not fit beside, so every chunk brings something new.
            while (start < ownStart && units.Skip(start).Take(ownStart - start + 1).Sum(u => u.Tokens + 1) > maxTokens)
            {
                start++;
            }

            // Pack units from start while they fit; always at least one (units are never longer than the limit).
            var end = start;
            var tokens = 0;
            while (end < units.Count && (end == start || (tokens + units[end].Tokens + 1 <= maxTokens && !NewPage(units, ownStart, end))))
            {
                tokens += units[end].Tokens + (end > start ? 1 : 0);
                end++;
            }

            chunks.Add(Build(chunks.Count, title, units, start, ownStart, end));
            if (end >= units.Count)
            {
                break;
            }

            // The next chunk starts with the trailing units of this one that fit the overlap, but always moves on.
            var next = end;
            var overlap = 0;
            while (next - 1 > start && overlap + units[next - 1].Tokens <= overlapTokens)
            {
                overlap += units[next - 1].Tokens;
                next--;
            }

            start = next;
            ownStart = end;
        }

        return chunks;
    }

    /// <summary>A chunk's own text stays on one page, so its citation names the page that holds it.</summary>
    private static bool NewPage(List<Unit> units, int ownStart, int index) =>
        index > ownStart && units[index].Page is { } page && units[ownStart].Page is { } first && page != first;

    private DocumentChunk Build(int index, string title, List<Unit> units, int start, int ownStart, int end)
    {
        var parts = new List<string>();
        for (var i = start; i < end; i++)
        {
            // Units of one paragraph are joined by a space, paragraphs by a blank line.
            if (i > start && units[i].PassageIndex == units[i - 1].PassageIndex)
            {
                parts[^1] += " " + units[i].Text;
            }
            else
            {
                parts.Add(units[i].Text);
            }
        }

        var text = string.Join("\n\n", parts);
        // Cite where the chunk's own text starts, after the overlap it repeats.
        var first = units[Math.Min(ownStart, end - 1)];
        return new DocumentChunk(index, title, text, first.Page, first.Paragraph, countTokens(text));
    }

    /// <summary>The passages as units no longer than the limit: their sentences, or runs of words of a longer sentence.</summary>
    private List<Unit> Units(IReadOnlyList<DocumentPassage> passages)
    {
        var units = new List<Unit>();
        for (var p = 0; p < passages.Count; p++)
        {
            var passage = passages[p];
            var text = passage.Text.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            foreach (var sentence in SentenceEnd().Split(text))
            {
                var s = sentence.Trim();
                if (s.Length == 0)
                {
                    continue;
                }

                var sentenceTokens = countTokens(s);
                if (sentenceTokens <= maxTokens)
                {
                    units.Add(new Unit(s, sentenceTokens, p, passage.Page, passage.Paragraph));
                    continue;
                }

                foreach (var run in WordRuns(s))
                {
                    units.Add(new Unit(run, countTokens(run), p, passage.Page, passage.Paragraph));
                }
            }
        }

        return units;
    }

    /// <summary>
    /// A sentence longer than the limit, as runs of whole words that fit (a single huge "word" is cut). Word counts are
    /// added up (tiktoken-style tokenizers split at spaces first, so they add up) to stay linear in the length.
    /// </summary>
    private IEnumerable<string> WordRuns(string sentence)
    {
        var run = new List<string>();
        var runTokens = 0;
        foreach (var word in sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = word;
            var wordTokens = countTokens(" " + rest);
            if (runTokens + wordTokens <= maxTokens)
            {
                run.Add(rest);
                runTokens += wordTokens;
                continue;
            }

            if (run.Count > 0)
            {
                yield return string.Join(' ', run);
                run.Clear();
                runTokens = 0;
            }

            while (wordTokens > maxTokens)
            {
                var cut = Math.Max(1, (rest.Length * maxTokens / wordTokens) - 1);
                yield return rest[..cut];
                rest = rest[cut..];
                wordTokens = countTokens(" " + rest);
            }

            run.Add(rest);
            runTokens = wordTokens;
        }

        if (run.Count > 0)
        {
            yield return string.Join(' ', run);
        }
    }

    private sealed record Unit(string Text, int Tokens, int PassageIndex, int? Page, int Paragraph);

    [GeneratedRegex(@"(?<=[.!?;:])\s+(?=\S)", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceEnd();
}
