using Platform.Documents;
using static Platform.UnitTests.Documents.DocumentFixtures;

namespace Platform.UnitTests.Documents;

public sealed class DocxExtractionTests
{
    private static byte[] Guidelines() => Docx(
        "Funding guidelines",
        ["Proposals must fit on ten pages.", "   ", "Budgets are stated in euros."],
        [["Item", "Amount"], ["Travel", "1,200 EUR"], ["", "Total 1,200 EUR"]],
        "Contact");

    [Test]
    public async Task Docx_HeadingsParagraphsAndTableRows_BecomePassagesInOrder()
    {
        var document = await ExtractAsync(Guidelines(), "guidelines.docx");

        Assert.That(document.Kind, Is.EqualTo(DocumentKind.Docx));
        Assert.That(document.PageCount, Is.Null);
        Assert.That(document.Passages, Is.EqualTo(new[]
        {
            new DocumentPassage("Funding guidelines", null, 1),
            new DocumentPassage("Proposals must fit on ten pages.", null, 2),
            new DocumentPassage("Budgets are stated in euros.", null, 3),
            new DocumentPassage("Item | Amount", null, 4),
            new DocumentPassage("Travel | 1,200 EUR", null, 5),
            new DocumentPassage("Total 1,200 EUR", null, 6),
            new DocumentPassage("Contact", null, 7),
        }));
        Assert.That(document.Text, Is.EqualTo(
            "Funding guidelines\n\nProposals must fit on ten pages.\n\nBudgets are stated in euros.\n\nItem | Amount\n\n" +
            "Travel | 1,200 EUR\n\nTotal 1,200 EUR\n\nContact"));
    }

    [Test]
    public async Task Docx_RunsAndTabsJoin_DeletedTrackedTextIsLeftOut()
    {
        var document = await ExtractAsync(DocxWithRunsAndTrackedChanges(), "changes.docx");

        Assert.That(document.Passages.Single().Text, Is.EqualTo("Total budget approved"));
    }

    [Test]
    public async Task Docx_NamedPdf_IsStillReadAsDocx()
    {
        var document = await ExtractAsync(Guidelines(), "guidelines.pdf");

        Assert.That(document.Kind, Is.EqualTo(DocumentKind.Docx));
        Assert.That(document.Passages[0].Text, Is.EqualTo("Funding guidelines"));
    }

    [Test]
    public async Task Docx_MainPartWithAnotherName_IsFoundThroughTheContentTypes()
    {
        var docx = Zip(
            ("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                  <Default Extension="xml" ContentType="application/xml"/>
                  <Override PartName="/word/document2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
                </Types>
                """),
            ("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document2.xml"/>
                </Relationships>
                """),
            ("word/document2.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
                  <w:body><w:p><w:r><w:t>Saved by Word for the web.</w:t></w:r></w:p></w:body>
                </w:document>
                """));

        var document = await ExtractAsync(docx, "online.docx");

        Assert.That(document.Kind, Is.EqualTo(DocumentKind.Docx));
        Assert.That(document.Passages.Single(), Is.EqualTo(new DocumentPassage("Saved by Word for the web.", null, 1)));
    }

    [Test]
    public void Docx_Truncated_Is422Damaged()
    {
        var docx = Guidelines();

        var ex = Assert.ThrowsAsync<UnreadableDocumentException>(() => ExtractAsync(docx[..(docx.Length * 2 / 3)], "cut.docx"));

        Assert.That(ex!.StatusCode, Is.EqualTo(422));
        Assert.That(ex.Message, Does.Contain("Word document could not be read"));
    }

    [Test]
    public void Docx_MainPartIsNotXml_Is422Damaged()
    {
        var zip = Zip(
            ("[Content_Types].xml", """<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"""),
            ("word/document.xml", "this is not xml <<<"));

        var ex = Assert.ThrowsAsync<UnreadableDocumentException>(() => ExtractAsync(zip, "broken.docx"));

        Assert.That(ex!.StatusCode, Is.EqualTo(422));
    }

    [Test]
    public void Docx_OnlyEmptyParagraphs_Is422NoText()
    {
        var docx = Docx(" ", [], [], "");

        var ex = Assert.ThrowsAsync<UnreadableDocumentException>(() => ExtractAsync(docx, "empty.docx"));

        Assert.That(ex!.Message, Is.EqualTo("The document contains no text."));
    }
}
