using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Platform.Documents;
using Platform.Documents.Export;
using static Platform.UnitTests.Documents.DocumentFixtures;
using static Platform.UnitTests.Documents.Export.ExportFixtures;

namespace Platform.UnitTests.Documents.Export;

public sealed class DocxExportTests
{
    [Test]
    public void Docx_IsAValidWordDocument_WithItsTitle()
    {
        using var docx = OpenDocx(Exporter.ToDocx(Session()));

        Assert.That(docx.DocumentType, Is.EqualTo(DocumentFormat.OpenXml.WordprocessingDocumentType.Document));
        Assert.That(ValidationErrors(docx), Is.Empty);
        Assert.That(docx.PackageProperties.Title, Is.EqualTo("Analysis: proposal.pdf"));
        var first = BodyOf(docx).Elements<Paragraph>().First();
        Assert.That(StyleOf(first), Is.EqualTo("Title"));
        Assert.That(TextOf(first), Is.EqualTo("Analysis: proposal.pdf"));
    }

    [Test]
    public void Docx_StylesPart_DefinesTheStylesTheBodyUses()
    {
        using var docx = OpenDocx(Exporter.ToDocx(Session()));

        var styles = docx.MainDocumentPart!.StyleDefinitionsPart!.Styles!.Elements<Style>().ToDictionary(s => s.StyleId!.Value!);
        Assert.That(styles.Keys, Is.SupersetOf(new[] { "Normal", "Title", "Heading1", "Heading2", "Heading3", "ListParagraph", "Quote" }));
        Assert.That(styles["Heading1"].StyleParagraphProperties!.OutlineLevel!.Val!.Value, Is.EqualTo(0));
        Assert.That(styles["Heading2"].StyleParagraphProperties!.OutlineLevel!.Val!.Value, Is.EqualTo(1));
        var used = BodyOf(docx).Descendants<ParagraphStyleId>().Select(s => s.Val!.Value!).Distinct();
        Assert.That(styles.Keys, Is.SupersetOf(used));
    }

    [Test]
    public void Docx_SectionsAreHeading1_SubheadingsAndQuestionsHeading2()
    {
        using var docx = OpenDocx(Exporter.ToDocx(Session()));
        var body = BodyOf(docx);

        Assert.That(Styled(body, "Heading1"), Is.EqualTo(new[] { "Summary", "Alignment", "Follow-up questions" }));
        Assert.That(Styled(body, "Heading2"), Is.EqualTo(new[] { "Strengths", "What is the budget?" }));
        Assert.That(Styled(body, "Quote"), Is.EqualTo(new[] { "Reviewers liked it." }));
    }

    [Test]
    public void Docx_Lists_AreWordNumbering_BulletsAndNumbersWithLevels()
    {
        using var docx = OpenDocx(Exporter.ToDocx(Session()));
        var items = BodyOf(docx).Elements<Paragraph>().Where(p => StyleOf(p) == "ListParagraph").ToList();

        Assert.That(items.Select(TextOf), Is.EqualTo(new[] { "Clear goals", "Budget in EUR", "Travel included", "Submit", "Review" }));
        var numbering = items.Select(p => p.ParagraphProperties!.NumberingProperties!).ToList();
        Assert.That(numbering.Select(n => n.NumberingLevelReference!.Val!.Value), Is.EqualTo(new[] { 0, 0, 1, 0, 0 }));
        var ids = numbering.Select(n => n.NumberingId!.Val!.Value).ToList();
        Assert.That(ids[0], Is.EqualTo(ids[1]).And.EqualTo(ids[2]));
        Assert.That(ids[3], Is.EqualTo(ids[4]).And.Not.EqualTo(ids[0]));
        Assert.That(FormatOf(docx, ids[0], 0), Is.EqualTo(NumberFormatValues.Bullet));
        Assert.That(FormatOf(docx, ids[0], 1), Is.EqualTo(NumberFormatValues.Bullet));
        Assert.That(FormatOf(docx, ids[3], 0), Is.EqualTo(NumberFormatValues.Decimal));
    }

