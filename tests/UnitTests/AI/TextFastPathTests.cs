using Platform.AI.Offline;
using Platform.AI.Text;

namespace Platform.UnitTests.AI;

/// <summary>
/// The allocation-free paths of the offline engine (span stemming and tokenising, RAKE over paragraphs, appended
/// citations) give what the string-based ones gave: the expected values were taken from the earlier implementation.
/// </summary>
public sealed class TextFastPathTests
{
    [Test]
    public void Stem_InPlace_GivesTheStemsOfTheStringVersion()
    {
        string[] words = ["indicators", "monitoring", "monitored", "studies", "classes", "running", "hopped", "really", "focus", "analysis", "ties", "use", "stopping", "filling", "agreed", "create", "pies", "ladies", "bus"];

        Assert.That(words.Select(LightStemmer.Stem), Is.EqualTo(new[]
        {
            "indicator", "monitor", "monitor", "study", "class", "run", "hop", "real", "focus", "analysis", "tie", "use", "stop", "fill", "agre", "creat", "pie", "lady", "bus",
        }));
    }

    [Test]
    public void Terms_LowerCaseStemAndDropGroupSeparators_WithoutSubstrings()
    {
        Assert.That(WordTokenizer.Terms("The 1,250,000 Households' co-financing isn't Ready; Studies show 2.5% growth"),
            Is.EqualTo(new[] { "1250000", "household", "co-financ", "ready", "study", "show", "2.5", "growth" }));
    }

    [Test]
    public void AddTerms_OfTwoTexts_AreTheTermsOfBothJoinedByALineBreak()
    {
        const string section = "Monitoring and Evaluation-";
        const string text = "-Indicators are measured quarterly; the baseline survey covers 1,200 households.";
        var terms = new List<string>();

        WordTokenizer.AddTerms(section, terms);
        WordTokenizer.AddTerms(text, terms);

        Assert.That(terms, Is.EqualTo(WordTokenizer.Terms(section + "\n" + text)));
    }

    [Test]
    public void Rake_OverParagraphs_IsRakeOverTheTextJoinedByBlankLines()
    {
        string[] paragraphs =
        [
            "Community seed banks supply certified seed to smallholder farmers.",
            "Smallholder farmers reported skipping meals; community seed banks registered members",
            "Drip irrigation kits and community seed banks raise dry-season yields for smallholder farmers.",
        ];

        var joined = Rake.Extract(string.Join("\n\n", paragraphs), top: 8, minFrequency: 1);
        var separate = Rake.Extract(paragraphs, top: 8, minFrequency: 1);

        Assert.That(separate, Is.EqualTo(joined));
        Assert.That(separate.Select(p => p.Phrase), Does.Contain("community seed banks"));
    }

    [Test]
    public void Figures_AreInReadingOrder_WithoutOverlaps()
    {
        Assert.That(Patterns.Figures("In 2024 the project reached 1,200 households with EUR 450,000 over 36 months, a 25% increase since 2019."),
            Is.EqualTo(new[] { "2024", "1,200 households", "EUR 450,000", "36 months", "25%", "2019" }));
    }

    [Test]
    public void Citations_AppendedOrAsStrings_ReadTheSame()
    {
        var doc = AnalysedDocument.Get("ignored", """[{"text": "Budget", "page": 3, "paragraph": 1}, {"text": "The total budget is USD 1.2 million over three years.", "page": 3, "paragraph": 2}]""");

        Assert.That(doc.Location(1), Is.EqualTo("page 3, paragraph 2, section \u201CBudget\u201D"));
        Assert.That(doc.Location(0), Is.EqualTo("page 3, paragraph 1"));
        Assert.That(OfflineEngine.Cite(doc, doc.Sentences[0], 30), Is.EqualTo("\u201CThe total budget is USD 1.2\u2026\u201D (page 3, paragraph 2, section \u201CBudget\u201D)"));
        Assert.That(OfflineEngine.Truncate("Farmers, herders and traders: all of them sell maize, beans, sorghum; and cassava.", 40), Is.EqualTo("Farmers, herders and traders: all of\u2026"));
        Assert.That(OfflineEngine.Quote("  Farmers, herders and traders sell maize.  ", 20), Is.EqualTo("\u201CFarmers, herders\u2026\u201D"));
    }
}
