namespace Platform.AI.Text;

/// <summary>A key phrase and how strongly it stands for the text.</summary>
/// <param name="Phrase">The phrase, lower case.</param>
/// <param name="Score">Its RAKE score, weighted by how often it occurs.</param>
/// <param name="Frequency">How many times it occurs.</param>
public sealed record KeyPhrase(string Phrase, double Score, int Frequency);

/// <summary>
/// RAKE (Rapid Automatic Keyword Extraction, Rose et al., 2010): candidate phrases are runs of content words between
/// stop words and punctuation; each word scores degree / frequency, and a phrase the sum of its words.
/// </summary>
public static class Rake
{
    /// <summary>The top key phrases of <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="top">How many phrases to return.</param>
    /// <param name="maxWords">The longest phrase kept, in words.</param>
    /// <param name="minFrequency">
    /// The fewest occurrences a phrase needs; null picks 2 for texts over 1,500 words (one-off phrases are noise there)
    /// and 1 otherwise.
    /// </param>
    public static IReadOnlyList<KeyPhrase> Extract(string text, int top = 10, int maxWords = 3, int? minFrequency = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var phrases = new List<string[]>();
        var current = new List<string>();
        var totalWords = 0;

        var last = 0;
        foreach (var (start, length) in WordTokenizer.WordSpans(text))
        {
            // Punctuation between two words ends a phrase.
            if (current.Count > 0 && HasBreak(text.AsSpan(last, start - last)))
            {
                Flush(phrases, current, maxWords);
            }

            last = start + length;
            totalWords++;
            var word = text.Substring(start, length).ToLowerInvariant();
            if (length < 3 || !char.IsLetter(word[0]) || StopWords.IsStopWord(word) || Generic.Contains(word))
            {
                Flush(phrases, current, maxWords);
                continue;
            }

            // A finite verb ends a phrase; a participle starts a new one ("households reported skipping meals"
            // gives "households" and "skipping meals", while "certified seed" stays whole).
            if (VerbForms.Contains(word))
            {
                Flush(phrases, current, maxWords);
                continue;
            }

            if (current.Count > 0 && IsParticiple(word))
            {
                Flush(phrases, current, maxWords);
            }

            current.Add(word);
        }

        Flush(phrases, current, maxWords);

        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        var degree = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var phrase in phrases)
        {
            foreach (var word in phrase)
            {
                frequency[word] = frequency.GetValueOrDefault(word) + 1;
                degree[word] = degree.GetValueOrDefault(word) + phrase.Length;
            }
        }

        var phraseCounts = new Dictionary<string, (string[] Words, int Count)>(StringComparer.Ordinal);
        foreach (var phrase in phrases)
        {
            var key = string.Join(' ', phrase);
            phraseCounts[key] = phraseCounts.TryGetValue(key, out var seen) ? (seen.Words, seen.Count + 1) : (phrase, 1);
        }

        var min = minFrequency ?? (totalWords > 1500 ? 2 : 1);
        var ranked = phraseCounts
            .Where(p => p.Value.Count >= min)
            .Select(p => new KeyPhrase(
                p.Key,
                p.Value.Words.Sum(w => (double)degree[w] / frequency[w]) * (1 + Math.Log(p.Value.Count)),
                p.Value.Count))
            .OrderByDescending(p => p.Score).ThenBy(p => p.Phrase, StringComparer.Ordinal);

        var result = new List<KeyPhrase>();
        foreach (var phrase in ranked)
        {
            if (result.Count >= top)
            {
                break;
            }

            // Skip a phrase already said by a longer or shorter one ("climate" next to "climate-smart agriculture").
            if (result.Any(r => r.Phrase.Contains(phrase.Phrase, StringComparison.Ordinal) || phrase.Phrase.Contains(r.Phrase, StringComparison.Ordinal)))
            {
                continue;
            }

            result.Add(phrase);
        }

        return result;
    }

    // Words that join phrases in proposals without naming anything.
    private static readonly HashSet<string> Generic = new(StringComparer.Ordinal)
    {
        "include", "includes", "including", "ensure", "ensures", "provide", "provides", "based", "new", "key", "total",
        "year", "years", "month", "months", "within", "also", "able", "each", "following", "section", "page", "part",
        "describe", "describes", "explain", "explains", "applicants", "applicant", "proposals", "proposal", "reference",
        "terms", "plans", "annex",
    };

    private static bool IsParticiple(string word) =>
        word.Length > 5 && (word.EndsWith("ed", StringComparison.Ordinal) || word.EndsWith("ing", StringComparison.Ordinal));

    private static bool IsVerbLike(string word) => IsParticiple(word) || VerbForms.Contains(word);

    // Common finite verbs of proposals that otherwise glue themselves to noun phrases.
    private static readonly HashSet<string> VerbForms = new(StringComparer.Ordinal)
    {
        "reflects", "reflect", "grow", "grows", "reach", "reaches", "set", "sets", "run", "runs", "meet", "meets",
        "take", "takes", "give", "gives", "keep", "keeps", "need", "needs", "show", "shows", "help", "helps", "lead",
        "leads", "raise", "raises", "receive", "receives", "sell", "sells", "buy", "buys", "build", "builds", "cover",
        "covers", "become", "becomes", "remain", "remains", "allow", "allows", "rest", "rests", "host", "hosts", "confirmed", "responds",
    };

    private static bool HasBreak(ReadOnlySpan<char> between)
    {
        foreach (var c in between)
        {
            if (c is '.' or ',' or ';' or ':' or '!' or '?' or '(' or ')' or '[' or ']' or '"' or '\u201C' or '\u201D' or '\n' or '\u2013' or '\u2014' or '/' or '|')
            {
                return true;
            }
        }

        return false;
    }

    private static void Flush(List<string[]> phrases, List<string> current, int maxWords)
    {
        // Verb forms at the end are not part of the name ("seed banks registered" loses "registered"); a longer run keeps its last words, since in English the head of a noun
        // phrase comes last ("explain community seed banks" gives "community seed banks").
        var start = 0;
        var end = current.Count;
        while (end > start && IsVerbLike(current[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            phrases.Add([.. current.Skip(Math.Max(start, end - maxWords)).Take(Math.Min(maxWords, end - start))]);
        }

        current.Clear();
    }
}