    [Test]
    public void Docx_EachNumberedList_RestartsAtItsFirstNumber()
    {
        var body = "1. One\n2. Two\n\nBetween.\n\n1. Again\n\nAnd.\n\n4. Four\n5. Five";
        using var docx = OpenDocx(Exporter.ToDocx(new ExportDocument("T", [], [new ExportSection("S", body)], [])));

        var ids = BodyOf(docx).Descendants<NumberingId>().Select(n => n.Val!.Value).ToList();
        Assert.That(ids, Has.Count.EqualTo(5));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(3));
        var instances = docx.MainDocumentPart!.NumberingDefinitionsPart!.Numbering!.Elements<NumberingInstance>().ToDictionary(n => n.NumberID!.Value);
        int Start(int id) => instances[id].Elements<LevelOverride>().Single().StartOverrideNumberingValue!.Val!.Value;
        Assert.That(new[] { Start(ids[0]), Start(ids[2]), Start(ids[3]) }, Is.EqualTo(new[] { 1, 1, 4 }));
    }

    [Test]
    public void Docx_BoldItalicAndCode_AreRunFormatting_WithoutTheMarkers()
    {
        using var docx = OpenDocx(Exporter.ToDocx(Session()));
        var body = BodyOf(docx);
        var summary = body.Elements<Paragraph>().First(p => TextOf(p).StartsWith("The proposal", StringComparison.Ordinal));
        var runs = summary.Elements<Run>().ToList();

        Assert.That(TextOf(summary), Is.EqualTo("The proposal asks for 1,200 EUR over two years. It is well argued."));
        Assert.That(runs.Where(IsBold).Select(TextOf), Is.EqualTo(new[] { "1,200 EUR" }));
        Assert.That(runs.Where(IsItalic).Select(TextOf), Is.EqualTo(new[] { "two" }));
        var code = body.Descendants<Run>().Single(r => TextOf(r) == "EUR");
        Assert.That(code.RunProperties!.RunFonts!.Ascii!.Value, Is.EqualTo("Consolas"));
        var bold = body.Descendants<Run>().Where(IsBold).Select(TextOf).ToList();
        Assert.That(bold, Is.SupersetOf(new[] { "covered", "1,200 EUR", "Requirement", "Status", "Field", "Value" }));
        Assert.That(body.Descendants<Text>().Where(t => t.Text.Contains('*', StringComparison.Ordinal) || t.Text.Contains('`', StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void Docx_Tables_HaveAHeaderRowBordersAndTheRightCells()
    {
        using var docx = OpenDocx(Exporter.ToDocx(Session()));
        var tables = BodyOf(docx).Elements<Table>().ToList();

        Assert.That(tables, Has.Count.EqualTo(2));
        Assert.That(Cells(tables[0]), Is.EqualTo(new[]
        {
            new[] { "Field", "Value" },
            new[] { "Session", "5b1c" },
            new[] { "User", "user_42" },
            new[] { "Notes", "split | here next line" },
        }));
        Assert.That(Cells(tables[1]), Is.EqualTo(new[]
        {
            new[] { "Requirement", "Status" },
            new[] { "R1 budget | cap", "covered" },
            new[] { "R2 report\nquarterly", "partial" },
            new[] { "R3", "" },
        }));
        foreach (var table in tables)
        {
            var rows = table.Elements<TableRow>().ToList();
            Assert.That(rows[0].TableRowProperties?.GetFirstChild<TableHeader>(), Is.Not.Null);
            Assert.That(rows.Skip(1).Select(r => r.TableRowProperties?.GetFirstChild<TableHeader>()), Has.All.Null);
            var borders = table.GetFirstChild<TableProperties>()!.TableBorders!;
            Assert.That(
                new BorderType?[] { borders.TopBorder, borders.LeftBorder, borders.BottomBorder, borders.RightBorder, borders.InsideHorizontalBorder, borders.InsideVerticalBorder }
                    .Select(b => b?.Val?.Value),
                Has.All.EqualTo(BorderValues.Single));
            Assert.That(table.GetFirstChild<TableGrid>()!.Elements<GridColumn>().Count(), Is.EqualTo(2));
        }
    }

    [Test]
    public void Docx_FollowUps_AreAQuestionTheTimeInUtcAndTheFormattedAnswer()
    {
        using var docx = OpenDocx(Exporter.ToDocx(Session()));
        var paragraphs = BodyOf(docx).Elements<Paragraph>().ToList();
        var start = paragraphs.FindIndex(p => StyleOf(p) == "Heading1" && TextOf(p) == "Follow-up questions");

        Assert.That(start, Is.GreaterThan(0));
        var exchange = paragraphs.Skip(start + 1).Where(p => TextOf(p).Length > 0).Take(3).ToList();
        Assert.That(exchange.Select(TextOf), Is.EqualTo(new[] { "What is the budget?", "Asked 2025-03-01 14:05 UTC", "It is 1,200 EUR." }));
        Assert.That(StyleOf(exchange[0]), Is.EqualTo("Heading2"));
        Assert.That(exchange[1].Elements<Run>().All(IsItalic), Is.True);
        Assert.That(exchange[2].Elements<Run>().Where(IsBold).Select(TextOf), Is.EqualTo(new[] { "1,200 EUR" }));
    }

    [Test]
    public void Docx_WebLinks_AreHyperlinks_ScriptLinksStayText()
    {
        var body = "See [the call](https://example.org/call?id=7) or [this](javascript:alert(1)).";
        using var docx = OpenDocx(Exporter.ToDocx(new ExportDocument("T", [], [new ExportSection("S", body)], [])));

        var link = BodyOf(docx).Descendants<Hyperlink>().Single();
        Assert.That(TextOf(link), Is.EqualTo("the call"));
        var target = docx.MainDocumentPart!.HyperlinkRelationships.Single(r => r.Id == link.Id);
        Assert.That(target.Uri, Is.EqualTo(new Uri("https://example.org/call?id=7")));
        Assert.That(target.IsExternal, Is.True);
        Assert.That(TextOf(BodyOf(docx).Elements<Paragraph>().Last()), Is.EqualTo("See the call or [this](javascript:alert(1))."));
    }

    [Test]
    public void Docx_TablesInABodyAndAfterIt_NeverTouch()
    {
        var table = new ExportTable(["A"], [["1"]]);
        var document = new ExportDocument("T", [], [new ExportSection("S", "| X |\n| - |\n| y |", [table, table])], []);

        using var docx = OpenDocx(Exporter.ToDocx(document));

        var blocks = BodyOf(docx).ChildElements.Where(e => e is Paragraph or Table).ToList();
        Assert.That(BodyOf(docx).Elements<Table>().Count(), Is.EqualTo(3));
        Assert.That(blocks.Zip(blocks.Skip(1)).Any(pair => pair.First is Table && pair.Second is Table), Is.False);
        Assert.That(blocks[^1], Is.InstanceOf<Paragraph>());
        Assert.That(ValidationErrors(docx), Is.Empty);
    }

    [Test]
    public async Task Docx_ReadBackByTheExtractor_HasEverySectionsText()
    {
        var document = new ExportDocument(
            "Evaluation of the Horizon proposal",
            [new("Organisation", "Acme")],
            [
                new ExportSection("Internal", "The proposal follows **most** guidelines.\n\nTwo gaps remain."),
                new ExportSection("External", "- Deliverables are covered\n- Budget cap is _respected_\n\n1. Report quarterly"),
                new ExportSection("Delta", "### Contradictions\n\n> None were found.", [new ExportTable(["Requirement", "Status"], [["R1", "covered"]])]),
            ],
            [new ExportExchange("Is the budget capped?", "Yes, at **50,000 EUR**.", AskedAt)]);

        var extracted = await ExtractAsync(Exporter.ToDocx(document), "evaluation.docx");

        Assert.That(extracted.Kind, Is.EqualTo(DocumentKind.Docx));
        Assert.That(extracted.Passages.Select(p => p.Text), Is.EqualTo(new[]
        {
            "Evaluation of the Horizon proposal",
            "Field | Value",
            "Organisation | Acme",
            "Internal",
            "The proposal follows most guidelines.",
            "Two gaps remain.",
            "External",
            "Deliverables are covered",
            "Budget cap is respected",
            "Report quarterly",
            "Delta",
            "Contradictions",
            "None were found.",
            "Requirement | Status",
            "R1 | covered",
            "Follow-up questions",
            "Is the budget capped?",
            "Asked 2025-03-01 14:05 UTC",
            "Yes, at 50,000 EUR.",
        }));
    }

    [Test]
    public void Docx_XmlInvalidCharacters_AreDroppedNotThrown()
    {
        var document = new ExportDocument(
            "Re\u0000port\u0007\uFFFF",
            [new("K\u001B", "v\uFFFEal\uD800ue")],
            [
                new ExportSection("He\u0008ad", "Bo\u000Bdy\u000C text \uDC00end 👍\n\n- it\u0001em\n\n```\nco\u0002de\n```", [new ExportTable(["H\u0001"], [["c\u0002ell"]])]),
                new ExportSection("\u0003", "\u0004\u0005"),
            ],
            [new ExportExchange("Q\u0003?", "A\u0004.", AskedAt)]);

        byte[] bytes = [];
        Assert.DoesNotThrow(() => bytes = Exporter.ToDocx(document));

        using var docx = OpenDocx(bytes);
        Assert.That(ValidationErrors(docx), Is.Empty);
        var texts = BodyOf(docx).Descendants<Text>().Select(t => t.Text).ToList();
        var all = string.Concat(texts);
        Assert.That(all.Where(c => char.IsControl(c) || c is '\uFFFE' or '\uFFFF'), Is.Empty);
        Assert.DoesNotThrow(() => new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(all), "no unpaired surrogate");
        Assert.That(texts, Is.SupersetOf(new[] { "Report", "K", "value", "Head", "Body text end 👍", "item", "code", "H", "cell", "Section 2", "Q?", "A." }));
    }

    private static NumberFormatValues FormatOf(WordprocessingDocument docx, int numberingId, int level)
    {
        var numbering = docx.MainDocumentPart!.NumberingDefinitionsPart!.Numbering!;
        var abstractId = numbering.Elements<NumberingInstance>().Single(n => n.NumberID!.Value == numberingId).AbstractNumId!.Val!.Value;
        var definition = numbering.Elements<AbstractNum>().Single(a => a.AbstractNumberId!.Value == abstractId);
        return definition.Elements<Level>().Single(l => l.LevelIndex!.Value == level).NumberingFormat!.Val!.Value;
    }
}
