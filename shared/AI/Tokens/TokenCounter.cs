using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace Platform.AI;

/// <summary>A slice of a text cut to a token budget.</summary>
/// <param name="Text">The slice.</param>
/// <param name="Start">Where it starts in the source text.</param>
/// <param name="Length">How many characters of the source it covers.</param>
/// <param name="Tokens">How many tokens it has.</param>
public sealed record TextChunk(string Text, int Start, int Length, int Tokens);

/// <summary>
/// Counts tokens the way the model will (tiktoken <c>o200k_base</c> for GPT-4o, GPT-4.1, GPT-5 and o-series models,
/// <c>cl100k_base</c> otherwise, including unknown and self-hosted models, where it is a fair estimate) and cuts texts
/// to token budgets. Instances are cached per encoding and thread-safe.
/// </summary>
public sealed class TokenCounter
{
    /// <summary>Texts at least this long are counted per segment with cached segment counts.</summary>
    internal const int SegmentedFrom = 1024;

    /// <summary>A segment runs to the first paragraph start (after a blank line) at least this many characters on.</summary>
    internal const int MinParagraphSegment = 64;

    /// <summary>How far a segment looks for a paragraph start before it settles for any line break.</summary>
    internal const int ParagraphSearch = 4096;

    /// <summary>Without a paragraph start, a segment runs to the first line start at least this many characters on.</summary>
    internal const int MinSegmentLength = 256;

    /// <summary>At most this many segment counts are kept (then the cache starts again).</summary>
    private const int MaxCachedSegments = 16_384;

    /// <summary>Pre-tokens (words with their leading space, numbers, punctuation runs) up to this long have their counts kept.</summary>
    private const int MaxCachedPieceLength = 32;

    /// <summary>At most this many pre-token counts are kept (then that cache starts again).</summary>
    private const int MaxCachedPieces = 65_536;

    private static readonly ConcurrentDictionary<string, Lazy<TokenCounter>> Cache = new(StringComparer.Ordinal);

    private readonly Tokenizer tokenizer;
    private readonly PreTokenizer? preTokenizer;
    private readonly TiktokenPreTokenizer? splitter;
    private readonly ConcurrentDictionary<string, int> segmentCounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> pieceCounts = new(StringComparer.Ordinal);
    private long tokenizedSegmentCharacters;
    private int segmentEntries;
    private int pieceEntries;

    private TokenCounter(string encodingName)
    {
        EncodingName = encodingName;
        var tiktoken = TiktokenTokenizer.CreateForEncoding(encodingName);
        tokenizer = tiktoken;
        preTokenizer = tiktoken.PreTokenizer;
        splitter = TiktokenPreTokenizer.Create(encodingName, tiktoken.SpecialTokens?.Keys ?? [], preTokenizer);
    }

    /// <summary>Whether pre-tokens are split by <see cref="TiktokenPreTokenizer"/> rather than the library's regex (for tests).</summary>
    internal bool SplitsWithoutRegex => splitter is not null;

    /// <summary>Characters the tokenizer was run on for segments not found in the cache (for tests).</summary>
    internal long TokenizedSegmentCharacters => Interlocked.Read(ref tokenizedSegmentCharacters);

    /// <summary>The tiktoken encoding in use (<c>o200k_base</c> or <c>cl100k_base</c>).</summary>
    public string EncodingName { get; }

    /// <summary>A counter of its own (with an empty segment cache) for <paramref name="model"/>; for tests.</summary>
    internal static TokenCounter CreateUnshared(string? model) => new(EncodingFor(model));

    /// <summary>The counter for <paramref name="model"/> (a model or Azure deployment name; null means unknown).</summary>
    public static TokenCounter ForModel(string? model)
    {
        var encoding = EncodingFor(model);
        return Cache.GetOrAdd(encoding, e => new Lazy<TokenCounter>(() => new TokenCounter(e))).Value;
    }

