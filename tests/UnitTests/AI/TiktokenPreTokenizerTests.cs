using System.Text;
using Microsoft.ML.Tokenizers;
using Platform.AI;

namespace Platform.UnitTests.AI;

/// <summary>
/// <see cref="TiktokenPreTokenizer"/> must split every text exactly as the library's regex pre-tokenizer does, or
/// <see cref="TokenCounter"/> would count differently from the tokenizer: compared here on edge cases, on every UTF-16
/// code unit in many contexts, on thousands of random texts and on the repository's own texts.
/// </summary>
public sealed class TiktokenPreTokenizerTests
{
    private static readonly string[] Encodings = ["cl100k_base", "o200k_base"];

    private static readonly string[] EdgeCases =
    [
        "", "a", " ", "  ", "'", "''", "'s", "'S", "'t", "'T", "'re", "'RE", "'Re", "'rE", "'ve", "'VE", "'m", "'M", "'ll", "'LL",
        "'lL", "'d", "'D", "'r", "'l", "'v", "'x", "'sup", "'Sup", "'lls", "'ved", "don't", "DON'T", "I'm", "we'll", "they're",
        "you've", "she'd", "it's", "IT'S", "x's", "x'S", "x 's", "x  's", "'s'", "''s", "l'amour", "don\u2019t", "it\u2018s",
        "'\u017f", "'\u212a", "'\u0130", "x'\u017f",
        "a  b", "a   b", "a    b", "a \t b", " word", "  word", "   word", "\tword", "\t\tword", "\u00a0word", " \u00a0word",
        "end ", "end  ", "end \n", "end\n", "end\n\n", "end \n ", "end\r\n", "end \r\n  ", "x \n y", "x  \n  y", "x\n \ny",
        "\r\n\r\n  x", "\n\n\n", "\r\r\n", " \r\n", "\n \n x", "a\n\tb", "a \u00a0\n b",
        "1", "12", "123", "1234", "12345", "123456", "1234567", "a1234567b", " 1234", "1,234,567.89", "x1", "1x", "v2.0",
        "!", "!!", "...", "...\n", "...\n\n", "!!\r\n\r\nx", " ...\nx", " . ", "?!\n/", "//\n//", "./\n/\nx", "(word)", " (word)",
        "\"quoted\"", "#tag", "@user", "a.b.c", "e-mail", "x--y", "$100", "50%", "<|", "|>", "<|endoftext|>",
        "a<|endoftext|>b", "a  <|endoftext|>", "a \n <|endoftext|>  b", "<|endoftext|><|endoftext|>", "<|endoftext|", "<|endofprompt|>",
        "<|fim_prefix|>x<|fim_middle|>y<|fim_suffix|>", "<<|endoftext|>>", "<|<|endoftext|>",
        "\t", "\t\t", "a\tb", "a\t\tb", "\v\f", "a\u0085b", "a\u2028b", "a\u2029\nb", "\u00a0", "a\u00a0b", "a\u00a0\u00a0b",
        "a\u2003b", "a\u3000b", "a\u202fb", "a \u200bb", "a\ufeffb",
        "e\u0301", "cafe\u0301 ", "\u0301", "\u0301a", " \u0301a", "(\u0301", "a\u0301\u0308b", "\u0915\u094d\u0937\u093f",
        "\u4e2d\u6587\u5b57", "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8", " \u4e2d", "A\u4e2d", "\u4e2dA", "ABC\u4e2dDEF\u4e2dGHI",
        "HELLOworld", "HelloWorld", "HELLO", "hELLO", "\u01c5ungla", "\u02b0a", "A\u02b0", "\u0628\u0627\u0628 \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
        "\u0627\u0644\u0652\u0639", "\ud55c\uad6d\uc5b4", "\u0391\u03b8\u03ae\u03bd\u03b1", "\u041c\u043e\u0441\u043a\u0432\u0430", "stra\u00dfe",
        "\ud83d\ude00", "a\ud83d\ude00b", " \ud83d\ude00", "\ud83d\udc4d\ud83c\udffd", "\ud83d\ude00\n", "x \ud83d\ude00 y",
        "\ud835\udc00\ud835\udc01", "\ud800", "\udc00", "a\ud800b", "a\udc00b", "\udc00\ud800", "\ud800 x", " \udc00x",
        "abc123def", "a1b2c3", "x\u00b2", "\u2167x", "\u0663\u0664\u0665\u0666", "\u00bd", "12\u00b3",
        "It's 'S 'LL don't  x \r\n\r\n  y\t\u00a0z 1234567 ...!!\n\n end.\n/ \u2003 \u3000x a  \t\n",
    ];

