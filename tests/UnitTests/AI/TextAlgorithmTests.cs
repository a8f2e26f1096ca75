using Platform.AI.Text;

namespace Platform.UnitTests.AI;

public sealed class TextAlgorithmTests
{
    [Test]
    public void Sentences_RespectAbbreviationsDecimalsAndInitials()
    {
        var sentences = SentenceSplitter.SplitToStrings("Yields rose by 2.5 t/ha, e.g. in Busia. Dr. Otieno led the study with J. Smith. Was it enough? Yes!");

        Assert.That(sentences, Is.EqualTo(new[]
        {
            "Yields rose by 2.5 t/ha, e.g. in Busia.",
            "Dr. Otieno led the study with J. Smith.",
            "Was it enough?",
            "Yes!",
        }));
    }

    [Test]
    public void Sentences_KeepWrappedLinesTogether_ButSplitHeadingsAndBullets()
    {
        var text = "Budget Overview\nThe total budget is USD 1,450,000 and it is spread\nover 36 months.\n- Personnel: USD 412,000\n- Training: USD 386,000";

        var sentences = SentenceSplitter.Split(text);

        Assert.That(sentences.Select(s => s.Text), Is.EqualTo(new[]
        {
            "Budget Overview",
            "The total budget is USD 1,450,000 and it is spread over 36 months.",
            "- Personnel: USD 412,000",
            "- Training: USD 386,000",
        }));
        Assert.That(text.Substring(sentences[1].Start, sentences[1].Length), Does.StartWith("The total budget").And.EndWith("36 months."));
    }

    [Test]
    public void Terms_DropStopWords_AndStem()
    {
        Assert.That(WordTokenizer.Terms("The indicators were monitored; monitoring of 1,200 households"),
            Is.EqualTo(new[] { "indicator", "monitor", "monitor", "1200", "household" }));
        Assert.That(WordTokenizer.Words("Co-financing isn't 2.5%"), Is.EqualTo(new[] { "co-financing", "isn't", "2.5" }));
    }

    [Test]
    public void Bm25_RanksThePassageAboutTheQuestionFirst()
    {
        var index = new Bm25Index(
        [
            "The project trains farmers in conservation agriculture.",
            "The total budget is USD 1.45 million, with an annual external audit.",
            "Complaints are handled by the safeguarding focal point within 48 hours.",
            "Farmers sell maize through cooperatives.",
        ]);

        var hits = index.Search("How are complaints handled?", 2);

        Assert.That(hits[0].Index, Is.EqualTo(2));
        Assert.That(hits.Select(h => h.Index), Does.Not.Contain(1));
        Assert.That(index.Search("budget audit", 1).Single().Index, Is.EqualTo(1));
        Assert.That(index.Search("the of and", 3), Is.Empty);
    }

    [Test]
    public void TextRank_PrefersTheSentenceThatSharesMostWithTheOthers()
    {
        string[] sentences =
        [
            "Farmers in Busia grow maize and beans.",
            "Maize yields of farmers in Busia are low because soils are depleted.",
            "The weather was pleasant on the day of the visit.",
            "Depleted soils lower maize yields for farmers.",
        ];

        var scores = TextRank.Rank([.. sentences.Select(s => (IReadOnlyList<string>)WordTokenizer.Terms(s))]);

        Assert.That(Array.IndexOf(scores, scores.Max()), Is.EqualTo(1));
        Assert.That(Array.IndexOf(scores, scores.Min()), Is.EqualTo(2));
        Assert.That(TextRank.Top(scores, 2), Is.EqualTo(new[] { 1, 3 }));
    }

    [Test]
    public void Rake_FindsTheRepeatedMultiWordPhrases()
    {
        var phrases = Rake.Extract(ProposalFixture.Text, top: 12);

        Assert.That(phrases.Select(p => p.Phrase), Has.Some.EqualTo("farmer field schools").Or.Some.EqualTo("certified seed"));
        Assert.That(phrases, Has.All.Matches<KeyPhrase>(p => p.Frequency >= 2));
    }

    [Test]
    public void TfIdf_WeighsTermsSpecificToOneDocument()
    {
        var docs = new[] { "maize yields maize", "maize budget audit", "maize cooperatives" }.Select(d => (IReadOnlyList<string>)WordTokenizer.Terms(d)).ToList();
        var tfidf = new TfIdf(docs);

        Assert.That(tfidf.Idf("audit"), Is.GreaterThan(tfidf.Idf("maiz")));
        Assert.That(tfidf.TopTerms(docs[1], 1).Single().Term, Is.AnyOf("budget", "audit"));
    }
}
