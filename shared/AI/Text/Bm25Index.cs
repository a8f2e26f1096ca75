namespace Platform.AI.Text;

/// <summary>A search hit: the document's index in the collection and its BM25 score.</summary>
public readonly record struct Bm25Hit(int Index, double Score);

/// <summary>
/// Okapi BM25 ranking over a fixed collection of passages, tokenised with <see cref="WordTokenizer.Terms"/>
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
            var tf = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var term in terms)
            {
                tf[term] = tf.GetValueOrDefault(term) + 1;
            }

            foreach (var term in tf.Keys)
            {
                documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
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
        var tf = termFrequencies[index];
        var norm = k1 * (1 - b + (b * lengths[index] / averageLength));
        var score = 0.0;
        foreach (var term in queryTerms.Distinct(StringComparer.Ordinal))
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

    /// <summary>As <see cref="Search(string, int)"/>, for query terms made with <see cref="WordTokenizer.Terms"/>.</summary>
    public IReadOnlyList<Bm25Hit> Search(IReadOnlyList<string> queryTerms, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(queryTerms);
        if (queryTerms.Count == 0 || top <= 0)
        {
            return [];
        }

        var hits = new List<Bm25Hit>();
        for (var i = 0; i < Count; i++)
        {
            var score = Score(queryTerms, i);
            if (score > 0)
            {
                hits.Add(new Bm25Hit(i, score));
            }
        }

        return [.. hits.OrderByDescending(h => h.Score).ThenBy(h => h.Index).Take(top)];
    }
}
