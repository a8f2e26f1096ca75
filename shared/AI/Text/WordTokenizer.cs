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
        foreach (var (start, length) in WordSpans(text))
        {
            words.Add(text.Substring(start, length).ToLowerInvariant());
        }

        return words;
    }

    /// <summary>
    /// The index terms of <paramref name="text"/>: its words without stop words and one-letter words, stemmed with
    /// <see cref="LightStemmer"/> (numbers lose their group separators). Used by BM25, TF-IDF and TextRank alike.
    /// </summary>
    public static List<string> Terms(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        foreach (var (start, length) in WordSpans(text))
        {
            if (length < 2)
            {
                continue;
            }

            if (char.IsDigit(text[start]))
            {
                terms.Add(text.Substring(start, length).Replace(",", string.Empty, StringComparison.Ordinal));
                continue;
            }

            var word = text.Substring(start, length).ToLowerInvariant();
            if (!StopWords.IsStopWord(word))
            {
                terms.Add(LightStemmer.Stem(word));
            }
        }

        return terms;
    }

    /// <summary>The start and length of each word in <paramref name="text"/>.</summary>
    public static IEnumerable<(int Start, int Length)> WordSpans(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsLetterOrDigit(c))
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

            yield return (start, i - start);
        }
    }

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
}
