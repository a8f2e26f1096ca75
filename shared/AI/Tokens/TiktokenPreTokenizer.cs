using System.Globalization;
using Microsoft.ML.Tokenizers;

namespace Platform.AI;

/// <summary>
/// Splits a text into the same pre-tokens as the <see cref="RegexPreTokenizer"/> of Microsoft.ML.Tokenizers'
/// <see cref="TiktokenTokenizer"/> for <c>cl100k_base</c> and <c>o200k_base</c>, without a regular expression and
/// without allocating. The library first cuts out its special tokens (<c>&lt;|endoftext|&gt;</c> and the like, matched
/// literally and case-sensitively, each a pre-token of its own), then matches its split pattern in each stretch between
/// them as if the stretch were the whole input (so <c>$</c> and look-aheads stop at a special token). The patterns, as
/// the library (2.0) holds them, are matched with leftmost-first alternation and backtracking, on UTF-16 code units
/// (a surrogate is neither a letter nor a number nor white space):
/// <code>
/// cl100k_base ([ ]? is the patterns' optional space):
///   '(?i:[sdmt]|ll|ve|re)                          contraction ("'s", "'LL"; ASCII letters only)
///   | (?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)             word, with one leading non-letter, non-digit (" word", "(word")
///   | (?>\p{N}{1,3})                               1 to 3 digits
///   | [ ]?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)          punctuation run, with one leading space and trailing line breaks
///   | (?>\s+)$                                     white space that ends the input
///   | \s*[\r\n]                                    white space up to its last line break
///   | \s+(?!\S)                                    white space but the last character before a non-space
///   | \s                                           a lone white-space character
/// o200k_base (with U = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], W = [\p{Ll}\p{Lm}\p{Lo}\p{M}], C = (?i:'s|'t|'re|'ve|'m|'ll|'d)):
///   [^\r\n\p{L}\p{N}]?U*W+C? | [^\r\n\p{L}\p{N}]?U+W*C? | \p{N}{1,3} | [ ]?[^\s\p{L}\p{N}]+[\r\n/]*
///   | \s*[\r\n]+ | \s+(?!\S) | \s+
/// </code>
/// Every position starts a match of one of the alternatives, so the pre-tokens cover the text end to end; each
/// method below tries the alternatives in order at the current position. <c>\s</c> is <see cref="char.IsWhiteSpace(char)"/>,
/// <c>\p{..}</c> is <see cref="char.GetUnicodeCategory(char)"/>. The tests compare this class with the library's
/// pre-tokenizer on every UTF-16 code unit and on random and real texts, and <see cref="Create"/> checks it on a probe
/// text against the library in use, so that a changed pattern in a newer library makes the counter fall back to it.
/// </summary>
internal sealed class TiktokenPreTokenizer
{
    /// <summary>Edge cases of both patterns, split by both pre-tokenizers in <see cref="Create"/>.</summary>
    private const string Probe =
        "It's 'S 'LL 're'VE don't I'M we'd  x \r\n\r\n  y\t\u00a0z 1234567 ...!!\n\n end.\n/ \u2003 \u3000x a  \t\n"
        + " \ud83d\ude00 e\u0301 \u0301a (\u0301 \u4e2d\u6587 HELLOworld A\u4e2dB \u02b0a \u0628\u0627\u0628 \ud800x \udc00 "
        + "<|endoftext|>  <|endofprompt|>\n x\u00b2\u2167 don\u2019t \n\n  ";

    private static readonly Kind[] Kinds = BuildKinds();

    private readonly bool o200k;
    private readonly string[] specialTokens;

    private TiktokenPreTokenizer(bool o200k, string[] specialTokens)
    {
        this.o200k = o200k;
        this.specialTokens = specialTokens;
    }

    /// <summary>What the split patterns tell apart in a UTF-16 code unit.</summary>
    private enum Kind : byte
    {
        /// <summary>Neither a letter, a mark, a number nor white space: punctuation, symbols, controls, surrogates.</summary>
        Other,

        /// <summary><c>\p{Lu}</c> or <c>\p{Lt}</c>.</summary>
        Upper,

        /// <summary><c>\p{Ll}</c>.</summary>
        Lower,

