namespace Platform.AI.Text;

/// <summary>
/// TextRank (Mihalcea and Tarau, 2004): ranks sentences by their centrality in a graph whose edges weigh how many
/// terms two sentences share, normalised by their lengths; the top ones make an extractive summary.
/// </summary>
public static class TextRank
{
    /// <summary>
    /// The score of each item (higher is more central), given each item's index terms (see
    /// <see cref="WordTokenizer.Terms"/>). Items with no shared terms keep the base score.
    /// </summary>
    /// <param name="items">The terms of each sentence (or passage).</param>
    /// <param name="damping">The PageRank damping factor.</param>
    /// <param name="maxIterations">The most power iterations.</param>
    /// <param name="tolerance">Stop when no score moves more than this.</param>
    public static double[] Rank(IReadOnlyList<IReadOnlyList<string>> items, double damping = 0.85, int maxIterations = 60, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(items);
        var n = items.Count;
        var scores = new double[n];
        if (n == 0)
        {
            return scores;
        }

        // Inverted index over distinct terms, so only pairs that share a term are visited.
        var termIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemTerms = new int[n][];
        var postings = new List<List<int>>();
        for (var i = 0; i < n; i++)
        {
            var distinct = new HashSet<int>();
            foreach (var term in items[i])
            {
                if (!termIds.TryGetValue(term, out var id))
                {
                    id = termIds.Count;
                    termIds[term] = id;
                    postings.Add([]);
                }

                if (distinct.Add(id))
                {
                    postings[id].Add(i);
                }
            }

            itemTerms[i] = [.. distinct];
        }

        // The graph is symmetric: each row lists its neighbours and weights (compressed rows, no dictionaries).
        var rowStart = new int[n + 1];
        var columns = new List<int>();
        var weights = new List<double>();
        var shared = new int[n];
        var touched = new List<int>();
        for (var i = 0; i < n; i++)
        {
            rowStart[i] = columns.Count;
            foreach (var id in itemTerms[i])
            {
                foreach (var j in postings[id])
                {
                    if (j != i)
                    {
                        if (shared[j] == 0)
                        {
                            touched.Add(j);
                        }

                        shared[j]++;
                    }
                }
            }

            touched.Sort();
            var logI = Math.Log(1 + itemTerms[i].Length);
            foreach (var j in touched)
            {
                columns.Add(j);
                weights.Add(shared[j] / (logI + Math.Log(1 + itemTerms[j].Length)));
                shared[j] = 0;
            }

            touched.Clear();
        }

        rowStart[n] = columns.Count;
        var cols = columns.ToArray();
        var w = weights.ToArray();
        var outWeight = new double[n];
        for (var i = 0; i < n; i++)
        {
            for (var k = rowStart[i]; k < rowStart[i + 1]; k++)
            {
                outWeight[i] += w[k];
            }
        }

        Array.Fill(scores, 1.0);
        var next = new double[n];
        var share = new double[n];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            for (var j = 0; j < n; j++)
            {
                share[j] = outWeight[j] == 0 ? 0 : damping * scores[j] / outWeight[j];
            }

            var delta = 0.0;
            for (var i = 0; i < n; i++)
            {
                var sum = 1 - damping;
                for (var k = rowStart[i]; k < rowStart[i + 1]; k++)
                {
                    sum += share[cols[k]] * w[k];
                }

                next[i] = sum;
                delta = Math.Max(delta, Math.Abs(sum - scores[i]));
            }

            (scores, next) = (next, scores);
            if (delta < tolerance)
            {
                break;
            }
        }

        return scores;
    }

    /// <summary>
    /// The indexes of the <paramref name="count"/> highest-ranked items, in their original order (ties go to the
    /// earlier item, so the result is deterministic).
    /// </summary>
    public static int[] Top(IReadOnlyList<double> scores, int count)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return [.. Enumerable.Range(0, scores.Count)
            .OrderByDescending(i => scores[i]).ThenBy(i => i)
            .Take(Math.Max(0, count))
            .Order()];
    }
}
