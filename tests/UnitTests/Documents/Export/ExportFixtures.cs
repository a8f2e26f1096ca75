using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using Platform.Documents.Export;

namespace Platform.UnitTests.Documents.Export;

/// <summary>Documents to export, and ways to look inside what the exporter produced.</summary>
internal static class ExportFixtures
{
    public static readonly DateTimeOffset AskedAt = new(2025, 3, 1, 15, 5, 0, TimeSpan.FromHours(1));

    public static readonly DocumentExporter Exporter = new();

    /// <summary>
    /// A small session: metadata (one value with a pipe and a line break), a section with every kind of body
    /// formatting, a section with a table, and one follow-up question.
    /// </summary>
    public static ExportDocument Session() => new(
        "Analysis: proposal.pdf",
        [new("Session", "5b1c"), new("User", "user_42"), new("Notes", "split | here\nnext line")],
        [
            new ExportSection(
                "Summary",
                """
                The proposal asks for **1,200 EUR** over _two_ years.
                It is well argued.

                ## Strengths

                - Clear goals
                - Budget in `EUR`
                  - Travel included

                1. Submit
                1. Review

                > Reviewers liked it.
                """),
            new ExportSection(
                "Alignment",
                "Three requirements:",
                [new ExportTable(["Requirement", "Status"], [["R1 budget | cap", "**covered**"], ["R2 report\nquarterly", "partial"], ["R3"]])]),
        ],
        [new ExportExchange("What is\nthe budget?", "It is **1,200 EUR**.", AskedAt)]);

    public static string Markdown(ExportDocument document) => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Exporter.ToMarkdown(document));

    /// <summary>Opens an exported Word document read-only; dispose it.</summary>
    public static WordprocessingDocument OpenDocx(byte[] bytes) => WordprocessingDocument.Open(new MemoryStream(bytes), isEditable: false);

    public static Body BodyOf(WordprocessingDocument docx) => docx.MainDocumentPart!.Document!.Body!;

    /// <summary>The schema errors the Open XML SDK finds (none for a valid document).</summary>
    public static List<string> ValidationErrors(WordprocessingDocument docx) =>
        [.. new OpenXmlValidator(FileFormatVersions.Office2019).Validate(docx).Select(e => $"{e.Path?.XPath}: {e.Description}")];

    public static string? StyleOf(Paragraph paragraph) => paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;

    public static string TextOf(OpenXmlElement element) => string.Concat(element.Descendants<Text>().Select(t => t.Text));

    /// <summary>The texts of the body's own paragraphs (not those in tables) with the given style.</summary>
    public static List<string> Styled(Body body, string style) =>
        [.. body.Elements<Paragraph>().Where(p => StyleOf(p) == style).Select(TextOf)];

    /// <summary>Each row's cells, a cell's paragraphs joined with a line feed.</summary>
    public static List<List<string>> Cells(Table table) =>
        [.. table.Elements<TableRow>().Select(r => r.Elements<TableCell>()
            .Select(c => string.Join("\n", c.Elements<Paragraph>().Select(TextOf))).ToList())];

    public static bool IsBold(Run run) => run.RunProperties?.Bold is { } bold && (bold.Val is null || bold.Val.Value);

    public static bool IsItalic(Run run) => run.RunProperties?.Italic is { } italic && (italic.Val is null || italic.Val.Value);
}
