using System.Runtime.InteropServices;

namespace Platform.AI.Text;

/// <summary>A search hit: the document's index in the collection and its BM25 score.</summary>
public readonly record struct Bm25Hit(int Index, double Score);

/// <summary>
/// Okapi BM25 ranking over a fixed collection of passages, tokenised with <see cref="WordTokenizer.Terms(string)"/>
/// (lower case, stop words removed, stemmed). Thread-safe for searching once built.
/// </summary>
public sealed class Bm25Index
{
    private readonly Dictionary<string, int>[] termFrequencies;
    private readonly int[] lengths;
    private readonly Dictionary<string, int> documentFrequency = new(StringComparer.Ordinal);
    private readonly double averageLength;
    private readonly double k1;
    private readonly double b;

    /// <summary>Indexes <paramref name="documents"/>.</summary>
    /// <param name="documents">The passages to search, in order; hits refer to their index.</param>
    /// <param name="k1">Term-frequency saturation (1.2 is the usual value).</param>
    /// <param name="b">Length normalisation, 0 (none) to 1 (full); 0.75 is the usual value.</param>
    public Bm25Index(IEnumerable<string> documents, double k1 = 1.2, double b = 0.75)
        : this(documents.Select(d => (IReadOnlyList<string>)WordTokenizer.Terms(d)), k1, b)
    {
    }

    /// <summary>Indexes documents already turned into terms (query terms must be made the same way).</summary>
    public Bm25Index(IEnumerable<IReadOnlyList<string>> documentTerms, double k1 = 1.2, double b = 0.75)
    {
        ArgumentNullException.ThrowIfNull(documentTerms);
        this.k1 = k1;
        this.b = b;
        var frequencies = new List<Dictionary<string, int>>();
        var lengthList = new List<int>();
        foreach (var terms in documentTerms)
        {
            // Sized for all terms distinct, so the dictionary never grows.
            var tf = new Dictionary<string, int>(terms.Count, StringComparer.Ordinal);
            foreach (var term in terms)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(tf, term, out _)++;
            }

            foreach (var term in tf.Keys)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(documentFrequency, term, out _)++;
            }

            frequencies.Add(tf);
            lengthList.Add(terms.Count);
        }

        termFrequencies = [.. frequencies];
        lengths = [.. lengthList];
        averageLength = lengths.Length == 0 ? 0 : Math.Max(1, lengths.Average());
    }

    /// <summary>How many documents are indexed.</summary>
    public int Count => lengths.Length;

    /// <summary>The inverse document frequency of a term (BM25+ style, never negative).</summary>
    public double Idf(string term)
    {
        var df = documentFrequency.GetValueOrDefault(term);
        return Math.Log(1 + ((Count - df + 0.5) / (df + 0.5)));
    }

    /// <summary>The BM25 score of document <paramref name="index"/> for the given query terms.</summary>
    public double Score(IReadOnlyList<string> queryTerms, int index)
    {
        ArgumentNullException.ThrowIfNull(queryTerms);
        return ScoreDistinct([.. queryTerms.Distinct(StringComparer.Ordinal)], index);
    }

    /// <summary>As <see cref="Score"/>, for query terms without duplicates (in the order they are summed).</summary>
    private double ScoreDistinct(string[] distinctTerms, int index)
    {
        var tf = termFrequencies[index];
        var norm = k1 * (1 - b + (b * lengths[index] / averageLength));
        var score = 0.0;
        foreach (var term in distinctTerms)
        {
            if (tf.TryGetValue(term, out var f))
            {
                score += Idf(term) * (f * (k1 + 1)) / (f + norm);
            }
        }

        return score;
    }

    /// <summary>
    /// The best <paramref name="top"/> documents for <paramref name="query"/>, best first; only documents that share a
    /// term with the query (score above zero). Ties go to the earlier document.
    /// </summary>
    public IReadOnlyList<Bm25Hit> Search(string query, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Search(WordTokenizer.Terms(query), top);
    }

    /// <summary>As <see cref="Search(string, int)"/>, for query terms made with <see cref="WordTokenizer.Terms(string)"/>.</summary>
    public IReadOnlyList<Bm25Hit> Search(IReadOnlyList<string> queryTerms, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(queryTerms);
        if (queryTerms.Count == 0 || top <= 0)
        {
            return [];
        }

        // The query's distinct terms once, not once per document.
        string[] distinct = [.. queryTerms.Distinct(StringComparer.Ordinal)];
        var hits = new List<Bm25Hit>();
        for (var i = 0; i < Count; i++)
        {
            var score = ScoreDistinct(distinct, i);
            if (score > 0)
            {
                hits.Add(new Bm25Hit(i, score));
            }
        }

        return [.. hits.OrderByDescending(h => h.Score).ThenBy(h => h.Index).Take(top)];
    }
}
