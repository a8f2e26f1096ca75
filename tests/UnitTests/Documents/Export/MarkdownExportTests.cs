using Platform.Documents.Export;
using static Platform.UnitTests.Documents.Export.ExportFixtures;

namespace Platform.UnitTests.Documents.Export;

public sealed class MarkdownExportTests
{
    [Test]
    public void Markdown_SmallSession_IsExactlyTheExpectedGitHubMarkdown()
    {
        var markdown = Markdown(Session());

        Assert.That(markdown, Is.EqualTo("""
            # Analysis: proposal.pdf

            | Field | Value |
            | --- | --- |
            | Session | 5b1c |
            | User | user_42 |
            | Notes | split \| here next line |

            ## Summary

            The proposal asks for **1,200 EUR** over _two_ years. It is well argued.

            ### Strengths

            - Clear goals
            - Budget in `EUR`
              - Travel included

            1. Submit
            2. Review

            > Reviewers liked it.

            ## Alignment

            Three requirements:

            | Requirement | Status |
            | --- | --- |
            | R1 budget \| cap | **covered** |
            | R2 report<br>quarterly | partial |
            | R3 | |

            ## Follow-up questions

            ### What is the budget?

            _Asked 2025-03-01 14:05 UTC_

            It is **1,200 EUR**.

            """));
    }

    [Test]
    public void Markdown_IsUtf8WithoutByteOrderMark_AndKeepsNonAsciiText()
    {
        var bytes = Exporter.ToMarkdown(new ExportDocument("Évaluation 👍 naïve", [], [], []));

        Assert.That(bytes[..4], Is.EqualTo("# É"u8.ToArray()));
        Assert.That(Markdown(new ExportDocument("Évaluation 👍 naïve", [], [], [])), Is.EqualTo("# Évaluation 👍 naïve\n"));
    }

    [Test]
    public void Markdown_NoMetadataSectionsOrExchanges_IsTheTitleOnly_AndABlankTitleHasAFallback()
    {
        Assert.That(Markdown(new ExportDocument("  \n ", [], [], [])), Is.EqualTo("# Document\n"));
    }

    [Test]
    public void Markdown_HeadingsInABody_StayBelowTheSectionHeading()
    {
        var markdown = Markdown(new ExportDocument("T", [], [new ExportSection("S", "# One\n\n## Two\n\n### Three\n\n#### Four ##")], []));

        Assert.That(markdown, Is.EqualTo("# T\n\n## S\n\n### One\n\n### Two\n\n### Three\n\n#### Four\n"));
    }

    [Test]
    public void Markdown_PlainTextThatLooksLikeSyntax_IsEscaped()
    {
        var document = new ExportDocument(
            "Budget *draft* [v2] #",
            [new("Owner", "<b>me</b> & &amp; snake_case _x")],
            [new ExportSection("Issue #", "")],
            [new ExportExchange("Why `this` | that?", "", AskedAt)]);

        var markdown = Markdown(document);

        Assert.That(markdown, Does.StartWith("# Budget \\*draft\\* \\[v2\\] \\#\n"));
        Assert.That(markdown, Does.Contain("| Owner | \\<b>me\\</b> & \\&amp; snake_case \\_x |"));
        Assert.That(markdown, Does.Contain("\n## Issue \\#\n"));
        Assert.That(markdown, Does.Contain("\n### Why \\`this\\` | that?\n"));
    }

    [Test]
    public void Markdown_BodyHtmlAndScriptLinks_AreNeutralised_WebLinksKept()
    {
        var body = "<script>alert(1)</script>\n\n[click](javascript:alert(1)) and [site](https://example.org/a?b=1)";

        var markdown = Markdown(new ExportDocument("T", [], [new ExportSection("S", body)], []));

        Assert.That(markdown, Does.Contain("\n\\<script>alert(1)\\</script>\n"));
        Assert.That(markdown, Does.Contain("\\[click\\](javascript:alert(1)) and [site](https://example.org/a?b=1)\n"));
    }

    [Test]
    public void Markdown_ParagraphThatStartsLikeABlock_IsEscaped()
    {
        // Escaped in the body, so text; written back escaped again, not as a list, a numbered item or a quote.
        var body = "Intro\n\n\\- not a list\n\n2025\\. A good year\n\n\\> not a quote";

        var markdown = Markdown(new ExportDocument("T", [], [new ExportSection("S", body)], []));

        Assert.That(markdown, Does.EndWith("Intro\n\n\\- not a list\n\n2025\\. A good year\n\n\\> not a quote\n"));
    }

    [Test]
    public void Markdown_ListsNestAndNumberFromTheirFirstItem()
    {
        var body = "3. Third\n7. Fourth\n   * Detail\n      - Deeper\n   * More\n8. Fifth\n\n- Other list";

        var markdown = Markdown(new ExportDocument("T", [], [new ExportSection("S", body)], []));

        Assert.That(markdown, Does.EndWith("""
            ## S

            3. Third
            4. Fourth
               - Detail
                 - Deeper
               - More
            5. Fifth

            - Other list

            """));
    }

    [Test]
    public void Markdown_CodeAndTablesInABody_KeepTheirContentAndGetSafeFences()
    {
        var body = "```csharp\nvar s = \"```\";\n| not | a table |\n```\n\nName | Cost\n:-- | --:\nA \\| B | `x\\|y`\nC";

        var markdown = Markdown(new ExportDocument("T", [], [new ExportSection("S", body)], []));

        Assert.That(markdown, Does.EndWith("""
            ## S

            ````csharp
            var s = "```";
            | not | a table |
            ````

            | Name | Cost |
            | --- | --- |
            | A \| B | `x\|y` |
            | C | |

            """));
    }

    [Test]
    public void Markdown_TableCells_PipesEscapedLineBreaksKept_ShortRowsPadded()
    {
        var table = new ExportTable(["A|1", "B"], [["x\r\ny", "a \\ b"], ["only"], ["p", "q", "extra"]]);

        var markdown = Markdown(new ExportDocument("T", [], [new ExportSection("S", "", [table])], []));

        Assert.That(markdown, Does.EndWith("""
            ## S

            | A\|1 | B | |
            | --- | --- | --- |
            | x<br>y | a \\ b | |
            | only | | |
            | p | q | extra |

            """));
    }

    [Test]
    public void Markdown_ControlCharacters_AreDropped()
    {
        var document = new ExportDocument(
            "Re\u0000port\u0007",
            [new("K\u001B", "v\uFFFEal\uD800ue")],
            [new ExportSection("He\u0008ad", "Bo\u000Bdy\u000C text\u0085 \uDC00end", [new ExportTable(["H\u0001"], [["c\u0002ell"]])])],
            [new ExportExchange("Q\u0003?", "A\u0004.", AskedAt)]);

        var markdown = Markdown(document);

        Assert.That(markdown.Where(c => (char.IsControl(c) && c != '\n') || char.IsSurrogate(c) || c is '\uFFFE'), Is.Empty);
        Assert.That(markdown, Does.StartWith("# Report\n"));
        Assert.That(markdown, Does.Contain("| K | value |"));
        Assert.That(markdown, Does.Contain("## Head\n\nBody text end\n\n| H |\n| --- |\n| cell |"));
        Assert.That(markdown, Does.Contain("### Q?\n"));
        Assert.That(markdown, Does.EndWith("A.\n"));
    }
}
