using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Platform.AI.Offline;

namespace Platform.UnitTests.AI;

/// <summary>
/// <see cref="SentenceSearch"/> searches a document's sentences joined in one text: for every pattern of the offline
/// engine it must find exactly what searching each sentence alone finds, and it must refuse patterns for which that
/// would not hold.
/// </summary>
public sealed class SentenceSearchTests
{
    private static readonly Regex[] EnginePatterns = [.. typeof(Patterns)
        .GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Where(m => m.ReturnType == typeof(Regex) && m.GetParameters().Length == 0)
        .Select(m => (Regex)m.Invoke(null, null)!)];

    private static readonly string[] Words =
    [
        "The", "project", "will", "reach", "1,200", "households", "in", "36", "months", "USD", "480,000", "EUR", "2.5", "million",
        "12%", "per cent", "various", "stakeholders", "indicators", "baseline", "of", "2024", "Q3", "phase", "2", "evidence",
        "studies", "show", "risk", "mitigation", "safeguarding", "partners", "women", "farmers", "year", "3", "month", "day",
        "twenty-four", "weeks", "leveraging", "synergies", "TBD", "etc.", "-", "(", ")", ".", ",", ";", "\u2014", "\u00E9t\u00E9",
        "5.", "3.2", "KSh", "$", "\u20AC", "\u00A3", "objective", "1", "component", "page", "annex", "number of", "%",
    ];

    [Test]
    public void EveryEnginePattern_FindsInJoinedSentences_WhatEachSentenceAloneHolds()
    {
        Assert.That(EnginePatterns, Has.Length.GreaterThan(20), "the engine's patterns, found by reflection");
        var random = new Random(20261126);
        List<IReadOnlyList<string>> documents =
        [
            [.. Enumerable.Range(0, 60).Select(_ => RandomSentence(random))],
            [.. ProposalFixture.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)],
            ["", "5", "USD 5", "", "month 3 people"],
            [],
        ];
        var joinedPatterns = 0;
        var matches = 0;
        foreach (var regex in EnginePatterns)
        {
            joinedPatterns += SentenceSearch.CanJoin(regex) ? 1 : 0;
            foreach (var sentences in documents)
            {
                var found = new SentenceSearch(sentences).Search(regex);
                Assert.That(found, Has.Length.EqualTo(sentences.Count));
                for (var i = 0; i < sentences.Count; i++)
                {
                    var alone = Patterns.MatchAll(regex, sentences[i]);
                    Assert.That(found[i], Is.EqualTo(alone), $"{regex} in sentence {i}: \"{sentences[i]}\"");
                    matches += alone.Length;
                }
            }
        }

        Assert.That(joinedPatterns, Is.GreaterThan(EnginePatterns.Length / 2), "most patterns are searched joined");
        Assert.That(matches, Is.GreaterThan(500), "the texts hold matches of the patterns");
    }

    [TestCase(@"^\s*\d+\.", false)]
    [TestCase(@"\d+$", false)]
    [TestCase(@"a.b", false)]
    [TestCase(@"[^a-z]+", false)]
    [TestCase(@"\W+", false)]
    [TestCase(@"(?<=\S)x", false)]
    [TestCase(@"\Aword", false)]
    [TestCase(@"(?m)x", false)]
    [TestCase(@"(?im:x)", false)]
    [TestCase(@"[\x00-\x1f]", false)]
    [TestCase(@"\p{Cc}", false)]
    [TestCase(@"(?i:word)\b", true)]
    [TestCase(@"(?<![\d.])\b\d+(?:\.\d+)?\s?%", true)]
    [TestCase(@"US\$\s?\d+", true)]
    [TestCase(@"[$.]\d", true)]
    public void OnlyPatternsThatCannotSeeTheSeparator_AreJoined(string pattern, bool joinable)
    {
        Assert.That(SentenceSearch.CanJoin(new Regex(pattern)), Is.EqualTo(joinable));
        Assert.That(SentenceSearch.CanJoin(new Regex("x", RegexOptions.Multiline)), Is.False);
    }

    [Test]
    public void SentencesHoldingTheSeparator_AreSearchedOneByOne()
    {
        string[] sentences = [$"costs USD 5{SentenceSearch.Separator}", "USD 7 more"];
        var found = new SentenceSearch(sentences).Search(Patterns.Money());
        Assert.That(found[0].Select(f => f.Value.Trim()), Is.EqualTo(new[] { "USD 5" }));
        Assert.That(found[1].Select(f => (f.Index, f.Value.Trim())), Is.EqualTo(new[] { (0, "USD 7") }));
    }

    private static string RandomSentence(Random random)
    {
        var sb = new StringBuilder();
        var length = random.Next(0, 25);
        for (var i = 0; i < length; i++)
        {
            sb.Append(Words[random.Next(Words.Length)]).Append(random.Next(6) == 0 ? "" : " ");
        }

        return sb.ToString();
    }
}
