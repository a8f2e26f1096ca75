using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Platform.AI.Offline;

/// <summary>
/// Searches every sentence of a document for a pattern in one pass: the sentences joined by a separator no pattern can
/// match, the matches then handed back to their sentences. One scan per pattern and document instead of one per
/// sentence: a regex call has a fixed cost (a runner, its set-up, a vectorised search that is only worth it on long
/// texts) that, paid per sentence, was most of what the offline engine spent in its patterns.
/// </summary>
/// <remarks>
/// The result is the same as searching each sentence alone when no part of the pattern can match the separator or
/// depends on where the text starts or ends: then no match crosses a separator, and at a separator <c>\b</c>,
/// lookbehinds and lookaheads see what they see at the edges of a text of its own (a non-word character that nothing
/// matches). <see cref="CanJoin"/> accepts only such patterns; any other is searched sentence by sentence.
/// </remarks>
internal sealed class SentenceSearch
{
    /// <summary>A control character: not a word character, not white space, not a digit, in no case pair.</summary>
    internal const char Separator = '\u0001';

    private static readonly ConcurrentDictionary<Regex, bool> Joinable = new();

    private readonly IReadOnlyList<string> sentences;
    private readonly string? joined;
    private readonly int[] starts;

    public SentenceSearch(IReadOnlyList<string> sentences)
    {
        this.sentences = sentences;
        starts = new int[sentences.Count];
        var length = 0;
        for (var i = 0; i < sentences.Count; i++)
        {
            if (sentences[i].Contains(Separator, StringComparison.Ordinal))
            {
                return; // not joinable: every pattern is searched sentence by sentence
            }

            starts[i] = length;
            length += sentences[i].Length + 1;
        }

        joined = string.Join(Separator, sentences);
    }

    /// <summary>The matches of <paramref name="regex"/> in each sentence, in order, as <see cref="Patterns.MatchAll"/> finds them.</summary>
    public Found[][] Search(Regex regex)
    {
        var result = new Found[sentences.Count][];
        if (joined is null || !Joinable.GetOrAdd(regex, CanJoin))
        {
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = Patterns.MatchAll(regex, sentences[i]);
            }

            return result;
        }

        // Sentences without a match keep the empty array; each run of matches in one sentence becomes its array.
        Array.Fill(result, []);
        var sentence = -1;
        var current = new List<Found>();
        foreach (var m in regex.EnumerateMatches(joined))
        {
            var at = Array.BinarySearch(starts, m.Index);
            var index = at >= 0 ? at : ~at - 1;
            if (index != sentence)
            {
                if (current.Count > 0)
                {
                    result[sentence] = [.. current];
                    current.Clear();
                }

                sentence = index;
            }

            var offset = m.Index - starts[index];
            current.Add(new Found(offset, sentences[index].Substring(offset, m.Length)));
        }

        if (current.Count > 0)
        {
            result[sentence] = [.. current];
        }

        return result;
    }

    /// <summary>
    /// Whether searching joined sentences gives the same matches as searching each alone: no anchors (<c>^ $ \A \z \Z
    /// \G</c>), nothing that can match the separator (<c>.</c>, negated classes, <c>\W \S \D \P</c>, control-character
    /// categories, character codes), and no options that change those (multiline, right to left, pattern white space).
    /// </summary>
    internal static bool CanJoin(Regex regex)
    {
        if ((regex.Options & (RegexOptions.Multiline | RegexOptions.Singleline | RegexOptions.RightToLeft | RegexOptions.IgnorePatternWhitespace)) != 0)
        {
            return false;
        }

        var pattern = regex.ToString();
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    return false;
                }

                var e = pattern[++i];
                if (e is 'W' or 'S' or 'D' or 'P' or 'A' or 'z' or 'Z' or 'G' or 'x' or 'u' or 'c' or '0' || (e == 'p' && i + 2 < pattern.Length && pattern[i + 2] == 'C'))
                {
                    return false;
                }

                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                continue;
            }

            switch (c)
            {
                case '[':
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        return false;
                    }

                    inClass = true;
                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        i++; // a ']' first in a class is literal
                    }

                    break;
                case '^' or '$' or '.':
                    return false;
                case '(' when i + 1 < pattern.Length && pattern[i + 1] == '?' && !InlineOptionsAreSafe(pattern, i + 2):
                    return false;
            }
        }

        return true;
    }

    /// <summary>After <c>(?</c>: a group kind (<c>: = ! &lt;</c>...) or inline options without m, s, x; not a comment.</summary>
    private static bool InlineOptionsAreSafe(string pattern, int at)
    {
        for (var i = at; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case 'm' or 's' or 'x' or '#':
                    return false;
                case 'i' or 'n' or '-':
                    continue;
                default:
                    return true;
            }
        }

        return false;
    }
}
