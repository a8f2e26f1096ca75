namespace Platform.AI.Text;

/// <summary>
/// A small suffix-stripping stemmer for English, enough to match "indicators" with "indicator" and "monitoring"
/// with "monitored". Stems are index keys, not words: show the original word to people.
/// </summary>
public static class LightStemmer
{
    /// <summary>The stem of a lower-case word.</summary>
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length <= 3 || !char.IsLetter(word[^1]))
        {
            return word;
        }

        var w = word;
        if (w.EndsWith("ies", StringComparison.Ordinal) && w.Length > 4)
        {
            w = string.Concat(w.AsSpan(0, w.Length - 3), "y");
        }
        else if (w.EndsWith("sses", StringComparison.Ordinal))
        {
            w = w[..^2];
        }
        else if (w[^1] == 's' && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal)
            && !w.EndsWith("is", StringComparison.Ordinal) && w.Length > 3)
        {
            w = w[..^1];
        }

        if (w.EndsWith("ing", StringComparison.Ordinal) && w.Length - 3 >= 4 && HasVowel(w.AsSpan(0, w.Length - 3)))
        {
            w = Undouble(w[..^3]);
        }
        else if (w.EndsWith("ed", StringComparison.Ordinal) && w.Length - 2 >= 4 && HasVowel(w.AsSpan(0, w.Length - 2)))
        {
            w = Undouble(w[..^2]);
        }
        else if (w.EndsWith("ly", StringComparison.Ordinal) && w.Length - 2 >= 4)
        {
            w = w[..^2];
        }

        if (w.Length > 4 && w[^1] == 'e')
        {
            w = w[..^1];
        }

        return w;
    }

    private static bool HasVowel(ReadOnlySpan<char> s) => s.IndexOfAny("aeiouy") >= 0;

    private static string Undouble(string w) =>
        w.Length >= 4 && w[^1] == w[^2] && w[^1] is not ('l' or 's' or 'z') && !"aeiou".Contains(w[^1])
            ? w[..^1]
            : w;
}
