namespace Platform.AI.Text;

/// <summary>
/// Term frequency / inverse document frequency over a collection (for one document: its paragraphs), to find the
/// terms that set one part apart from the rest.
/// </summary>
public sealed class TfIdf
{
    private readonly Dictionary<string, int> documentFrequency = new(StringComparer.Ordinal);

    /// <summary>Builds the document frequencies of <paramref name="documents"/>, each given as its index terms.</summary>
    public TfIdf(IEnumerable<IReadOnlyList<string>> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        foreach (var document in documents)
        {
            DocumentCount++;
            foreach (var term in document.Distinct(StringComparer.Ordinal))
            {
                documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
            }
        }
    }

    /// <summary>How many documents the collection has.</summary>
    public int DocumentCount { get; }

    /// <summary>The smoothed inverse document frequency of <paramref name="term"/>: ln((1 + N) / (1 + df)) + 1.</summary>
    public double Idf(string term) =>
        Math.Log((1.0 + DocumentCount) / (1.0 + documentFrequency.GetValueOrDefault(term))) + 1.0;

    /// <summary>The <paramref name="top"/> terms of <paramref name="terms"/> by tf × idf, best first.</summary>
    public IReadOnlyList<(string Term, double Weight)> TopTerms(IReadOnlyList<string> terms, int top)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return [.. terms
            .GroupBy(t => t, StringComparer.Ordinal)
            .Select(g => (Term: g.Key, Weight: g.Count() * Idf(g.Key)))
            .OrderByDescending(t => t.Weight).ThenBy(t => t.Term, StringComparer.Ordinal)
            .Take(top)];
    }
}
