namespace Platform.AI.Text;

/// <summary>Splits text into words and into index terms (lower case, no stop words, stemmed).</summary>
public static class WordTokenizer
{
    /// <summary>
    /// The words of <paramref name="text"/> in order, lower case: runs of letters and digits, keeping an inner
    /// apostrophe or hyphen ("don't", "co-financing") and digit groups ("1,250,000", "2.5").
    /// </summary>
    public static List<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        foreach (var (start, length) in EnumerateWordSpans(text))
        {
            words.Add(string.Create(length, (text, start), static (lower, state) => state.text.AsSpan(state.start, lower.Length).ToLowerInvariant(lower)));
        }

        return words;
    }

    /// <summary>
    /// The index terms of <paramref name="text"/>: its words without stop words and one-letter words, stemmed with
    /// <see cref="LightStemmer"/> (numbers lose their group separators). Used by BM25, TF-IDF and TextRank alike.
    /// </summary>
    public static List<string> Terms(string text) => Terms(text, capacity: 0);

    /// <summary>As <see cref="Terms(string)"/>, into a list made with room for <paramref name="capacity"/> terms.</summary>
    internal static List<string> Terms(string text, int capacity)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>(capacity);
        AddTerms(text, terms);
        return terms;
    }

    /// <summary>Adds the index terms of <paramref name="text"/> (see <see cref="Terms(string)"/>) to <paramref name="terms"/>.</summary>
    internal static void AddTerms(string text, List<string> terms)
    {
        // Each word is lower-cased and stemmed in this buffer: one string per term, none for a stop word.
        Span<char> buffer = stackalloc char[64];
        foreach (var (start, length) in EnumerateWordSpans(text))
        {
            if (length < 2)
            {
                continue;
            }

            var word = text.AsSpan(start, length);
            var scratch = length <= buffer.Length ? buffer[..length] : new char[length];
            if (char.IsDigit(word[0]))
            {
                var digits = 0;
                foreach (var c in word)
                {
                    if (c != ',')
                    {
                        scratch[digits++] = c;
                    }
                }

                terms.Add(new string(scratch[..digits]));
                continue;
            }

            word.ToLowerInvariant(scratch);
            if (!StopWords.IsStopWord(scratch))
            {
                terms.Add(new string(scratch[..LightStemmer.Stem(scratch)]));
            }
        }
    }

    /// <summary>The start and length of each word in <paramref name="text"/>.</summary>
    public static IEnumerable<(int Start, int Length)> WordSpans(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var span in EnumerateWordSpans(text))
        {
            yield return span;
        }
    }

    /// <summary>How many words <paramref name="text"/> has (as <see cref="WordSpans"/> finds them).</summary>
    internal static int CountWords(string text)
    {
        var count = 0;
        foreach (var _ in EnumerateWordSpans(text))
        {
            count++;
        }

        return count;
    }

    /// <summary>As <see cref="WordSpans"/>, for <c>foreach</c> without an iterator object.</summary>
    internal static WordSpanEnumerator EnumerateWordSpans(string text) => new(text);

    private static bool IsJoiner(string text, int i)
    {
        var c = text[i];
        var prev = text[i - 1];
        var next = text[i + 1];
        return c switch
        {
            '\'' or '\u2019' => char.IsLetter(prev) && char.IsLetter(next),
            '-' => char.IsLetterOrDigit(prev) && char.IsLetterOrDigit(next),
            ',' or '.' => char.IsDigit(prev) && char.IsDigit(next),
            _ => false,
        };
    }

    /// <summary>The word scanner behind <see cref="WordSpans"/>: a struct, so counting or tokenising allocates nothing.</summary>
    internal struct WordSpanEnumerator(string text)
    {
        private int next;

        public (int Start, int Length) Current { get; private set; }

        public readonly WordSpanEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            var i = next;
            while (i < text.Length && !char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                next = i;
                return false;
            }

            var start = i;
            while (i < text.Length)
            {
                if (char.IsLetterOrDigit(text[i]))
                {
                    i++;
                }
                else if (i + 1 < text.Length && IsJoiner(text, i))
                {
                    i += 2;
                }
                else
                {
                    break;
                }
            }

            Current = (start, i - start);
            next = i;
            return true;
        }
    }
}
