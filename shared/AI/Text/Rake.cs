using System.Runtime.InteropServices;

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
        return Extract([text], top, maxWords, minFrequency);
    }

    /// <summary>
    /// As <see cref="Extract(string, int, int, int?)"/> for <paramref name="paragraphs"/> joined by blank lines, without
    /// joining them: a line break ends a phrase, so no phrase spans two paragraphs either way.
    /// </summary>
    internal static IReadOnlyList<KeyPhrase> Extract(IReadOnlyList<string> paragraphs, int top = 10, int maxWords = 3, int? minFrequency = null)
    {
        // Each word is lower-cased in a buffer and checked there, so a string is made only once per distinct word
        // that joins a phrase; phrases are runs of word numbers (see Phrases).
        var phrases = new Phrases(maxWords);
        var totalWords = 0;
        Span<char> buffer = stackalloc char[64];
        foreach (var text in paragraphs)
        {
            phrases.Flush();
            var last = 0;
            foreach (var (start, length) in WordTokenizer.EnumerateWordSpans(text))
            {
                // Punctuation between two words ends a phrase.
                if (phrases.Current.Count > 0 && HasBreak(text.AsSpan(last, start - last)))
                {
                    phrases.Flush();
                }

                last = start + length;
                totalWords++;
                var word = length <= buffer.Length ? buffer[..length] : new char[length];
                text.AsSpan(start, length).ToLowerInvariant(word);
                if (length < 3 || !char.IsLetter(word[0]) || StopWords.IsStopWord(word) || GenericLookup.Contains(word))
                {
                    phrases.Flush();
                    continue;
                }

                // A finite verb ends a phrase; a participle starts a new one ("households reported skipping meals"
                // gives "households" and "skipping meals", while "certified seed" stays whole).
                if (VerbFormsLookup.Contains(word))
                {
                    phrases.Flush();
                    continue;
                }

                if (phrases.Current.Count > 0 && IsParticiple(word))
                {
                    phrases.Flush();
                }

                phrases.Current.Add(phrases.WordId(word));
            }
        }

        phrases.Flush();

        var frequency = new int[phrases.Words.Count];
        var degree = new int[phrases.Words.Count];
        for (var p = 0; p < phrases.Count; p++)
        {
            var phrase = phrases[p];
            foreach (var id in phrase)
            {
                frequency[id]++;
                degree[id] += phrase.Length;
            }
        }

        // Counted by their text, looked up from a buffer: one string per distinct phrase.
        var phraseCounts = new Dictionary<string, (int First, int Count)>(phrases.Count, StringComparer.Ordinal);
        var phraseCountOf = phraseCounts.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> keyBuffer = stackalloc char[256];
        for (var p = 0; p < phrases.Count; p++)
        {
            var phrase = phrases[p];
            var length = phrase.Length - 1;
            foreach (var id in phrase)
            {
                length += phrases.Words[id].Length;
            }

            var key = length <= keyBuffer.Length ? keyBuffer[..length] : new char[length];
            var at = 0;
            foreach (var id in phrase)
            {
                if (at > 0)
                {
                    key[at++] = ' ';
                }

                phrases.Words[id].CopyTo(key[at..]);
                at += phrases.Words[id].Length;
            }

            ref var seen = ref CollectionsMarshal.GetValueRefOrAddDefault(phraseCountOf, key, out var exists);
            seen = exists ? (seen.First, seen.Count + 1) : (p, 1);
        }

        var min = minFrequency ?? (totalWords > 1500 ? 2 : 1);
        var ranked = new List<(string Phrase, double Score, int Count)>(phraseCounts.Count);
        foreach (var (phrase, (first, count)) in phraseCounts)
        {
            if (count >= min)
            {
                var score = 0.0;
                foreach (var id in phrases[first])
                {
                    score += (double)degree[id] / frequency[id];
                }

                ranked.Add((phrase, score * (1 + Math.Log(count)), count));
            }
        }

        // Phrases are distinct, so this order is total and an unstable sort gives what a stable one would.
        ranked.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Phrase, b.Phrase));

        var result = new List<KeyPhrase>();
        foreach (var (phrase, score, count) in ranked)
        {
            if (result.Count >= top)
            {
                break;
            }

            // Skip a phrase already said by a longer or shorter one ("climate" next to "climate-smart agriculture").
            if (!Overlaps(result, phrase))
            {
                result.Add(new KeyPhrase(phrase, score, count));
            }
        }

        return result;
    }

    private static bool Overlaps(List<KeyPhrase> chosen, string phrase)
    {
        foreach (var r in chosen)
        {
            if (r.Phrase.Contains(phrase, StringComparison.Ordinal) || phrase.Contains(r.Phrase, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // Words that join phrases in proposals without naming anything.
    private static readonly HashSet<string> Generic = new(StringComparer.Ordinal)
    {
        "include", "includes", "including", "ensure", "ensures", "provide", "provides", "based", "new", "key", "total",
        "year", "years", "month", "months", "within", "also", "able", "each", "following", "section", "page", "part",
        "describe", "describes", "explain", "explains", "applicants", "applicant", "proposals", "proposal", "reference",
        "terms", "plans", "annex",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> GenericLookup = Generic.GetAlternateLookup<ReadOnlySpan<char>>();

    private static bool IsParticiple(ReadOnlySpan<char> word) =>
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

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> VerbFormsLookup = VerbForms.GetAlternateLookup<ReadOnlySpan<char>>();

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

    /// <summary>
    /// The candidate phrases: words numbered as first seen, each phrase a run of word numbers, all of them one after
    /// another in one list (no array per phrase).
    /// </summary>
    private sealed class Phrases(int maxWords)
    {
        private readonly Dictionary<string, int> wordIds = new(StringComparer.Ordinal);
        private readonly List<int> runs = [];
        private readonly List<int> ends = [];

        /// <summary>The words by number.</summary>
        public List<string> Words { get; } = [];

        /// <summary>The run of content words read since the last break.</summary>
        public List<int> Current { get; } = [];

        public int Count => ends.Count;

        /// <summary>The word numbers of phrase <paramref name="index"/>.</summary>
        public ReadOnlySpan<int> this[int index] =>
            CollectionsMarshal.AsSpan(runs)[(index == 0 ? 0 : ends[index - 1])..ends[index]];

        /// <summary>The number of a (lower-case) word, numbering it if it is new.</summary>
        public int WordId(ReadOnlySpan<char> word)
        {
            var lookup = wordIds.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(word, out var id))
            {
                id = Words.Count;
                var value = new string(word);
                Words.Add(value);
                wordIds.Add(value, id);
            }

            return id;
        }

        /// <summary>Ends the current run: what is left of it after trimming becomes a phrase.</summary>
        public void Flush()
        {
            // Verb forms at the end are not part of the name ("seed banks registered" loses "registered"); a longer run keeps its last words, since in English the head of a noun
            // phrase comes last ("explain community seed banks" gives "community seed banks").
            var start = 0;
            var end = Current.Count;
            while (end > start && IsVerbLike(Words[Current[end - 1]]))
            {
                end--;
            }

            if (end > start)
            {
                var from = Math.Max(start, end - maxWords);
                runs.AddRange(CollectionsMarshal.AsSpan(Current).Slice(from, Math.Min(maxWords, end - start)));
                ends.Add(runs.Count);
            }

            Current.Clear();
        }
    }
}