    /// <summary>Pieces of random texts: every class the split patterns tell apart, and the troublesome sequences.</summary>
    private static readonly string[] Alphabet =
    [
        "a", "e", "s", "t", "x", "Z", "S", "LL", "re", "VE", "M", "d", "word", " the", "I", "0", "1", "7", "42", "123456",
        " ", " ", " ", "  ", "\t", "\n", "\n", "\r\n", "\r", "\u00a0", "\u2003", "\u3000", "\u2028", "\u0085", "\v", "\f",
        "'", "'", "\u2019", ".", ",", "!", "?", "-", "/", "//", "(", ")", "\"", "#", "*", "<|", "|>", "<|endoftext|>",
        "<|endofprompt|>", "<|fim_prefix|>", "endoftext", "\u0301", "\u0308", "\u0915\u094d", "\u093f", "\u4e2d", "\u6587",
        "\u30c6", "\u0628", "\u0627", "\u0652", "\ud55c", "\u03b8", "\u0416", "\u00df", "\u017f", "\u212a", "\u0130", "\u01c5",
        "\u02b0", "\u00b2", "\u2167", "\u0663", "\u00bd", "\ud83d\ude00", "\ud83d\udc4d\ud83c\udffd", "\ud835\udc00",
        "\ud800", "\udc00", "\u200b", "\ufeff", "\u00e9", "\u00c9",
    ];

    [TestCaseSource(nameof(Encodings))]
    public void EdgeCases_SplitAsTheLibrary(string encoding)
    {
        var (splitter, library) = Create(encoding);

        var mismatches = EdgeCases.Where(text => !Same(splitter, library, text)).Select(text => Describe(splitter, library, text));

        Assert.That(mismatches, Is.Empty);
    }

    [TestCaseSource(nameof(Encodings))]
    public void EveryCodeUnit_InEveryContext_SplitsAsTheLibrary(string encoding)
    {
        var (splitter, library) = Create(encoding);
        var mismatches = new List<string>();
        for (var code = 0; code <= char.MaxValue && mismatches.Count < 10; code++)
        {
            var c = (char)code;
            string[] texts =
            [
                $"{c}{c}a{c}A{c}1{c} {c}\n{c}.{c}'{c}\u4e2d{c}\u0301{c}/{c}\r{c}  {c}\t{c}",
                $"'{c} '{c}e '{c}l 'l{c} 'r{c} x{c}'s A{c}b {c}{c}{c}1234{c}  x{c}\u00a0y\n{c}\n\n {c}",
                $" {c}x\u4e2d{c}\u4e2dA{c}a'{c}d .{c}\n {c}",
            ];
            mismatches.AddRange(texts.Where(text => !Same(splitter, library, text)).Select(text => Describe(splitter, library, text)));
        }

        Assert.That(mismatches, Is.Empty);
    }

    [TestCaseSource(nameof(Encodings))]
    public void RandomTexts_SplitAsTheLibrary(string encoding)
    {
        var (splitter, library) = Create(encoding);
        var random = new Random(20260214);
        var mismatches = new List<string>();
        for (var i = 0; i < 5000 && mismatches.Count < 10; i++)
        {
            var text = RandomText(random, 1 + random.Next(40));
            if (!Same(splitter, library, text))
            {
                mismatches.Add(Describe(splitter, library, text));
            }
        }

        Assert.That(mismatches, Is.Empty);
    }

    [TestCaseSource(nameof(Encodings))]
    public void RepositoryTexts_SplitAndCountAsTheLibrary(string encoding)
    {
        var (splitter, library) = Create(encoding);
        var tokenizer = TiktokenTokenizer.CreateForEncoding(encoding);
        var counter = TokenCounter.CreateUnshared(encoding == "o200k_base" ? "gpt-4o" : "gpt-4");
        Assert.That(counter.EncodingName, Is.EqualTo(encoding));
        Assert.That(counter.SplitsWithoutRegex, Is.True, "the counter uses the hand-written pre-tokenizer");

        var texts = RepositoryTexts().ToList();
        Assert.That(texts, Has.Count.GreaterThanOrEqualTo(5));
        foreach (var (name, text) in texts)
        {
            Assert.That(Same(splitter, library, text), Is.True, name);
            var expected = tokenizer.CountTokens(text);
            Assert.That(counter.Count(text), Is.EqualTo(expected), name);
            Assert.That(counter.Count(text), Is.EqualTo(expected), $"{name}, counted again from the caches");
            var head = text[..Math.Min(text.Length, TokenCounter.SegmentedFrom - 1)];
            Assert.That(counter.Count(head), Is.EqualTo(tokenizer.CountTokens(head)), $"{name}, first characters");
        }
    }

