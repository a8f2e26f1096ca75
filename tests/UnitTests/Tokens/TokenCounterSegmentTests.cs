using System.Text;
using Microsoft.ML.Tokenizers;
using Platform.AI;

namespace Platform.UnitTests.Tokens;

/// <summary>
/// <see cref="TokenCounter.Count"/> counts long texts per paragraph segment with cached counts: the sum must be exactly
/// what the tokenizer counts for the whole text, whatever sits around the line breaks.
/// </summary>
public sealed class TokenCounterSegmentTests
{
    private static readonly string[] Pieces =
    [
        "The project will rehabilitate 24 boreholes", "in the Northern Uplands.", "Budget: EUR 480,000 (36 months).",
        "It's what we've planned", "— and they'll deliver", "/path/to/file", "https://example.org/a?b=1", "12345678",
        "Ünïcödé wörds façade", "日本語のテキスト", "emoji 🙂 here", "<|endoftext|>", "  indented", "\ttabbed", "...", "!!",
        "x", "I", "'s", "2024", "/", "-", "*", "#", "## Heading", "1. First item", "- bullet",
        "aGVsbG8gd29ybGQgdGhpcyBpcyBhIGxvbmcgYmFzZTY0IGJsb2IgdGhhdCBoYXMgbm8gc3BhY2Vz", "Ѕupercalifragilisticexpialidociousnessitudinarianism",
    ];

    private static readonly string[] Breaks = ["\n", "\n\n", "\r\n", "\r\n\r\n", " \n", "\n ", "\n\n\n", ".\n", ",\n\n", "\n/", "\n1", "\n\t", " "];

    [TestCase("cl100k_base", "gpt-3.5-turbo")]
    [TestCase("o200k_base", "gpt-4o-mini")]
    public void LongTexts_CountExactlyAsTheTokenizer_ThroughTheSegmentCache(string encoding, string model)
    {
        var counter = TokenCounter.ForModel(model);
        var tokenizer = TiktokenTokenizer.CreateForEncoding(encoding);
        Assert.That(counter.EncodingName, Is.EqualTo(encoding));
        var random = new Random(20261125);
        var checkedTexts = 0;
        for (var i = 0; i < 150; i++)
        {
            var text = RandomText(random, 1200 + random.Next(6000));
            Assert.That(text, Has.Length.GreaterThanOrEqualTo(TokenCounter.SegmentedFrom));
            // Twice: the second count comes from the cached segments.
            Assert.That(counter.Count(text), Is.EqualTo(tokenizer.CountTokens(text)), $"text {i}");
            Assert.That(counter.Count(text), Is.EqualTo(tokenizer.CountTokens(text)), $"text {i}, cached");
            checkedTexts++;
        }

        Assert.That(checkedTexts, Is.EqualTo(150));
    }

    [TestCase("cl100k_base", "gpt-3.5-turbo")]
    [TestCase("o200k_base", "gpt-4o-mini")]
    public void ShortTexts_CountExactlyAsTheTokenizer_ThroughThePieceCache(string encoding, string model)
    {
        var counter = TokenCounter.CreateUnshared(model);
        var tokenizer = TiktokenTokenizer.CreateForEncoding(encoding);
        var random = new Random(20261126);
        var texts = Pieces.Concat(Breaks).Concat(Enumerable.Range(0, 300).Select(_ => RandomText(random, 1 + random.Next(TokenCounter.SegmentedFrom - 100))));
        var counted = 0;
        foreach (var text in texts)
        {
            Assert.That(text, Has.Length.LessThan(TokenCounter.SegmentedFrom));
            var expected = tokenizer.CountTokens(text);
            Assert.That(counter.Count(text), Is.EqualTo(expected), text);
            Assert.That(counter.Count(text), Is.EqualTo(expected), $"{text} (counted again, from the cached pieces)");
            counted++;
        }

        Assert.That(counted, Is.EqualTo(Pieces.Length + Breaks.Length + 300));
        Assert.That(counter.Count(new string('z', 5000)), Is.EqualTo(tokenizer.CountTokens(new string('z', 5000))), "one piece longer than any kept");
    }