        /// <summary><c>\p{Lm}</c> or <c>\p{Lo}</c> (in both of o200k's letter classes).</summary>
        OtherLetter,

        /// <summary><c>\p{M}</c>: a letter to o200k, punctuation to cl100k.</summary>
        Mark,

        /// <summary><c>\p{N}</c>.</summary>
        Number,

        /// <summary><c>\r</c> or <c>\n</c> (and no other line separator).</summary>
        LineBreak,

        /// <summary>Any other <c>\s</c>.</summary>
        Space,
    }

    // Sets of kinds, as bit masks.
    private const int Letters = (1 << (int)Kind.Upper) | (1 << (int)Kind.Lower) | (1 << (int)Kind.OtherLetter);
    private const int Numbers = 1 << (int)Kind.Number;
    private const int WhiteSpace = (1 << (int)Kind.Space) | (1 << (int)Kind.LineBreak);
    private const int LineBreaks = 1 << (int)Kind.LineBreak;

    /// <summary><c>[^\s\p{L}\p{N}]</c>.</summary>
    private const int Punctuation = (1 << (int)Kind.Other) | (1 << (int)Kind.Mark);

    /// <summary><c>[^\r\n\p{L}\p{N}]</c>, the one character allowed before a word.</summary>
    private const int WordPrefix = Punctuation | (1 << (int)Kind.Space);

    /// <summary>o200k's <c>[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]</c>.</summary>
    private const int UpperClass = (1 << (int)Kind.Upper) | (1 << (int)Kind.OtherLetter) | (1 << (int)Kind.Mark);

    /// <summary>o200k's <c>[\p{Ll}\p{Lm}\p{Lo}\p{M}]</c>.</summary>
    private const int LowerClass = (1 << (int)Kind.Lower) | (1 << (int)Kind.OtherLetter) | (1 << (int)Kind.Mark);

    /// <summary>
    /// The pre-tokenizer for <paramref name="encodingName"/> if it splits <see cref="Probe"/> as <paramref name="reference"/>
    /// (the library's) does; else null, and the library's pre-tokenizer has to be used.
    /// </summary>
    public static TiktokenPreTokenizer? Create(string encodingName, IEnumerable<string> specialTokens, PreTokenizer? reference)
    {
        var splitter = ForEncoding(encodingName, specialTokens);
        return splitter is not null && reference is not null && splitter.SplitsAs(reference, Probe) ? splitter : null;
    }

    /// <summary>
    /// The pre-tokenizer for <paramref name="encodingName"/>, unchecked; null when it is neither <c>cl100k_base</c> nor
    /// <c>o200k_base</c>, or when a special token does not start with <c>&lt;|</c> or starts another (then a literal
    /// search for the first one found would not be the library's regex).
    /// </summary>
    internal static TiktokenPreTokenizer? ForEncoding(string encodingName, IEnumerable<string> specialTokens)
    {
        var tokens = specialTokens.ToArray();
        var o200k = encodingName == "o200k_base";
        if ((!o200k && encodingName != "cl100k_base")
            || tokens.Any(t => !t.StartsWith("<|", StringComparison.Ordinal) || tokens.Any(o => o != t && o.StartsWith(t, StringComparison.Ordinal))))
        {
            return null;
        }

        return new TiktokenPreTokenizer(o200k, tokens);
    }

    /// <summary>Whether this splits <paramref name="text"/> into the same pre-tokens as <paramref name="reference"/>.</summary>
    public bool SplitsAs(PreTokenizer reference, string text)
    {
        using var expected = reference.PreTokenize(text).GetEnumerator();
        foreach (var piece in Split(text))
        {
            if (!expected.MoveNext() || expected.Current != piece)
            {
                return false;
            }
        }

        return !expected.MoveNext();
    }

    /// <summary>The pre-tokens of <paramref name="text"/> as (offset, length), in order; use with <c>foreach</c>.</summary>
    public PieceEnumerator Split(ReadOnlySpan<char> text) => new(this, text);

