using System.Buffers;

namespace Platform.AI.Text;

/// <summary>One sentence of a text and where it starts.</summary>
/// <param name="Text">The sentence, trimmed, inner line breaks turned into spaces.</param>
/// <param name="Start">The index in the source text of its first character.</param>
/// <param name="Length">How many characters of the source text it spans.</param>
public sealed record Sentence(string Text, int Start, int Length);

/// <summary>
/// Splits text into sentences. Knows common abbreviations ("e.g.", "Dr.", "No."), initials and decimals, and treats
/// blank lines, bullet items and short heading lines as boundaries, so PDF text wrapped mid-sentence stays whole.
/// </summary>
public static class SentenceSplitter
{
    private const int MaxSentenceLength = 1200;

    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "e.g", "i.e", "eg", "ie", "mr", "mrs", "ms", "dr", "prof", "no", "nos", "fig", "figs", "approx", "vs",
        "st", "inc", "ltd", "co", "corp", "jr", "sr", "vol", "pp", "p", "para", "art", "sec", "ref", "est", "dept",
        "govt", "u.s", "u.k", "u.n", "cf", "al", "ca", "min", "max", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> AbbreviationLookup = Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The sentences of <paramref name="text"/>, in order; empty ones are skipped.</summary>
    public static IReadOnlyList<Sentence> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sentences = new List<Sentence>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (IsLineBoundary(text, start, i))
                {
                    Add(sentences, text, start, i);
                    start = i + 1;
                }
            }
            else if (c is '.' or '!' or '?' or '\u2026')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is '.' or '!' or '?' or '"' or '\'' or ')' or ']' or '\u201D' or '\u2019')
                {
                    end++;
                }

                if (end >= text.Length || (char.IsWhiteSpace(text[end]) && StartsSentence(text, end) && !IsAbbreviation(text, i, c)))
                {
                    Add(sentences, text, start, end);
                    start = end;
                    i = end;
                    continue;
                }
            }
            else if (i - start > MaxSentenceLength && (c == ';' || char.IsWhiteSpace(c)))
            {
                Add(sentences, text, start, i + 1);
                start = i + 1;
            }

            i++;
        }

        Add(sentences, text, start, text.Length);
        return sentences;
    }

    /// <summary>The sentence texts of <paramref name="text"/>, in order.</summary>
    public static IReadOnlyList<string> SplitToStrings(string text) => [.. Split(text).Select(s => s.Text)];

    private static void Add(List<Sentence> sentences, string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end <= start)
        {
            return;
        }

        var span = text.AsSpan(start, end - start);
        var hasWord = false;
        foreach (var ch in span)
        {
            if (char.IsLetterOrDigit(ch))
            {
                hasWord = true;
                break;
            }
        }

        if (!hasWord)
        {
            return;
        }

        var value = span.ContainsAny('\n', '\r', '\t') ? Normalise(span) : span.ToString();
        sentences.Add(new Sentence(value, start, end - start));
    }

    private static string Normalise(ReadOnlySpan<char> span)
    {
        char[]? rented = null;
        var chars = span.Length <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(span.Length));
        var n = 0;
        var space = false;
        foreach (var ch in span)
        {
            if (char.IsWhiteSpace(ch))
            {
                space = true;
                continue;
            }

            if (space && n > 0)
            {
                chars[n++] = ' ';
            }

            space = false;
            chars[n++] = ch;
        }

        var normalised = new string(chars[..n]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return normalised;
    }

    /// <summary>A line break ends a sentence at a blank line, before a bullet item, or after a short heading line.</summary>
    private static bool IsLineBoundary(string text, int sentenceStart, int newline)
    {
        var next = newline + 1;
        while (next < text.Length && text[next] is ' ' or '\t' or '\r')
        {
            next++;
        }

        if (next >= text.Length || text[next] == '\n')
        {
            return true;
        }

        if (IsBulletStart(text, next))
        {
            return true;
        }

        var lineStart = text.LastIndexOf('\n', Math.Max(newline - 1, 0)) + 1;
        lineStart = Math.Max(lineStart, sentenceStart);
        var line = text.AsSpan(lineStart, newline - lineStart).Trim();
        if (line.Length == 0)
        {
            return false;
        }

        var last = line[^1];
        if (last is ':' or ';')
        {
            return true;
        }

        // A short line without closing punctuation followed by a capital is a heading or a list line, not a wrap.
        return line.Length <= 80 && !char.IsPunctuation(last) && lineStart == sentenceStart && char.IsUpper(text[next])
            && IsTitleLike(line);
    }

    /// <summary>A heading: numbered ("3.2 Budget"), or most of its words capitalised ("Goals and Objectives").</summary>
    public static bool IsTitleLike(ReadOnlySpan<char> line)
    {
        line = line.Trim();
        if (line.Length == 0 || line.Length > 100 || line[^1] is '.' or ',' or ';')
        {
            return false;
        }

        if (line[0] == '#')
        {
            return true;
        }

        var words = 0;
        var capitalised = 0;
        var numbered = char.IsDigit(line[0]);
        foreach (var range in line.Split(' '))
        {
            var word = line[range].Trim("()[]:,.\"'");
            if (word.Length == 0)
            {
                continue;
            }

            words++;
            if (char.IsUpper(word[0]) || char.IsDigit(word[0]))
            {
                capitalised++;
            }
            else if (StopWords.IsStopWord(word))
            {
                capitalised++; // "and", "of" stay lower case in titles
            }
        }

        if (numbered)
        {
            // "3.2 Monitoring and evaluation" is a heading; "1. Train 400 farmers in 2026" is a list item.
            var rest = line.TrimStart("0123456789.) ");
            return words is >= 2 and <= 9 && rest.Length > 0 && char.IsUpper(rest[0]) && !rest.ContainsAnyInRange('0', '9');
        }

        return words is > 0 and <= 12 && capitalised == words;
    }

    private static bool IsBulletStart(string text, int i)
    {
        var c = text[i];
        if (c is '-' or '*' or '\u2022' or '\u00B7' or '\u25AA' or '\u2013' or '#')
        {
            return i + 1 < text.Length && (text[i + 1] == ' ' || (c == '#' && text[i + 1] == '#'));
        }

        if (char.IsDigit(c) || (char.IsLetter(c) && i + 1 < text.Length && text[i + 1] is ')' or '.'))
        {
            var j = i;
            while (j < text.Length && j - i < 3 && char.IsLetterOrDigit(text[j]))
            {
                j++;
            }

            return j < text.Length - 1 && text[j] is '.' or ')' && text[j + 1] == ' ' && (j - i <= 2 || char.IsDigit(c));
        }

        return false;
    }

    private static bool StartsSentence(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        if (i >= text.Length)
        {
            return true;
        }

        var c = text[i];
        return char.IsUpper(c) || char.IsDigit(c) || c is '"' or '\'' or '(' or '[' or '\u201C' or '\u2018' or '-' or '*' or '\u2022' or '#';
    }

    private static bool IsAbbreviation(string text, int dot, char mark)
    {
        if (mark != '.')
        {
            return false;
        }

        var j = dot;
        while (j > 0 && (char.IsLetter(text[j - 1]) || (text[j - 1] == '.' && j - 2 >= 0 && char.IsLetter(text[j - 2]))))
        {
            j--;
        }

        if (j == dot)
        {
            return false;
        }

        var word = text.AsSpan(j, dot - j);
        if (word.Length == 1 && char.IsUpper(word[0]))
        {
            return true; // an initial, as in "J. Smith"
        }

        return AbbreviationLookup.Contains(word);
    }
}
