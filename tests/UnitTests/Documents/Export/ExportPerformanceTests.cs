using System.Diagnostics;
using System.Globalization;
using System.Text;
using Platform.Documents.Export;
using static Platform.UnitTests.Documents.Export.ExportFixtures;

namespace Platform.UnitTests.Documents.Export;

public sealed class ExportPerformanceTests
{
    [Test]
    public void LargeDocument_200Sections_ExportsQuickly()
    {
        var document = Large(sections: 200);
        // The first run is mostly the JIT compiling the Open XML SDK; the second measures the exporter. Typical on
        // two cores: Markdown 20-70 ms, DOCX 0.1-1 s (most of it the SDK serialising 1.7 MB of XML).
        Exporter.ToMarkdown(document);
        Exporter.ToDocx(document);

        var watch = Stopwatch.StartNew();
        var markdown = Exporter.ToMarkdown(document);
        var markdownTime = watch.Elapsed;
        watch.Restart();
        var docx = Exporter.ToDocx(document);
        var docxTime = watch.Elapsed;

        TestContext.Out.WriteLine($"Markdown {markdownTime.TotalMilliseconds:0} ms ({markdown.Length} bytes), DOCX {docxTime.TotalMilliseconds:0} ms ({docx.Length} bytes)");
        Assert.That(markdownTime, Is.LessThan(TimeSpan.FromSeconds(30)), "Markdown");
        Assert.That(docxTime, Is.LessThan(TimeSpan.FromSeconds(30)), "DOCX");
        Assert.That(Encoding.UTF8.GetString(markdown), Does.Contain("\n## Section 200\n"));
        using var opened = OpenDocx(docx);
        Assert.That(Styled(BodyOf(opened), "Heading1"), Has.Count.EqualTo(201));
        Assert.That(BodyOf(opened).Elements<DocumentFormat.OpenXml.Wordprocessing.Table>().Count(), Is.EqualTo(201), "metadata and one a section");
    }

    [Test]
    public void PathologicalMarkup_IsLinearNotQuadratic()
    {
        // 25,000 openers that never close: searching again for each one takes tens of seconds; linear is ~50 ms.
        var body = string.Concat(Enumerable.Repeat("*a _b [c **e __f ", 5_000));
        var document = new ExportDocument("T", [], [new ExportSection("S", body)], []);

        var watch = Stopwatch.StartNew();
        var markdown = Exporter.ToMarkdown(document);
        Exporter.ToDocx(document);

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        Assert.That(Encoding.UTF8.GetString(markdown), Does.Contain("\\*a \\_b \\[c \\*\\*e \\_\\_f"));
    }

    private static ExportDocument Large(int sections)
    {
        var list = new List<ExportSection>();
        for (var s = 1; s <= sections; s++)
        {
            var n = s.ToString(CultureInfo.InvariantCulture);
            var body = $"""
                Section {n} weighs the proposal against **requirement {n}** and finds it _mostly_ covered.
                The passage on page {n} is quoted below.

                ### Findings {n}

                - First point of {n}
                - Second point with `code`
                  - A nested detail
                1. Numbered one
                2. Numbered two

                > A quotation from the terms of reference, section {n}.
                """;
            var rows = Enumerable.Range(1, 10)
                .Select(r => (IReadOnlyList<string>)[$"R{n}.{r}", r % 3 == 0 ? "missing" : "**covered**", $"Page {r} | paragraph {r}"])
                .ToList();
            list.Add(new ExportSection($"Section {n}", body, [new ExportTable(["Requirement", "Status", "Passage"], rows)]));
        }

        var exchanges = Enumerable.Range(1, 50)
            .Select(e => new ExportExchange($"Question {e}?", $"Answer {e} with **bold** text.\n\n- a\n- b", AskedAt))
            .ToList();
        return new ExportDocument("Large", [new("Sections", sections.ToString(CultureInfo.InvariantCulture))], list, exchanges);
    }
}
