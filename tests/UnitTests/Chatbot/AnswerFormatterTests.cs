using System.Text.RegularExpressions;
using Platform.Chatbot.Chat;

namespace Platform.UnitTests.Chatbot;

public sealed partial class AnswerFormatterTests
{
    private const string Markdown = """
        # Budget overview
        The **total budget** is *USD 1.2 million* and ~~was~~ is __approved__; see [the plan](https://example.org/plan).
        ## Lines
        | Line | Amount |
        | --- | ---: |
        | Staff | 400,000 |
        * first item with `code`
        + second item
        > a quoted passage [1]
        ---
        ```
        raw **kept**
        ```
        """;

    [Test]
    public void WhatsApp_UsesOnlyWhatsAppMarkup()
    {
        var text = AnswerFormatter.Convert(Markdown, "whatsapp");
        TestContext.Out.WriteLine(text);

        Assert.That(text, Does.Contain("*Budget overview*").And.Contain("*total budget*").And.Contain("_USD 1.2 million_")
            .And.Contain("~was~").And.Contain("*approved*").And.Contain("the plan (https://example.org/plan)"));
        Assert.That(text, Does.Contain("- Line · Amount").And.Contain("- Staff · 400,000"));
        Assert.That(text, Does.Contain("- first item with ```code```").And.Contain("- second item").And.Contain("a quoted passage [1]"));
        Assert.That(text, Does.Contain("```\nraw **kept**\n```"), "monospace blocks are left alone");
        AssertNoMarkdown(text.Replace("raw **kept**", string.Empty, StringComparison.Ordinal));
    }

    [Test]
    public void Plain_HasNoMarkupAtAll()
    {
        var text = AnswerFormatter.Convert(Markdown, "plain");

        Assert.That(text, Does.Contain("Budget overview\nThe total budget is USD 1.2 million and was is approved; see the plan (https://example.org/plan)."));
        Assert.That(text.Replace("raw **kept**", string.Empty, StringComparison.Ordinal), Does.Not.Contain("*").And.Not.Contain("`").And.Not.Contain("~").And.Not.Contain("#"));
    }

    [Test]
    public void Markdown_IsUnchanged() => Assert.That(AnswerFormatter.Convert(Markdown, "markdown"), Is.EqualTo(Markdown.Trim()));

    [Test]
    public void Split_MakesPartsOfAtMostTheLimit_AtSentenceBoundaries()
    {
        var sentences = Enumerable.Range(1, 400).Select(i => $"Sentence number {i} of the long answer ends here.").ToList();
        var text = string.Join(" ", sentences.Take(200)) + "\n\n" + string.Join(" ", sentences.Skip(200));

        var parts = AnswerFormatter.Split(text, 4096);

        Assert.That(parts, Has.Count.GreaterThan(2));
        Assert.That(parts, Has.All.Length.LessThanOrEqualTo(4096));
        Assert.That(parts, Has.All.Matches<string>(p => p.EndsWith("ends here.", StringComparison.Ordinal)), "cut between sentences");
        Assert.That(string.Join(" ", parts).Replace("\n\n", " ", StringComparison.Ordinal), Is.EqualTo(text.Replace("\n\n", " ", StringComparison.Ordinal)));
    }

    [Test]
    public void Split_CutsAWordLongerThanAPart() =>
        Assert.That(AnswerFormatter.Split(new string('x', 9000), 4096).Select(p => p.Length), Is.EqualTo(new[] { 4096, 4096, 808 }));

    [Test]
    public void StreamedLines_ConvertLikeTheWhole()
    {
        var formatter = new AnswerFormatter("whatsapp");
        var lines = Markdown.Split('\n').Select(formatter.Line).Where(l => l is not null);

        Assert.That(string.Join("\n", lines).Trim(), Is.EqualTo(AnswerFormatter.Convert(Markdown, "whatsapp")));
    }

    internal static void AssertNoMarkdown(string text)
    {
        Assert.That(MarkdownHeading().IsMatch(text), Is.False, "no headings");
        Assert.That(MarkdownLink().IsMatch(text), Is.False, "no [text](url) links");
        Assert.That(MarkdownTable().IsMatch(text), Is.False, "no tables");
        Assert.That(text, Does.Not.Contain("**").And.Not.Contain("__").And.Not.Contain("~~"));
        Assert.That(MarkdownBullet().IsMatch(text), Is.False, "lists only with '- '");
    }

    [GeneratedRegex(@"(?m)^\s*#{1,6}\s")]
    private static partial Regex MarkdownHeading();

    [GeneratedRegex(@"\[[^\]]+\]\([^)]+\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"(?m)^\s*\|.*\|\s*$")]
    private static partial Regex MarkdownTable();

    [GeneratedRegex(@"(?m)^\s*[*+]\s")]
    private static partial Regex MarkdownBullet();
}
