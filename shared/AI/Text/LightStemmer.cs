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

        Span<char> buffer = word.Length <= 64 ? stackalloc char[word.Length] : new char[word.Length];
        word.CopyTo(buffer);
        var length = Stem(buffer);

        // Every rule that changes the word shortens it.
        return length == word.Length ? word : new string(buffer[..length]);
    }

    /// <summary>
    /// Stems the lower-case word in place, as <see cref="Stem(string)"/> does, and returns the stem's length: the stem
    /// is <c>word[..length]</c>. Lets a tokenizer stem without a string per step.
    /// </summary>
    internal static int Stem(Span<char> word)
    {
        if (word.Length <= 3 || !char.IsLetter(word[^1]))
        {
            return word.Length;
        }

        var w = word;
        if (w.EndsWith("ies") && w.Length > 4)
        {
            w[^3] = 'y';
            w = w[..^2];
        }
        else if (w.EndsWith("sses"))
        {
            w = w[..^2];
        }
        else if (w[^1] == 's' && !w.EndsWith("ss") && !w.EndsWith("us") && !w.EndsWith("is") && w.Length > 3)
        {
            w = w[..^1];
        }

        if (w.EndsWith("ing") && w.Length - 3 >= 4 && HasVowel(w[..^3]))
        {
            w = Undouble(w[..^3]);
        }
        else if (w.EndsWith("ed") && w.Length - 2 >= 4 && HasVowel(w[..^2]))
        {
            w = Undouble(w[..^2]);
        }
        else if (w.EndsWith("ly") && w.Length - 2 >= 4)
        {
            w = w[..^2];
        }

        if (w.Length > 4 && w[^1] == 'e')
        {
            w = w[..^1];
        }

        return w.Length;
    }

    private static bool HasVowel(ReadOnlySpan<char> s) => s.IndexOfAny("aeiouy") >= 0;

    private static Span<char> Undouble(Span<char> w) =>
        w.Length >= 4 && w[^1] == w[^2] && w[^1] is not ('l' or 's' or 'z') && !"aeiou".Contains(w[^1])
            ? w[..^1]
            : w;
}
