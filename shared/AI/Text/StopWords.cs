namespace Platform.AI.Text;

/// <summary>English stop words: words too common to say what a passage is about.</summary>
public static class StopWords
{
    // Declared before the fields that read it (static fields are initialised in order).
    private static readonly HashSet<string> Set = new(
    [
        "a", "about", "above", "across", "after", "again", "against", "all", "almost", "along", "already", "also",
        "although", "always", "am", "among", "an", "and", "another", "any", "are", "aren't", "around", "as", "at", "be",
        "became", "because", "become", "been", "before", "being", "below", "between", "both", "but", "by", "can",
        "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during",
        "each", "either", "else", "enough", "etc", "even", "ever", "every", "few", "for", "from", "further", "had",
        "has", "hasn't", "have", "haven't", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his",
        "how", "however", "i", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "just", "least",
        "less", "let", "like", "made", "make", "many", "may", "me", "might", "more", "most", "much", "must", "my",
        "myself", "neither", "no", "nor", "not", "now", "of", "off", "often", "on", "once", "one", "only", "or",
        "other", "others", "otherwise", "our", "ours", "ourselves", "out", "over", "own", "per", "perhaps", "rather",
        "same", "several", "shall", "she", "should", "shouldn't", "since", "so", "some", "such", "than", "that",
        "that's", "the", "their", "theirs", "them", "themselves", "then", "there", "there's", "therefore", "these",
        "they", "this", "those", "though", "through", "throughout", "thus", "to", "together", "too", "toward",
        "towards", "under", "until", "up", "upon", "us", "use", "used", "using", "very", "via", "was", "wasn't", "we",
        "well", "were", "weren't", "what", "whatever", "when", "where", "whether", "which", "while", "who", "whom",
        "whose", "why", "will", "with", "within", "without", "won't", "would", "wouldn't", "yet", "you", "your",
        "yours", "yourself", "yourselves", "e.g", "i.e", "eg", "ie", "s", "t",
    ], StringComparer.Ordinal);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> SpanLookup = Set.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The list, lower case.</summary>
    public static readonly IReadOnlySet<string> English = Set;

    /// <summary>Whether <paramref name="word"/> (lower case) is a stop word.</summary>
    public static bool IsStopWord(string word) => Set.Contains(word);

    /// <summary>Whether <paramref name="word"/> (lower case) is a stop word, without making a string of it.</summary>
    public static bool IsStopWord(ReadOnlySpan<char> word) => SpanLookup.Contains(word);
}
