using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Documents;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using PdfPageSize = UglyToad.PdfPig.Content.PageSize;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Platform.UnitTests.Documents;

/// <summary>Documents built in memory, so every test knows exactly what text sits on which page.</summary>
internal static class DocumentFixtures
{
    public const double FontSize = 11;
    public const double LineHeight = 14;
    public const double ParagraphGap = 30;

    public static DocumentExtractor Extractor(int maxBytes = 20 * 1024 * 1024) =>
        new(Options.Create(new DocumentOptions { MaxBytes = maxBytes }), NullLogger<DocumentExtractor>.Instance);

    public static Task<ExtractedDocument> ExtractAsync(byte[] bytes, string fileName, int maxBytes = 20 * 1024 * 1024) =>
        Extractor(maxBytes).ExtractAsync(new MemoryStream(bytes), fileName, CancellationToken.None);

    /// <summary>
    /// A PDF with one entry per page; each page a list of paragraphs, each paragraph's lines separated by '\n'.
    /// Lines sit <see cref="LineHeight"/> apart, paragraphs a wider <see cref="ParagraphGap"/>.
    /// </summary>
    public static byte[] Pdf(params string[][] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var paragraphs in pages)
        {
            var page = builder.AddPage(PdfPageSize.A4);
            var y = 780d;
            foreach (var paragraph in paragraphs)
            {
                foreach (var line in paragraph.Split('\n'))
                {
                    page.AddText(line, FontSize, new PdfPoint(60, y), font);
                    y -= LineHeight;
                }

                y -= ParagraphGap - LineHeight;
            }
        }

        return builder.Build();
    }

    /// <summary>One page with each line placed exactly: text, font size and the left end of its baseline.</summary>
    public static byte[] PdfLines(params (string Text, double Size, double X, double Y)[] lines)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PdfPageSize.A4);
        foreach (var (text, size, x, y) in lines)
        {
            page.AddText(text, size, new PdfPoint(x, y), font);
        }

        return builder.Build();
    }

    /// <summary>A page with two columns side by side, each one paragraph of several lines.</summary>
    public static byte[] TwoColumnPdf(string[] leftLines, string[] rightLines)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PdfPageSize.A4);
        for (var i = 0; i < leftLines.Length; i++)
        {
            page.AddText(leftLines[i], FontSize, new PdfPoint(50, 780 - (i * LineHeight)), font);
        }

        for (var i = 0; i < rightLines.Length; i++)
        {
            page.AddText(rightLines[i], FontSize, new PdfPoint(320, 780 - (i * LineHeight)), font);
        }

        return builder.Build();
    }

    /// <summary>What a scanner produces: pages that are pictures, with no text layer.</summary>
    public static byte[] ImageOnlyPdf(int pages = 2)
    {
        var builder = new PdfDocumentBuilder();
        var png = Png(width: 40, height: 20);
        for (var i = 0; i < pages; i++)
        {
            var page = builder.AddPage(PdfPageSize.A4);
            page.AddPng(png, new PdfRectangle(50, 400, 545, 780));
            page.DrawRectangle(new PdfPoint(50, 100), 200, 100);
        }

        return builder.Build();
    }

    /// <summary>
    /// A PDF encrypted with the standard security handler under a user password: no password PdfPig can try (the
    /// empty one) matches the /U or /O entries.
    /// </summary>
    public static byte[] PasswordProtectedPdf()
    {
        var filler = new string('A', 64);
        return RawPdf(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                "<< /Length 8 >>\nstream\n\x01\x02\x03\x04\x05\x06\x07\x08\nendstream",
                $"<< /Filter /Standard /V 1 /R 2 /O <{filler}> /U <{new string('B', 64)}> /P -3904 >>",
            ],
            "/Encrypt 5 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]");
    }

    /// <summary>A hand-written PDF whose cross-reference table points at the right offsets.</summary>
    public static byte[] RawPdf(string[] objects, string trailerExtra = "")
    {
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(pdf.ToString()));
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.Latin1.GetByteCount(pdf.ToString());
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n \n");
        }

        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R {trailerExtra} >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }

    /// <summary>A Word document: the heading, the paragraphs, then a table, then a closing paragraph.</summary>
    public static byte[] Docx(string heading, string[] paragraphs, string[][] tableRows, string closing)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var body = new W.Body();
            body.Append(StyledParagraph(heading, "Heading1"));
            body.Append(new W.Paragraph());
            foreach (var text in paragraphs)
            {
                body.Append(StyledParagraph(text, null));
            }

            var table = new W.Table();
            foreach (var cells in tableRows)
            {
                var row = new W.TableRow();
                foreach (var cell in cells)
                {
                    row.Append(new W.TableCell(StyledParagraph(cell, null)));
                }

                table.Append(row);
            }

            body.Append(table);
            body.Append(StyledParagraph(closing, "Heading2"));
            body.Append(new W.SectionProperties());
            document.AddMainDocumentPart().Document = new W.Document(body);
        }

        return stream.ToArray();
    }

    /// <summary>A paragraph whose text comes in several runs, with a tab and deleted (tracked) text in between.</summary>
    public static byte[] DocxWithRunsAndTrackedChanges()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var paragraph = new W.Paragraph(
                new W.Run(new W.Text("Total")),
                new W.Run(new W.TabChar(), new W.Text("budget ")),
                new W.DeletedRun(new W.Run(new W.DeletedText("removed words "))),
                new W.Run(new W.Text("approved") { Space = SpaceProcessingModeValues.Preserve }));
            document.AddMainDocumentPart().Document = new W.Document(new W.Body(paragraph));
        }

        return stream.ToArray();
    }

    /// <summary>A real spreadsheet (a ZIP package without word/document.xml).</summary>
    public static byte[] Xlsx()
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new S.Workbook();
            var sheet = workbook.AddNewPart<WorksheetPart>();
            sheet.Worksheet = new S.Worksheet(new S.SheetData(new S.Row(new S.Cell { CellValue = new S.CellValue("Budget"), DataType = S.CellValues.String })));
            workbook.Workbook.AppendChild(new S.Sheets(new S.Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "Sheet1" }));
        }

        return stream.ToArray();
    }

    /// <summary>A ZIP holding the given entries, stored as given.</summary>
    public static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        return stream.ToArray();
    }

    /// <summary>A valid RGB PNG of one grey colour.</summary>
    public static byte[] Png(int width, int height)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (var x = 0; x < width * 3; x++)
            {
                raw.WriteByte(0x80);
            }
        }

        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw.ToArray());
        }

        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static W.Paragraph StyledParagraph(string text, string? style)
    {
        var paragraph = new W.Paragraph();
        if (style is not null)
        {
            paragraph.Append(new W.ParagraphProperties(new W.ParagraphStyleId { Val = style }));
        }

        paragraph.Append(new W.Run(new W.Text(text)));
        return paragraph;
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}

/// <summary>A stream that never ends and counts what was read from it.</summary>
internal sealed class EndlessStream(byte fill = (byte)'a') : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        Array.Fill(buffer, fill, offset, count);
        BytesRead += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A seekable stream that says it is huge and counts what was read from it.</summary>
internal sealed class HugeSeekableStream(long length) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get; set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - Position);
        Array.Fill(buffer, (byte)'a', offset, n);
        Position += n;
        BytesRead += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