    [Test]
    public void TheSameDocumentInDifferentPrompts_CountsAsTheTokenizer()
    {
        var counter = TokenCounter.ForModel(null);
        var tokenizer = TiktokenTokenizer.CreateForEncoding(counter.EncodingName);
        var document = RandomText(new Random(7), 5000);
        foreach (var template in new[] { "Summarise:\n\n{0}\n\nAnswer in English.", "List the risks of this proposal.\n{0}", "{0}\nWhat is missing?" })
        {
            var prompt = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, document);
            Assert.That(counter.Count(prompt), Is.EqualTo(tokenizer.CountTokens(prompt)), template);
        }
    }

    [Test]
    public void TheSameDocumentBehindDifferentInstructions_IsTokenisedOnce()
    {
        var counter = TokenCounter.CreateUnshared(null);
        var tokenizer = TiktokenTokenizer.CreateForEncoding(counter.EncodingName);
        var random = new Random(11);
        // Paragraphs of hard-wrapped lines, as proposals are pasted.
        var document = string.Join("\n\n", Enumerable.Range(0, 12).Select(_ => string.Join("\n", Enumerable.Range(0, 4).Select(_ => RandomLine(random)))));
        string[] instructions = ["Summarise the proposal below.\n\n", "You review funding proposals. List the strengths and the weaknesses of this one, with evidence.\n\n", "Risks:\n\n"];

        var first = $"{instructions[0]}{document}\n\nAnswer in English.";
        Assert.That(counter.Count(first), Is.EqualTo(tokenizer.CountTokens(first)));
        var afterFirst = counter.TokenizedSegmentCharacters;
        foreach (var prefix in instructions.Skip(1))
        {
            var prompt = $"{prefix}{document}\n\nAnswer in English.";
            Assert.That(counter.Count(prompt), Is.EqualTo(tokenizer.CountTokens(prompt)), prefix);
        }

        var again = counter.TokenizedSegmentCharacters - afterFirst;
        Assert.That(afterFirst, Is.GreaterThanOrEqualTo(document.Length), "the first prompt tokenises the whole document");
        Assert.That(again, Is.LessThan(document.Length / 4), "later prompts only tokenise their own instructions and the first paragraph");
    }

    [TestCase(null)]
    [TestCase("gpt-4o-mini")]
    public void CountOnce_CountsExactlyAsTheTokenizer_AndRemembersNoParagraphs(string? model)
    {
        var counter = TokenCounter.CreateUnshared(model);
        var tokenizer = TiktokenTokenizer.CreateForEncoding(counter.EncodingName);
        var random = new Random(20261126);
        for (var i = 0; i < 40; i++)
        {
            var text = RandomText(random, 1 + random.Next(8000));
            Assert.That(counter.CountOnce(text), Is.EqualTo(tokenizer.CountTokens(text)), $"text {i}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(counter.TokenizedSegmentCharacters, Is.Zero, "no paragraph counted for the segment cache");
            Assert.That(counter.CountOnce(null) + counter.CountOnce(""), Is.Zero);
        });
    }

    [Test]
    public void Segments_StartAfterALineBreak_OnALetterOrDigit()
    {
        var text = new string('a', 300) + "\n/x" + new string('b', 10) + "\n\nNext paragraph " + new string('c', 900);
        var end = TokenCounter.SegmentEnd(text, 0);
        Assert.That(text[end - 1], Is.EqualTo('\n'));
        Assert.That(text[end..].StartsWith("Next paragraph", StringComparison.Ordinal), Is.True);
        Assert.That(TokenCounter.SegmentEnd(text, end), Is.EqualTo(text.Length));
    }

    private static string RandomLine(Random random)
    {
        var sb = new StringBuilder();
        while (sb.Length < 90)
        {
            sb.Append(Pieces[random.Next(3)]).Append(' ');
        }

        return sb.ToString().TrimEnd();
    }

    private static string RandomText(Random random, int length)
    {
        var sb = new StringBuilder();
        while (sb.Length < length)
        {
            sb.Append(Pieces[random.Next(Pieces.Length)]);
            sb.Append(random.Next(4) == 0 ? Breaks[random.Next(Breaks.Length)] : " ");
        }

        return sb.ToString();
    }
}