    [TestCaseSource(nameof(Encodings))]
    public void RandomTexts_CountAsTheTokenizer(string encoding)
    {
        var tokenizer = TiktokenTokenizer.CreateForEncoding(encoding);
        var counter = TokenCounter.CreateUnshared(encoding == "o200k_base" ? "gpt-4o" : "gpt-4");
        var random = new Random(20260215);
        for (var i = 0; i < 500; i++)
        {
            var text = RandomText(random, 1 + random.Next(300));
            Assert.That(counter.Count(text), Is.EqualTo(tokenizer.CountTokens(text)), Escape(text));
        }
    }

    [Test]
    public void OtherEncodings_AndPrefixedSpecialTokens_AreLeftToTheLibrary()
    {
        var tokenizer = TiktokenTokenizer.CreateForEncoding("cl100k_base");
        var library = tokenizer.PreTokenizer;

        Assert.Multiple(() =>
        {
            Assert.That(TiktokenPreTokenizer.Create("cl100k_base", tokenizer.SpecialTokens?.Keys ?? [], library), Is.Not.Null);
            Assert.That(TiktokenPreTokenizer.Create("o200k_base", tokenizer.SpecialTokens?.Keys ?? [], library), Is.Null, "o200k's splitter does not split as cl100k's regex");
            Assert.That(TiktokenPreTokenizer.Create("p50k_base", [], library), Is.Null);
            Assert.That(TiktokenPreTokenizer.Create("cl100k_base", ["<|a|>", "<|a|>b"], library), Is.Null);
            Assert.That(TiktokenPreTokenizer.Create("cl100k_base", ["[END]"], library), Is.Null);
            Assert.That(TiktokenPreTokenizer.Create("cl100k_base", [], null), Is.Null);
        });
    }

    private static (TiktokenPreTokenizer Splitter, PreTokenizer Library) Create(string encoding)
    {
        var tokenizer = TiktokenTokenizer.CreateForEncoding(encoding);
        var library = tokenizer.PreTokenizer;
        Assert.That(library, Is.Not.Null);
        // Unchecked, so that these tests compare it with the library whatever its own probe finds.
        var splitter = TiktokenPreTokenizer.ForEncoding(encoding, tokenizer.SpecialTokens?.Keys ?? []);
        Assert.That(splitter, Is.Not.Null);
        return (splitter!, library!);
    }

    private static bool Same(TiktokenPreTokenizer splitter, PreTokenizer library, string text) => splitter.SplitsAs(library, text);

    private static List<(int Offset, int Length)> Split(TiktokenPreTokenizer splitter, string text)
    {
        var pieces = new List<(int Offset, int Length)>();
        foreach (var piece in splitter.Split(text))
        {
            pieces.Add(piece);
        }

        return pieces;
    }

    private static string Describe(TiktokenPreTokenizer splitter, PreTokenizer library, string text)
    {
        string Show(IEnumerable<(int Offset, int Length)> pieces) =>
            string.Join(" | ", pieces.Select(p => Escape(text.Substring(p.Offset, p.Length))));

        return $"\"{Escape(text)}\": library [{Show(library.PreTokenize(text))}], ours [{Show(Split(splitter, text))}]";
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            builder.Append(c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return builder.ToString();
    }

    private static string RandomText(Random random, int pieces)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < pieces; i++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return builder.ToString();
    }

    private static IEnumerable<(string Name, string Text)> RepositoryTexts()
    {
        var root = FindRoot();
        yield return ("ProposalFixture", ProposalFixture.Text);
        foreach (var path in new[] { "README.md", "shared/AI/Tokens/TokenCounter.cs", "shared/AI/Tokens/TiktokenPreTokenizer.cs", "Directory.Packages.props" })
        {
            yield return (path, File.ReadAllText(Path.Combine(root, path)));
        }

        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, "tests", "Fixtures"), "*", SearchOption.AllDirectories))
        {
            yield return (Path.GetRelativePath(root, path), File.ReadAllText(path));
        }

        foreach (var folder in new[] { "shared", "services", "deploy" })
        {
            foreach (var path in Directory.EnumerateFiles(Path.Combine(root, folder), "*.md", SearchOption.AllDirectories))
            {
                yield return (Path.GetRelativePath(root, path), File.ReadAllText(path));
            }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found.");
    }
}