    /// <summary>Enumerates the pre-tokens of a text without allocating.</summary>
    public ref struct PieceEnumerator
    {
        private readonly TiktokenPreTokenizer owner;
        private readonly ReadOnlySpan<char> text;
        private int position;
        private int specialStart;
        private int specialLength;

        internal PieceEnumerator(TiktokenPreTokenizer owner, ReadOnlySpan<char> text)
        {
            this.owner = owner;
            this.text = text;
            (specialStart, specialLength) = owner.FindSpecialToken(text, 0);
        }

        /// <summary>The current pre-token.</summary>
        public (int Offset, int Length) Current { readonly get; private set; }

        /// <summary>This enumerator (for <c>foreach</c>).</summary>
        public readonly PieceEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next pre-token.</summary>
        public bool MoveNext()
        {
            if (position >= text.Length)
            {
                return false;
            }

            if (position == specialStart)
            {
                Current = (position, specialLength);
                position += specialLength;
                (specialStart, specialLength) = owner.FindSpecialToken(text, position);
                return true;
            }

            // The stretch before the next special token is the input the pattern sees.
            var stretch = text[..specialStart];
            var end = owner.o200k ? O200kPieceEnd(stretch, position) : Cl100kPieceEnd(stretch, position);
            Current = (position, end - position);
            position = end;
            return true;
        }
    }

