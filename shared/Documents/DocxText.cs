using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Platform.Documents;

/// <summary>Extracts the paragraphs of a Word document's main body with the Open XML SDK.</summary>
internal static class DocxText
{
    public const string MainPartName = "word/document.xml";

    public const string DamagedMessage =
        "The Word document could not be read: the file is damaged or incomplete. Save it again in Word and upload the new file.";

    private const string WordMainContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
    private const long MaxContentTypesBytes = 1024 * 1024;

    // A part's XML is loaded whole; this bounds what a small, highly compressed upload can make the SDK inflate.
    private const long MaxCharactersInPart = 64L * 1024 * 1024;

    /// <summary>What a ZIP package holds, as far as extraction cares.</summary>
    public enum ZipContent
    {
        WordDocument,
        OtherPackage,
        DamagedWordDocument,
        Damaged,
    }

    /// <summary>Whether a ZIP package is a Word document, judged by its entries.</summary>
    public static ZipContent Inspect(ArraySegment<byte> bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false), ZipArchiveMode.Read);
            return zip.Entries.Any(e => string.Equals(e.FullName, MainPartName, StringComparison.OrdinalIgnoreCase))
                || DeclaresWordMainPart(zip)
                ? ZipContent.WordDocument
                : ZipContent.OtherPackage;
        }
        catch (InvalidDataException)
        {
            // No readable directory (a truncated upload, say): a Word document still shows its part names in the
            // local headers near the start.
            return bytes.AsSpan().IndexOf("word/document.xml"u8) >= 0 ? ZipContent.DamagedWordDocument : ZipContent.Damaged;
        }
    }

    /// <summary>
    /// Some producers (Word for the web among them) name the main part <c>word/document2.xml</c>; the package's
    /// content types still declare it.
    /// </summary>
    private static bool DeclaresWordMainPart(ZipArchive zip)
    {
        var types = zip.GetEntry("[Content_Types].xml");
        if (types is null || types.Length > MaxContentTypesBytes)
        {
            return false;
        }

        using var reader = new StreamReader(types.Open());
        return reader.ReadToEnd().Contains(WordMainContentType, StringComparison.OrdinalIgnoreCase);
    }

    public static List<DocumentPassage> Read(ArraySegment<byte> bytes, CancellationToken ct)
    {
        try
        {
            using var stream = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
            using var document = WordprocessingDocument.Open(stream, isEditable: false, new OpenSettings { MaxCharactersInPart = MaxCharactersInPart });
            var body = document.MainDocumentPart?.Document?.Body
                ?? throw new UnreadableDocumentException(DamagedMessage);

            var paragraphs = new List<string>();
            CollectBlocks(body, paragraphs, ct);
            return [.. paragraphs.Select((text, i) => new DocumentPassage(text, null, i + 1))];
        }
        catch (Exception ex) when (ex is not (UnreadableDocumentException or OperationCanceledException or OutOfMemoryException))
        {
            // The SDK reports damage as package, XML, ZIP or I/O exceptions.
            throw new UnreadableDocumentException(DamagedMessage, ex);
        }
    }

    /// <summary>
    /// Walks block-level content in document order: each paragraph (headings included) is a passage, each table
    /// row one passage of its cells joined by " | " so a value stays next to its label.
    /// </summary>
    private static void CollectBlocks(OpenXmlElement container, List<string> output, CancellationToken ct)
    {
        foreach (var element in container.ChildElements)
        {
            switch (element)
            {
                case Paragraph paragraph:
                    Add(output, ParagraphText(paragraph));
                    foreach (var textBox in TextBoxes(paragraph))
                    {
                        CollectBlocks(textBox, output, ct);
                    }

                    break;
                case Table table:
                    ct.ThrowIfCancellationRequested();
                    foreach (var row in table.Descendants<TableRow>().Where(r => r.Ancestors<Table>().First() == table))
                    {
                        var cells = row.Descendants<TableCell>()
                            .Where(c => c.Ancestors<TableRow>().First() == row)
                            .Select(CellText)
                            .Where(t => t.Length > 0);
                        Add(output, string.Join(" | ", cells));
                    }

                    break;
                case SectionProperties:
                    break;
                default:
                    // Content controls, custom XML and the like wrap ordinary paragraphs and tables.
                    CollectBlocks(element, output, ct);
                    break;
            }
        }
    }

    private static string CellText(TableCell cell)
    {
        var parts = new List<string>();
        CollectBlocks(cell, parts, CancellationToken.None);
        return string.Join(" ", parts);
    }

    private static void Add(List<string> output, string text)
    {
        text = PlainText.CollapseWhitespace(text);
        if (text.Length > 0)
        {
            output.Add(text);
        }
    }

    private static string ParagraphText(Paragraph paragraph)
    {
        var sb = new StringBuilder();
        AppendRunText(paragraph, sb);
        return sb.ToString();
    }

    private static void AppendRunText(OpenXmlElement element, StringBuilder sb)
    {
        foreach (var child in element.ChildElements)
        {
            switch (child)
            {
                case Text text:
                    sb.Append(text.Text);
                    break;
                case TabChar or Break or CarriageReturn:
                    sb.Append(' ');
                    break;
                case NoBreakHyphen:
                    sb.Append('-');
                    break;
                // Text boxes become passages of their own; the fallback is a second copy of the same drawing.
                case TextBoxContent or AlternateContentFallback:
                    break;
                default:
                    AppendRunText(child, sb);
                    break;
            }
        }
    }

    private static IEnumerable<TextBoxContent> TextBoxes(Paragraph paragraph) =>
        paragraph.Descendants<TextBoxContent>()
            .Where(box => !box.Ancestors<AlternateContentFallback>().Any()
                && box.Ancestors<Paragraph>().First() == paragraph);
}