    /// <summary>The encoding name for <paramref name="model"/>.</summary>
    public static string EncodingFor(string? model)
    {
        var m = (model ?? string.Empty).Trim().ToLowerInvariant();
        var o200k = m.Contains("4o", StringComparison.Ordinal)
            || m.StartsWith("gpt-4.1", StringComparison.Ordinal) || m.StartsWith("gpt-4.5", StringComparison.Ordinal)
            || m.StartsWith("gpt-5", StringComparison.Ordinal) || m.StartsWith("gpt-oss", StringComparison.Ordinal)
            || m.StartsWith("o1", StringComparison.Ordinal) || m.StartsWith("o3", StringComparison.Ordinal)
            || m.StartsWith("o4", StringComparison.Ordinal);
        return o200k ? "o200k_base" : "cl100k_base";
    }

    /// <summary>
    /// The number of tokens in <paramref name="text"/>. Long texts are counted paragraph by paragraph, and the counts of
    /// paragraphs are remembered: every prompt of an analysis embeds the same document, which is then tokenised once.
    /// The result is exactly the tokenizer's count (see <see cref="SegmentEnd"/> for why the parts add up).
    /// </summary>
    public int Count(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        if (text.Length < SegmentedFrom)
        {
            return CountPieces(text);
        }

        var total = 0;
        for (var start = 0; start < text.Length;)
        {
            var end = SegmentEnd(text, start);
            total += CountSegment(text.AsSpan(start, end - start));
            start = end;
        }

        return total;
    }

    /// <summary>
    /// The number of tokens in a text counted once (a model's answer, say): the same exact count as <see cref="Count"/>,
    /// piece by piece with the piece cache, but without cutting it into paragraphs and remembering their counts. Those
    /// pay off for a document that every prompt of an analysis embeds; for a text seen once they are work for nothing,
    /// and they would push the documents' paragraphs out of the bounded cache.
    /// </summary>
    public int CountOnce(string? text) => string.IsNullOrEmpty(text) ? 0 : CountPieces(text);

    private int CountSegment(ReadOnlySpan<char> segment)
    {
        var lookup = segmentCounts.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(segment, out var cached))
        {
            return cached;
        }