    /// <summary>The first special token at or after <paramref name="from"/>, or (text length, 0).</summary>
    private (int Start, int Length) FindSpecialToken(ReadOnlySpan<char> text, int from)
    {
        if (specialTokens.Length == 0)
        {
            return (text.Length, 0);
        }

        for (var i = from; i < text.Length; i++)
        {
            var at = text[i..].IndexOf("<|", StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            i += at;
            foreach (var token in specialTokens)
            {
                if (text[i..].StartsWith(token, StringComparison.Ordinal))
                {
                    return (i, token.Length);
                }
            }
        }

        return (text.Length, 0);
    }

    /// <summary>Where the cl100k pre-token starting at <paramref name="i"/> ends.</summary>
    private static int Cl100kPieceEnd(ReadOnlySpan<char> s, int i)
    {
        var c = s[i];

        // '(?i:[sdmt]|ll|ve|re)
        var contraction = ContractionLength(s, i);
        if (contraction > 0)
        {
            return i + contraction;
        }

        // (?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)
        if (Is(c, Letters))
        {
            return RunEnd(s, i + 1, Letters);
        }

        if (Is(c, WordPrefix) && i + 1 < s.Length && Is(s[i + 1], Letters))
        {
            return RunEnd(s, i + 2, Letters);
        }

        // (?>\p{N}{1,3})
        if (Is(c, Numbers))
        {
            return RunEnd(s[..Math.Min(s.Length, i + 3)], i + 1, Numbers);
        }

        // ' '?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)
        var punctuation = c == ' ' && i + 1 < s.Length && Is(s[i + 1], Punctuation) ? i + 1 : i;
        if (Is(s[punctuation], Punctuation))
        {
            return RunEnd(s, RunEnd(s, punctuation + 1, Punctuation), LineBreaks);
        }

        // Only white space is left: (?>\s+)$ | \s*[\r\n] | \s+(?!\S) | \s
        var spaceEnd = RunEnd(s, i + 1, WhiteSpace);
        if (spaceEnd == s.Length)
        {
            return spaceEnd;
        }

        var lastBreak = s[i..spaceEnd].LastIndexOfAny('\r', '\n');
        if (lastBreak >= 0)
        {
            return i + lastBreak + 1;
        }

        return spaceEnd - i > 1 ? spaceEnd - 1 : i + 1;
    }

    /// <summary>Where the o200k pre-token starting at <paramref name="i"/> ends.</summary>
    private static int O200kPieceEnd(ReadOnlySpan<char> s, int i)
    {
        var c = s[i];

        // [^\r\n\p{L}\p{N}]?U*W+C? | [^\r\n\p{L}\p{N}]?U+W*C?
        var word = O200kWordEnd(s, i);
        if (word > i)
        {
            return word;
        }

        // \p{N}{1,3}
        if (Is(c, Numbers))
        {
            return RunEnd(s[..Math.Min(s.Length, i + 3)], i + 1, Numbers);
        }

        // ' '?[^\s\p{L}\p{N}]+[\r\n/]*
        var punctuation = c == ' ' && i + 1 < s.Length && Is(s[i + 1], Punctuation) ? i + 1 : i;
        if (Is(s[punctuation], Punctuation))
        {
            var end = RunEnd(s, punctuation + 1, Punctuation);
            while (end < s.Length && s[end] is '\r' or '\n' or '/')
            {
                end++;
            }

            return end;
        }

        // Only white space is left: \s*[\r\n]+ | \s+(?!\S) | \s+
        var spaceEnd = RunEnd(s, i + 1, WhiteSpace);
        var lastBreak = s[i..spaceEnd].LastIndexOfAny('\r', '\n');
        if (lastBreak >= 0)
        {
            return i + lastBreak + 1;
        }

        return spaceEnd == s.Length || spaceEnd - i == 1 ? spaceEnd : spaceEnd - 1;
    }

    /// <summary>
    /// Where o200k's word alternatives match at <paramref name="i"/>, or <paramref name="i"/> when neither does. Their
    /// optional prefix is tried first with one character, then without, and <c>U*</c> gives back characters from its
    /// longest match until <c>W+</c> finds one of its own (marks and \p{Lm}, \p{Lo} letters are in both classes).
    /// </summary>
    private static int O200kWordEnd(ReadOnlySpan<char> s, int i)
    {
        var withPrefix = Is(s[i], WordPrefix) ? i + 1 : i;

        // [^\r\n\p{L}\p{N}]?U*W+C?
        for (var start = withPrefix; start >= i; start--)
        {
            for (var lower = RunEnd(s, start, UpperClass); lower >= start; lower--)
            {
                if (lower < s.Length && Is(s[lower], LowerClass))
                {
                    var end = RunEnd(s, lower + 1, LowerClass);
                    return end + ContractionLength(s, end);
                }
            }
        }

        // [^\r\n\p{L}\p{N}]?U+W*C?
        for (var start = withPrefix; start >= i; start--)
        {
            var upperEnd = RunEnd(s, start, UpperClass);
            if (upperEnd > start)
            {
                var end = RunEnd(s, upperEnd, LowerClass);
                return end + ContractionLength(s, end);
            }
        }

        return i;
    }

    /// <summary>
    /// The length of the contraction <c>'(?i:s|t|re|ve|m|ll|d)</c> at <paramref name="i"/>, or 0. The regex's
    /// case-insensitivity maps these letters to their ASCII upper case only (not, say, U+017F long s).
    /// </summary>
    private static int ContractionLength(ReadOnlySpan<char> s, int i)
    {
        if (i + 1 >= s.Length || s[i] != '\'')
        {
            return 0;
        }

        var first = AsciiLower(s[i + 1]);
        if (first is 's' or 'd' or 'm' or 't')
        {
            return 2;
        }

        if (i + 2 < s.Length && first is 'l' or 'v' or 'r')
        {
            var second = AsciiLower(s[i + 2]);
            return (first, second) is ('l', 'l') or ('v', 'e') or ('r', 'e') ? 3 : 0;
        }

        return 0;
    }

    private static char AsciiLower(char c) => char.IsAsciiLetterUpper(c) ? (char)(c + ('a' - 'A')) : c;

    /// <summary>The end of the run of characters in <paramref name="kinds"/> from <paramref name="i"/>.</summary>
    private static int RunEnd(ReadOnlySpan<char> s, int i, int kinds)
    {
        while (i < s.Length && Is(s[i], kinds))
        {
            i++;
        }

        return i;
    }

    private static bool Is(char c, int kinds) => ((kinds >> (int)Kinds[c]) & 1) != 0;

    private static Kind[] BuildKinds()
    {
        var kinds = new Kind[char.MaxValue + 1];
        for (var c = 0; c <= char.MaxValue; c++)
        {
            kinds[c] = KindOf((char)c);
        }

        return kinds;
    }

    private static Kind KindOf(char c)
    {
        if (c is '\r' or '\n')
        {
            return Kind.LineBreak;
        }

        if (char.IsWhiteSpace(c))
        {
            return Kind.Space;
        }

        return char.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter => Kind.Upper,
            UnicodeCategory.LowercaseLetter => Kind.Lower,
            UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.OtherLetter,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => Kind.Mark,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
            _ => Kind.Other,
        };
    }
}
