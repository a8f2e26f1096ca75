using System.Text;
using Platform.Documents;
using static Platform.UnitTests.Documents.DocumentFixtures;

namespace Platform.UnitTests.Documents;

public sealed class DocumentDetectionTests
{
    [TestCase("report.txt")]
    [TestCase("report.docx")]
    [TestCase("report")]
    public async Task Pdf_IsDetectedByContent_WhateverItsName(string name)
    {
        var document = await ExtractAsync(Pdf(["Detected by magic bytes."]), name);

        Assert.That(document.Kind, Is.EqualTo(DocumentKind.Pdf));
        Assert.That(document.Passages.Single(), Is.EqualTo(new DocumentPassage("Detected by magic bytes.", 1, 1)));
    }

    [Test]
    public async Task Text_NamedPdf_IsText()
    {
        var document = await ExtractAsync("Plain words only."u8.ToArray(), "fake.pdf");

        Assert.That(document.Kind, Is.EqualTo(DocumentKind.Text));
    }

    [Test]
    public void RandomBinary_NamedPdf_Is415NamingTheAcceptedTypes()
    {
        var ex = Assert.ThrowsAsync<UnsupportedDocumentException>(() => ExtractAsync(PdfExtractionTests.RandomBytes(8192, seed: 1), "report.pdf"));

        Assert.That(ex!.StatusCode, Is.EqualTo(415));
        Assert.That(ex.Message, Does.Contain("PDF, DOCX, TXT or MD"));
    }

    [Test]
    public void Png_NamedPdf_Is415()
    {
        var ex = Assert.ThrowsAsync<UnsupportedDocumentException>(() => ExtractAsync(Png(8, 8), "scan.pdf"));

        Assert.That(ex!.StatusCode, Is.EqualTo(415));
    }

    [Test]
    public void Xlsx_Is415EvenNamedDocx()
    {
        var ex = Assert.ThrowsAsync<UnsupportedDocumentException>(() => ExtractAsync(Xlsx(), "budget.docx"));

        Assert.That(ex!.StatusCode, Is.EqualTo(415));
        Assert.That(ex.Message, Does.Contain("not a Word document").And.Contain("PDF, DOCX, TXT or MD"));
    }

    [Test]
    public void PlainZip_Is415()
    {
        var ex = Assert.ThrowsAsync<UnsupportedDocumentException>(() => ExtractAsync(Zip(("notes.txt", "hello")), "notes.zip"));

        Assert.That(ex!.StatusCode, Is.EqualTo(415));
    }

    [Test]
    public void LegacyWordDoc_Is415SuggestingDocx()
    {
        var bytes = new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.Concat(new byte[504]).ToArray();

        var ex = Assert.ThrowsAsync<UnsupportedDocumentException>(() => ExtractAsync(bytes, "old.doc"));

        Assert.That(ex!.Message, Does.Contain(".doc").And.Contain("DOCX"));
    }

    [Test]
    public void InvalidUtf8_Is415()
    {
        var bytes = Encoding.Latin1.GetBytes("Caf\u00e9 cr\u00e8me in Latin-1");

        var ex = Assert.ThrowsAsync<UnsupportedDocumentException>(() => ExtractAsync(bytes, "menu.txt"));

        Assert.That(ex!.StatusCode, Is.EqualTo(415));
    }

    [Test]
    public void TextWithNulBytes_Is415()
    {
        var ex = Assert.ThrowsAsync<UnsupportedDocumentException>(() => ExtractAsync("text\0with\0nuls"u8.ToArray(), "a.txt"));

        Assert.That(ex!.StatusCode, Is.EqualTo(415));
    }

    [TestCase(@"C:\Users\ana\Desktop\proposal.pdf", "proposal.pdf")]
    [TestCase("../../etc/passwd", "passwd")]
    [TestCase("  report\u0007.txt ", "report.txt")]
    [TestCase("", "document")]
    public async Task FileName_KeepsOnlyTheName(string given, string expected)
    {
        var document = await ExtractAsync("Some text."u8.ToArray(), given);

        Assert.That(document.FileName, Is.EqualTo(expected));
    }
}
