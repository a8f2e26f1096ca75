using System.Runtime.InteropServices;

namespace Platform.AI.Text;

/// <summary>
/// TextRank (Mihalcea and Tarau, 2004): ranks sentences by their centrality in a graph whose edges weigh how many
/// terms two sentences share, normalised by their lengths; the top ones make an extractive summary.
/// </summary>
public static class TextRank
{
    /// <summary>
    /// The score of each item (higher is more central), given each item's index terms (see
    /// <see cref="WordTokenizer.Terms(string)"/>). Items with no shared terms keep the base score.
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

        // Inverted index over distinct terms, so only pairs that share a term are visited. The postings are one
        // array cut by term (compressed rows), filled in item order.
        var totalTerms = 0;
        foreach (var terms in items)
        {
            totalTerms += terms.Count;
        }

        var termIds = new Dictionary<string, int>(totalTerms, StringComparer.Ordinal);
        var lastItem = new List<int>(); // per term: the last item seen with it, to count each term once an item
        var itemCounts = new List<int>(); // per term: how many items have it
        var itemTerms = new int[n][];
        var distinct = new List<int>();
        for (var i = 0; i < n; i++)
        {
            distinct.Clear();
            foreach (var term in items[i])
            {
                ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(termIds, term, out var exists);
                if (!exists)
                {
                    id = lastItem.Count;
                    lastItem.Add(-1);
                    itemCounts.Add(0);
                }

                if (lastItem[id] != i)
                {
                    lastItem[id] = i;
                    itemCounts[id]++;
                    distinct.Add(id);
                }
            }

            itemTerms[i] = [.. distinct];
        }

        var postingStart = new int[itemCounts.Count + 1];
        for (var id = 0; id < itemCounts.Count; id++)
        {
            postingStart[id + 1] = postingStart[id] + itemCounts[id];
        }

        var postings = new int[postingStart[^1]];
        var filled = postingStart[..^1];
        for (var i = 0; i < n; i++)
        {
            foreach (var id in itemTerms[i])
            {
                postings[filled[id]++] = i;
            }
        }

        // The graph is symmetric: each row lists its neighbours and weights (compressed rows, no dictionaries). A
        // first pass counts the neighbours, so the rows are written straight into arrays of the right size.
        var shared = new int[n];
        var touched = new List<int>();
        void Neighbours(int i)
        {
            foreach (var id in itemTerms[i])
            {
                for (var p = postingStart[id]; p < postingStart[id + 1]; p++)
                {
                    var j = postings[p];
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
        }

        var rowStart = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            Neighbours(i);
            rowStart[i + 1] = rowStart[i] + touched.Count;
            foreach (var j in touched)
            {
                shared[j] = 0;
            }

            touched.Clear();
        }

        var cols = new int[rowStart[n]];
        var w = new double[rowStart[n]];
        for (var i = 0; i < n; i++)
        {
            Neighbours(i);
            touched.Sort();
            var logI = Math.Log(1 + itemTerms[i].Length);
            var k = rowStart[i];
            foreach (var j in touched)
            {
                cols[k] = j;
                w[k] = shared[j] / (logI + Math.Log(1 + itemTerms[j].Length));
                k++;
                shared[j] = 0;
            }

            touched.Clear();
        }

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
