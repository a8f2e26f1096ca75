using Platform.Evaluator.Alignment;

namespace Platform.UnitTests.Evaluator;

/// <summary>Requirements written as inline lists, in the shapes real Terms of Reference use, become one requirement per item.</summary>
public sealed class RequirementExtractorTests
{
    [Test]
    public void InlineNumberedList_AfterAColon_GivesOneRequirementPerItem()
    {
        var found = RequirementExtractor.Extract(
            "The applicant must: 1. submit a detailed work plan; 2. provide audited accounts for the last three years; " +
            "3. demonstrate experience in rural water sanitation.");

        Assert.That(found.Select(r => r.Text), Is.EqualTo(new[]
        {
            "submit a detailed work plan",
            "provide audited accounts for the last three years",
            "demonstrate experience in rural water sanitation.",
        }));
        Assert.That(found.Select(r => r.Number), Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public void InlineParenthesisedNumbers_SeparatedByCommasAndAnd()
    {
        var found = RequirementExtractor.Extract(
            "The consultant shall 1) conduct stakeholder interviews in each province, 2) draft the national nutrition strategy and " +
            "3) present the findings to the steering board.");

        Assert.That(found.Select(r => r.Text), Is.EqualTo(new[]
        {
            "conduct stakeholder interviews in each province",
            "draft the national nutrition strategy",
            "present the findings to the steering board.",
        }));
    }

    [Test]
    public void InlineLetteredList_TakesItsCategoryFromTheLeadIn()
    {
        var found = RequirementExtractor.Extract(
            "To be eligible, organisations shall: (a) be registered non-profit entities; (b) hold an annual turnover above " +
            "EUR 100,000; and (c) operate offices in at least two districts.");

        Assert.That(found.Select(r => r.Text), Is.EqualTo(new[]
        {
            "be registered non-profit entities",
            "hold an annual turnover above EUR 100,000",
            "operate offices in at least two districts.",
        }));
        Assert.That(found.Select(r => r.Category), Is.EqualTo(new[] { "eligibility", "eligibility", "eligibility" }));
    }

    [Test]
    public void InlineRomanList()
    {
        var found = RequirementExtractor.Extract(
            "Reporting duties include i. quarterly narrative progress updates; ii. an annual audited financial statement; " +
            "iii. a final evaluation within 90 days of closure.");

        Assert.That(found.Select(r => r.Text), Is.EqualTo(new[]
        {
            "quarterly narrative progress updates",
            "an annual audited financial statement",
            "a final evaluation within 90 days of closure.",
        }));
        Assert.That(found[0].Category, Is.EqualTo("reporting"), "the lead-in names the kind of duty");
    }

    [Test]
    public void InlineBullets()
    {
        var found = RequirementExtractor.Extract(
            "Deliverables: \u2022 an inception report with a revised methodology \u2022 a georeferenced baseline dataset \u2022 a final policy brief");

        Assert.That(found.Select(r => r.Text), Is.EqualTo(new[]
        {
            "an inception report with a revised methodology",
            "a georeferenced baseline dataset",
            "a final policy brief",
        }));
        Assert.That(found.Select(r => r.Category), Is.All.EqualTo("deliverable"));
    }

    [Test]
    public void NumberedLine_WithAnInlineLetteredList_IsSplitToo()
    {
        var found = RequirementExtractor.Extract("""
            1. The lead applicant must: (a) submit signed partnership agreements; (b) nominate a full-time project coordinator.
            2. The total budget shall not exceed EUR 300,000.
            """);

        Assert.That(found.Select(r => r.Text), Is.EqualTo(new[]
        {
            "submit signed partnership agreements",
            "nominate a full-time project coordinator.",
            "The total budget shall not exceed EUR 300,000.",
        }));
    }

    [Test]
    public void SentencesAroundAnInlineList_AreJudgedOnTheirOwn()
    {
        var found = RequirementExtractor.Extract(
            "The grant ceiling is EUR 2 million and the budget must not exceed it. Applicants must: 1. appoint a gender focal point; " +
            "2. publish annual procurement plans. Questions may be sent to the programme officer.");

        Assert.That(found.Select(r => r.Text), Is.EqualTo(new[]
        {
            "The grant ceiling is EUR 2 million and the budget must not exceed it.",
            "appoint a gender focal point",
            "publish annual procurement plans.",
        }));
    }

    [TestCase("The total budget of EUR 1.5 million shall not exceed the ceiling set in section 2. Costs above it are ineligible.")]
    [TestCase("Applicants must submit 3 copies of the proposal and 2) annexes are optional.")]
    [TestCase("The final report is due within 60 days. After that, 2. a review follows.")]
    public void NumbersThatDoNotRunFromOne_DoNotSplitASentence(string text)
    {
        var found = RequirementExtractor.Extract(text);

        Assert.That(found, Is.Not.Empty);
        Assert.That(found[0].Text, Does.StartWith(text[..20]), "the sentence is kept whole, not cut at a stray number");
    }

    [Test]
    public void RomanNumeralHeadings_AreNotRequirements_ButLowerCaseRomanItemsAre()
    {
        var found = RequirementExtractor.Extract("""
            II. Background and objectives of the call
            i. Partners must hold valid registration certificates.
            ii. Field staff shall complete safeguarding training.
            """);

        Assert.That(found.Select(r => r.Text), Is.EqualTo(new[]
        {
            "Partners must hold valid registration certificates.",
            "Field staff shall complete safeguarding training.",
        }));
    }
}
