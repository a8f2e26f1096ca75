using System.Diagnostics;
using Microsoft.Extensions.AI;
using Platform.AI;

namespace Platform.UnitTests.AI;

/// <summary>The offline engine on a generated twenty-page proposal.</summary>
public sealed class OfflineEngineTests
{
    private static async Task<string> AskAsync(string promptKey, Dictionary<string, string>? variables = null, string? message = null)
    {
        using var client = new OfflineChatClient();
        variables ??= new Dictionary<string, string> { ["document"] = ProposalFixture.Text };
        var options = new ChatOptions
        {
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [PromptProperties.PromptKey] = promptKey,
                [PromptProperties.Variables] = variables,
            },
        };
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, message ?? "Analyse the document.")], options);
        Assert.That(response.Usage?.OutputTokenCount, Is.GreaterThan(0));
        Assert.That(response.ModelId, Is.EqualTo(OfflineChatClient.ModelId));
        return response.Text;
    }

    [Test]
    public void Fixture_IsAboutTwentyPages()
    {
        var words = ProposalFixture.Text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.That(words, Is.InRange(8000, 14000));
        Assert.That(ProposalFixture.PageCount, Is.InRange(16, 28));
    }

    [Test]
    public async Task P1_Summarises_WithGoalsAndKeyFiguresFromTheDocument()
    {
        var text = await AskAsync("analyzer.p1");
        TestContext.Out.WriteLine(text);

        Assert.That(text, Does.StartWith(OfflineChatClient.Disclaimer));
        Assert.That(text, Does.Contain("## Summary").And.Contain("## Stated goals and objectives").And.Contain("## Key figures"));
        Assert.That(Section(text, "## Stated goals and objectives"), Does.Contain("improve food security and incomes for 12,000 smallholder farming households"));
        Assert.That(text, Does.Contain("Objective 1: Increase average maize yields among participating households from 1.2 to 2.0 tonnes per hectare"));
        Assert.That(text, Does.Contain("USD 1,450,000"));
        Assert.That(text, Does.Contain("36 months"));
        Assert.That(text, Does.Contain("12,000 smallholder farming households"));
        Assert.That(QuotedSentences(text), Has.Count.GreaterThanOrEqualTo(8));
        Assert.That(QuotedSentences(text), Has.All.Matches<string>(q => ProposalFixture.Text.Contains(q.TrimEnd('\u2026'), StringComparison.Ordinal)),
            "every quotation is the document's own text");
    }

    [Test]
    public async Task P2_FindsStrengthsWithEvidence_AndWeaknessesInVagueLanguage()
    {
        var text = await AskAsync("analyzer.p2");
        TestContext.Out.WriteLine(text);

        var strengths = Section(text, "## Strengths");
        var weaknesses = Section(text, "## Weaknesses");
        Assert.That(strengths, Does.Contain("baseline").Or.Contain("evidence or track record"));
        Assert.That(strengths, Does.Contain("successfully trained 8,400 farmers").Or.Contain("raised maize yields from 1.3 to 1.8 tonnes"));
        Assert.That(weaknesses, Does.Contain("The project will leverage various innovative approaches and best practices"));
        Assert.That(weaknesses, Does.Contain("\u201Cinnovative\u201D"));
        Assert.That(text, Does.Contain("## Evidence density"));
    }

    [Test]
    public async Task P3_QuotesIndicatorsBaselinesTargetsAndMonitoring_WithFigures()
    {
        var text = await AskAsync("analyzer.p3");
        TestContext.Out.WriteLine(text);

        Assert.That(text, Does.Contain("### Activities").And.Contain("### Indicators").And.Contain("### Baselines").And.Contain("### Targets").And.Contain("### Monitoring, evaluation and learning"));
        Assert.That(Section(text, "### Indicators"), Does.Contain("Indicator ").And.Contain("figures:"));
        Assert.That(Section(text, "### Monitoring, evaluation and learning"), Does.Contain("mid-term review in month 18").IgnoreCase);
        Assert.That(text, Does.Contain("2024 baseline survey"));
        Assert.That(Section(text, "### Measurability"), Does.Match(@"[1-9]\d* of \d+ paragraphs that name indicators also give a baseline and a target"));
    }

    [Test]
    public async Task P4_RatesRisksAndCompliance_AndFlagsTheUnmitigatedRisk()
    {
        var text = await AskAsync("analyzer.p4");
        TestContext.Out.WriteLine(text);

        Assert.That(text, Does.Match(@"Overall rating: \*\*(Low|Medium|High)\*\*"));
        Assert.That(text, Does.Contain("Drought risk: a prolonged drought could reduce yields"));
        Assert.That(text, Does.Contain("To mitigate this, the project promotes drought-tolerant varieties"));
        var sideSelling = text[text.IndexOf("Side-selling risk", StringComparison.Ordinal)..];
        Assert.That(sideSelling, Does.Contain("none found next to this risk"));
        Assert.That(Section(text, "## Safeguarding"), Does.Contain("safeguarding policy"));
        Assert.That(Section(text, "## Budget and financial management"), Does.Contain("annual external audit").Or.Contain("USD"));
        Assert.That(text, Does.Contain("- Safeguarding: **Low**"));
        Assert.That(text, Does.Contain("- Reporting: **Low**"));
        Assert.That(text, Does.Contain("- Eligibility: **Low**"));
    }

    [Test]
    public async Task P5_RecommendsFromWhatIsMissing_QuotingTheDocument()
    {
        var text = await AskAsync("analyzer.p5");
        TestContext.Out.WriteLine(text);

        Assert.That(text, Does.Contain("## Recommendations"));
        Assert.That(text, Does.Contain("Side-selling risk").And.Contain("Mitigate a stated risk"));
        Assert.That(text, Does.Contain("Quantify a general claim"));
        Assert.That(text, Does.Contain("## Coverage checklist").And.Contain("[x] Baselines").And.Contain("[x] Safeguarding"));
    }

    [Test]
    public async Task P5_OnAThinProposal_AsksForTheMissingBasics()
    {
        var thin = "Our Project\n\nWe will work with various communities to improve livelihoods in a holistic way. Several activities will be organised as appropriate. The project will significantly improve the lives of many people.";
        var text = await AskAsync("analyzer.p5", new Dictionary<string, string> { ["document"] = thin });
        TestContext.Out.WriteLine(text);

        Assert.That(text, Does.Contain("[High] **Baselines.**").And.Contain("[High] **Budget breakdown.**").And.Contain("[High] **Safeguarding.**"));
        Assert.That(text, Does.Contain("[ ] Indicators"));
    }

    [Test]
    public async Task Followup_AnswersWithTheRightPassage_AndItsPageAndParagraph()
    {
        var expected = ProposalFixture.PassageWith("Complaints are acknowledged within 48 hours");
        var variables = new Dictionary<string, string>
        {
            ["document"] = ProposalFixture.Text,
            ["passages"] = ProposalFixture.PassagesJson,
            ["question"] = "How are complaints from community members handled, and how fast?",
        };

        var text = await AskAsync("analyzer.followup", variables);
        TestContext.Out.WriteLine(text);

        var best = Section(text, "## Best-matching passages");
        var first = best.Split('\n').First(l => l.StartsWith("1. ", StringComparison.Ordinal));
        Assert.That(first, Does.StartWith($"1. Page {expected.Page}, paragraph {expected.Paragraph}"));
        Assert.That(best, Does.Contain("Complaints are acknowledged within 48 hours"));
        Assert.That(Section(text, "## Most relevant sentence"), Does.Contain("Complaints are acknowledged within 48 hours").Or.Contain("Community members can raise complaints"));
        Assert.That(text, Does.Contain("48 hours"));
    }

    [Test]
    public async Task Followup_WithoutPassages_CitesParagraphNumbers()
    {
        var variables = new Dictionary<string, string> { ["document"] = ProposalFixture.Text, ["question"] = "When is the mid-term review?" };

        var text = await AskAsync("evaluator.followup", variables);

        var best = Section(text, "## Best-matching passages");
        Assert.That(best, Does.Contain("mid-term review").And.Contain("month 18"));
        Assert.That(best, Does.Match(@"1\. Paragraph \d+, section \u201C(Monitoring, Evaluation and Learning|Work Plan and Timeline)\u201D"));
    }

    [Test]
    public async Task NoVariables_TakesTheLastUserMessageAsTheDocument()
    {
        var text = await AskAsync("something.else", new Dictionary<string, string>(), ProposalFixture.Text);

        Assert.That(text, Does.StartWith(OfflineChatClient.Disclaimer));
        Assert.That(text, Does.Contain("## Summary").And.Contain("Key terms (RAKE)"));
    }

    [Test]
    public async Task OtherKeys_CompareAgainstAReferenceText()
    {
        var tor = "Terms of Reference. Applicants must describe their safeguarding policy, a monitoring and evaluation plan, a detailed budget and a sustainability strategy. Proposals should explain community seed banks and water harvesting, and their plans for blockchain traceability. " + new string(' ', 10);
        var text = await AskAsync("evaluator.external", new Dictionary<string, string> { ["proposal"] = ProposalFixture.Text, ["tor"] = tor.PadRight(320, '.') });
        TestContext.Out.WriteLine(text);

        Assert.That(text, Does.Contain("## Coverage of the key terms of \u201Ctor\u201D"));
        Assert.That(text, Does.Match("blockchain traceability: (not found|partly)"));
        Assert.That(text, Does.Match("community seed banks: addressed"));
    }

    [Test]
    public async Task ChatbotRefine_ReturnsAQuery_NotAReport()
    {
        var text = await AskAsync("chatbot.refine", new Dictionary<string, string> { ["question"] = "What is the total budget of the project?" });

        Assert.That(text, Is.EqualTo("What is the total budget of the project?"));
    }

    [Test]
    public async Task IsDeterministic()
    {
        foreach (var key in new[] { "analyzer.p1", "analyzer.p2", "analyzer.p3", "analyzer.p4", "analyzer.p5" })
        {
            var first = await AskAsync(key);
            var second = await AskAsync(key, new Dictionary<string, string> { ["document"] = new string([.. ProposalFixture.Text]) });
            Assert.That(second, Is.EqualTo(first), key);
        }
    }

    [Test]
    public async Task FinishesTwentyPages_WithoutPathologicalSlowness()
    {
        await AskAsync("analyzer.p1", new Dictionary<string, string> { ["document"] = "Warm-up. The engine loads its tokenizer once." });

        // A fresh copy defeats the document cache other tests filled: the document is read once, then all six prompts
        // run on it, as the Analyzer runs P1..P5 and a follow-up on one upload.
        var variables = new Dictionary<string, string> { ["document"] = ProposalFixture.Text + "\n\nEnd of proposal.", ["question"] = "What is the total budget?" };
        var watch = Stopwatch.StartNew();
        foreach (var key in new[] { "analyzer.p1", "analyzer.p2", "analyzer.p3", "analyzer.p4", "analyzer.p5", "analyzer.followup" })
        {
            await AskAsync(key, variables);
            TestContext.Out.WriteLine($"{key}: {watch.ElapsedMilliseconds} ms so far");
        }

        watch.Stop();
        // A guard against runaway behaviour (a regex once hung here), not a speed target: generous for loaded CI.
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    private static string Section(string text, string heading)
    {
        var start = text.IndexOf(heading, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"section {heading} is missing");
        var level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        var next = text.IndexOf("\n" + level, start + heading.Length, StringComparison.Ordinal);
        return next < 0 ? text[start..] : text[start..next];
    }

    private static List<string> QuotedSentences(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, "\u201C([^\u201D]{30,})\u201D").Select(m => m.Groups[1].Value)];
}