        var count = CountPieces(segment);
        Interlocked.Add(ref tokenizedSegmentCharacters, segment.Length);
        Remember(segmentCounts, lookup, segment, count, ref segmentEntries, MaxCachedSegments);
        return count;
    }

    /// <summary>
    /// The tokenizer's count of <paramref name="text"/>, pre-token by pre-token: the text is split as the tokenizer's own
    /// pre-tokenizer splits it (by <see cref="TiktokenPreTokenizer"/>, which does what its regex does several times
    /// faster; BPE never merges across pre-tokens, so the pieces' counts add up to the whole's), and the count of each
    /// short piece is remembered. A text's words are few and recur (the answers of an analysis quote its document and
    /// repeat their own headings), and looking a word up in this small table is cheaper than in the encoding's
    /// vocabulary of 100,000 to 200,000 entries, which is what the tokenizer does for every piece.
    /// </summary>
    private int CountPieces(ReadOnlySpan<char> text)
    {
        var lookup = pieceCounts.GetAlternateLookup<ReadOnlySpan<char>>();
        var total = 0;
        if (splitter is not null)
        {
            foreach (var (offset, length) in splitter.Split(text))
            {
                total += CountPiece(text.Slice(offset, length), lookup);
            }
        }
        else if (preTokenizer is not null)
        {
            foreach (var (offset, length) in preTokenizer.PreTokenize(text))
            {
                total += CountPiece(text.Slice(offset, length), lookup);
            }
        }
        else
        {
            return tokenizer.CountTokens(text);
        }

        return total;
    }

    private int CountPiece(ReadOnlySpan<char> piece, ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup)
    {
        if (piece.Length > MaxCachedPieceLength)
        {
            return tokenizer.CountTokens(piece);
        }

        if (!lookup.TryGetValue(piece, out var count))
        {
            count = tokenizer.CountTokens(piece);
            Remember(pieceCounts, lookup, piece, count, ref pieceEntries, MaxCachedPieces);
        }

        return count;
    }

    /// <summary>
    /// Adds a count to a bounded cache, which starts again when full. The entries are counted here: asking a
    /// <see cref="ConcurrentDictionary{TKey, TValue}"/> for its count takes every one of its locks.
    /// </summary>
    private static void Remember(
        ConcurrentDictionary<string, int> cache, ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup,
        ReadOnlySpan<char> key, int count, ref int entries, int max)
    {
        if (Volatile.Read(ref entries) >= max)
        {
            cache.Clear();
            Volatile.Write(ref entries, 0);
        }

        if (lookup.TryAdd(key, count))
        {
            Interlocked.Increment(ref entries);
        }
    }

    /// <summary>
    /// Where the segment starting at <paramref name="start"/> ends: at the first paragraph start (a letter or digit after
    /// a blank line) at least <see cref="MinParagraphSegment"/> characters on, so that a document's paragraphs make the
    /// same segments whatever text comes before it (each prompt of an analysis puts its own instructions in front of the
    /// same document); failing that within <see cref="ParagraphSearch"/> characters, at the first letter or digit after
    /// any line break at least <see cref="MinSegmentLength"/> on; else at the end of the text. No pre-token of the
    /// cl100k or o200k split patterns spans a position that follows a line break and holds a letter or digit (a line
    /// break is only ever followed, inside one pre-token, by more line breaks, whitespace or '/'), and BPE works within
    /// pre-tokens, so the counts of the segments add up to the count of the whole text.
    /// </summary>
    internal static int SegmentEnd(string text, int start)
    {
        var limit = Math.Min(text.Length, start + ParagraphSearch);
        for (var i = start + MinParagraphSegment; i < limit; i++)
        {
            if (text[i - 1] == '\n' && char.IsLetterOrDigit(text[i]) && (text[i - 2] == '\n' || (text[i - 2] == '\r' && text[i - 3] == '\n')))
            {
                return i;
            }
        }

        for (var i = start + MinSegmentLength; i < text.Length; i++)
        {
            if (text[i - 1] is '\n' or '\r' && char.IsLetterOrDigit(text[i]))
            {
                return i;
            }
        }

        return text.Length;
    }

    /// <summary>
    /// Cuts <paramref name="text"/> into chunks of at most <paramref name="maxTokens"/> tokens, each starting about
    /// <paramref name="overlapTokens"/> tokens before the previous one ended so that no sentence is seen only cut in
    /// two. Cuts prefer a paragraph break, then a sentence end, then a space, in the last quarter of a chunk.
    /// </summary>
    public IReadOnlyList<TextChunk> Chunk(string text, int maxTokens, int overlapTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 16);
        overlapTokens = Math.Clamp(overlapTokens, 0, maxTokens / 2);

        var chunks = new List<TextChunk>();
        var start = 0;
        while (start < text.Length)
        {
            var rest = text.AsSpan(start);
            var fit = tokenizer.GetIndexByTokenCount(rest, maxTokens, out _, out _, considerNormalization: false);
            var end = start + Math.Max(fit, 1);
            if (end < text.Length)
            {
                end = SnapBack(text, start, end);
            }

            var chunkText = text[start..end];
            chunks.Add(new TextChunk(chunkText, start, end - start, Count(chunkText)));
            if (end >= text.Length)
            {
                break;
            }

            var next = end;
            if (overlapTokens > 0)
            {
                var back = tokenizer.GetIndexByTokenCountFromEnd(chunkText, overlapTokens, out _, out _, considerNormalization: false);
                next = start + back;
                while (next > start && next < end && !char.IsWhiteSpace(text[next - 1]))
                {
                    next++; // start the overlap on a word
                }
            }

            start = next > start && next < end ? next : end;
            while (start < text.Length && char.IsWhiteSpace(text[start]))
            {
                start++;
            }
        }

        return chunks;
    }

    private static int SnapBack(string text, int start, int end)
    {
        var floor = start + ((end - start) * 3 / 4);
        var window = text.AsSpan(floor, end - floor);
        var paragraph = window.LastIndexOf("\n\n");
        if (paragraph >= 0)
        {
            return floor + paragraph + 2;
        }

        for (var i = window.Length - 2; i >= 0; i--)
        {
            if (window[i] is '.' or '!' or '?' && char.IsWhiteSpace(window[i + 1]))
            {
                return floor + i + 2;
            }
        }

        var space = window.LastIndexOfAny(' ', '\n', '\t');
        return space > 0 ? floor + space + 1 : end;
    }
}
