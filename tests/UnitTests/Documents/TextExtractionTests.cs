using System.Text;
using Platform.Documents;
using static Platform.UnitTests.Documents.DocumentFixtures;

namespace Platform.UnitTests.Documents;

public sealed class TextExtractionTests
{
    [Test]
    public async Task Text_SplitsOnBlankLines_AndNormalisesLineEndings()
    {
        var bytes = Encoding.UTF8.GetBytes("First line\r\nstill the first paragraph.  \r\n\r\n\r\nSecond paragraph.\r   \rThird\tone.\n");

        var document = await ExtractAsync(bytes, "notes.txt");

        Assert.That(document.Kind, Is.EqualTo(DocumentKind.Text));
        Assert.That(document.PageCount, Is.Null);
        Assert.That(document.Passages, Is.EqualTo(new[]
        {
            new DocumentPassage("First line\nstill the first paragraph.", null, 1),
            new DocumentPassage("Second paragraph.", null, 2),
            new DocumentPassage("Third one.", null, 3),
        }));
        Assert.That(document.Text, Is.EqualTo("First line\nstill the first paragraph.\n\nSecond paragraph.\n\nThird one."));
    }

    [TestCase("README.md")]
    [TestCase("notes.MARKDOWN")]
    public async Task Markdown_IsRecognisedByName_AndFencedCodeStaysOnePassage(string name)
    {
        var markdown = "# Title\n\nIntro text.\n\n```\nline one\n\nline three\n```\n\n- item\n  - nested";

        var document = await ExtractAsync(Encoding.UTF8.GetBytes(markdown), name);

        Assert.That(document.Kind, Is.EqualTo(DocumentKind.Markdown));
        Assert.That(document.Passages.Select(p => p.Text), Is.EqualTo(new[]
        {
            "# Title",
            "Intro text.",
            "```\nline one\n\nline three\n```",
            "- item\n  - nested",
        }));
    }

    [Test]
    public async Task Text_Utf8WithByteOrderMark_DropsTheMark()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("Grüße aus Zürich")).ToArray();

        var document = await ExtractAsync(bytes, "gruss.txt");

        Assert.That(document.Text, Is.EqualTo("Grüße aus Zürich"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Text_Utf16WithByteOrderMark_IsDecoded(bool bigEndian)
    {
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes("Grüße aus Zürich\r\n\r\nΔεύτερη παράγραφος")).ToArray();

        var document = await ExtractAsync(bytes, "utf16.txt");

        Assert.That(document.Kind, Is.EqualTo(DocumentKind.Text));
        Assert.That(document.Passages.Select(p => p.Text), Is.EqualTo(new[] { "Grüße aus Zürich", "Δεύτερη παράγραφος" }));
        Assert.That(document.SizeBytes, Is.EqualTo(bytes.Length));
    }

    [Test]
    public async Task Sha256_IsLowercaseHexOfTheRawBytes()
    {
        var document = await ExtractAsync("abc"u8.ToArray(), "abc.txt");

        Assert.That(document.Sha256, Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        Assert.That(document.SizeBytes, Is.EqualTo(3));
    }

    [Test]
    public void Empty_Is422NoText()
    {
        var ex = Assert.ThrowsAsync<UnreadableDocumentException>(() => ExtractAsync([], "empty.txt"));

        Assert.That(ex!.StatusCode, Is.EqualTo(422));
        Assert.That(ex.Message, Is.EqualTo("The document contains no text."));
    }

    [Test]
    public void WhitespaceOnly_Is422NoText()
    {
        var ex = Assert.ThrowsAsync<UnreadableDocumentException>(() => ExtractAsync(" \r\n\t\n  "u8.ToArray(), "blank.md"));

        Assert.That(ex!.StatusCode, Is.EqualTo(422));
        Assert.That(ex.Message, Is.EqualTo("The document contains no text."));
    }

    [Test]
    public void ExtractText_PastedText_IsATextDocumentNamedForPasting()
    {
        var document = Extractor().ExtractText("Pasted proposal.\n\nSecond part with ünïcödé.", null);

        Assert.That(document.Kind, Is.EqualTo(DocumentKind.Text));
        Assert.That(document.FileName, Is.EqualTo("pasted-text.txt"));
        Assert.That(document.Passages, Is.EqualTo(new[]
        {
            new DocumentPassage("Pasted proposal.", null, 1),
            new DocumentPassage("Second part with ünïcödé.", null, 2),
        }));
        Assert.That(document.SizeBytes, Is.EqualTo(Encoding.UTF8.GetByteCount("Pasted proposal.\n\nSecond part with ünïcödé.")));
        Assert.That(document.Sha256, Has.Length.EqualTo(64).And.Match("^[0-9a-f]+$"));
    }

    [Test]
    public void ExtractText_KeepsTheGivenName_AndStripsNulCharacters()
    {
        var document = Extractor().ExtractText("Terms\0 of reference", "tor");

        Assert.That(document.FileName, Is.EqualTo("tor"));
        Assert.That(document.Text, Is.EqualTo("Terms of reference"));
    }

    [Test]
    public void ExtractText_WhitespaceOnly_Is422()
    {
        var ex = Assert.Throws<UnreadableDocumentException>(() => Extractor().ExtractText("  \n\n ", "x"));

        Assert.That(ex!.StatusCode, Is.EqualTo(422));
    }

    [Test]
    public void ExtractText_OverTheLimit_Is413()
    {
        var ex = Assert.Throws<DocumentTooLargeException>(() => Extractor(maxBytes: 1024).ExtractText(new string('x', 1025), null));

        Assert.That(ex!.StatusCode, Is.EqualTo(413));
    }
}
