using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Platform.Documents.Export;

/// <summary>
/// Writes an <see cref="ExportDocument"/> as a Word document with the Open XML SDK: styles (<see cref="DocxStyles"/>),
/// real list numbering, bordered tables and hyperlinks. All text is cleaned by <see cref="ExportText"/> first, since
/// the SDK cannot save characters XML 1.0 refuses.
/// </summary>
internal sealed class DocxWriter
{
    private readonly MainDocumentPart main;
    private readonly Body body = new();
    private readonly List<NumberingInstance> numberedLists = [];
    private int nextNumberingId = DocxStyles.BulletNumberingId + 1;

    private DocxWriter(MainDocumentPart main) => this.main = main;

    [Flags]
    private enum Format
    {
        None = 0,
        Bold = 1,
        Italic = 2,
        Code = 4,
        Link = 8,
    }

    public static byte[] Write(ExportDocument document)
    {
        var title = ExportText.SingleLine(document.Title) is { Length: > 0 } t ? t : ExportText.DefaultTitle;
        using var stream = new MemoryStream();
        using (var package = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            package.PackageProperties.Title = title;
            var main = package.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = DocxStyles.Styles();
            main.AddNewPart<DocumentSettingsPart>().Settings = DocxStyles.Settings();
            var writer = new DocxWriter(main);
            writer.WriteDocument(document, title);
            main.AddNewPart<NumberingDefinitionsPart>().Numbering = DocxStyles.Numbering(writer.numberedLists);
            main.Document = new Document(writer.body);
        }

        return stream.ToArray();
    }

    private void WriteDocument(ExportDocument document, string title)
    {
        body.Append(Paragraph(DocxStyles.Title, Run(title, Format.None)));

        var metadata = document.Metadata ?? [];
        if (metadata.Count > 0)
        {
            AppendTable(
                [ExportText.MetadataKeyHeader, ExportText.MetadataValueHeader],
                [.. metadata.Select(m => (IReadOnlyList<string>)[ExportText.SingleLine(m.Key), ExportText.SingleLine(m.Value)])],
                markdown: false);
        }

        var sections = document.Sections ?? [];
        for (var s = 0; s < sections.Count; s++)
        {
            var section = sections[s];
            var heading = ExportText.SingleLine(section?.Heading);
            body.Append(Paragraph(DocxStyles.Heading1, Run(heading.Length > 0 ? heading : ExportText.SectionFallback(s + 1), Format.None)));
            Blocks(LightMarkdown.Parse(section?.Body), subheading: 2);
            foreach (var table in section?.Tables ?? [])
            {
                if (table is not null)
                {
                    AppendTable(table.Header ?? [], table.Rows ?? [], markdown: true);
                }
            }
        }

        var exchanges = document.Exchanges ?? [];
        if (exchanges.Count > 0)
        {
            body.Append(Paragraph(DocxStyles.Heading1, Run(ExportText.ExchangesHeading, Format.None)));
            for (var e = 0; e < exchanges.Count; e++)
            {
                var exchange = exchanges[e];
                var question = ExportText.SingleLine(exchange?.Question);
                body.Append(Paragraph(DocxStyles.Heading2, Run(question.Length > 0 ? question : ExportText.QuestionFallback(e + 1), Format.None)));
                if (exchange is not null)
                {
                    body.Append(Paragraph(null, Run(ExportText.Asked(exchange.At), Format.Italic)));
                    Blocks(LightMarkdown.Parse(exchange.Answer), subheading: 3);
                }
            }
        }

        // Word joins tables that touch, and wants a paragraph before the section properties.
        if (body.LastChild is Table)
        {
            body.Append(new Paragraph());
        }

        body.Append(new SectionProperties(
            new PageSize { Width = (UInt32Value)(uint)DocxStyles.PageWidth, Height = (UInt32Value)(uint)DocxStyles.PageHeight },
            new PageMargin
            {
                Top = DocxStyles.Margin,
                Right = (UInt32Value)(uint)DocxStyles.Margin,
                Bottom = DocxStyles.Margin,
                Left = (UInt32Value)(uint)DocxStyles.Margin,
                Header = 708U,
                Footer = 708U,
                Gutter = 0U,
            }));
    }

    /// <summary>
    /// Writes parsed blocks. Subheadings of level 1 to 3 get the Heading <paramref name="subheading"/> style, deeper
    /// ones the next (at most Heading 3).
    /// </summary>
    private void Blocks(List<MdBlock> blocks, int subheading)
    {
        foreach (var block in blocks)
        {
            switch (block)
            {
                case MdParagraph p:
                    body.Append(Paragraph(null, p.Inlines));
                    break;
                case MdHeading h:
                    var level = Math.Min(subheading + (h.Level >= 4 ? 1 : 0), 3);
                    body.Append(Paragraph("Heading" + level.ToString(CultureInfo.InvariantCulture), h.Inlines));
                    break;
                case MdList list:
                    AppendList(list);
                    break;
                case MdQuote q:
                    body.Append(Paragraph(DocxStyles.Quote, q.Inlines));
                    break;
                case MdCode code:
                    body.Append(CodeParagraph(code));
                    break;
                case MdRule:
                    body.Append(new Paragraph(new ParagraphProperties
                    {
                        ParagraphBorders = new ParagraphBorders(new BottomBorder { Val = BorderValues.Single, Size = 6U, Space = 1U, Color = "A5A5A5" }),
                    }));
                    break;
                case MdTable t:
                    AppendTable(t.Table.Header, t.Table.Rows, markdown: true);
                    break;
            }
        }
    }

    /// <summary>
    /// List paragraphs numbered by Word: bullets share one definition; each run of numbered items at a level gets
    /// its own instance starting at the run's first number, so it neither continues an earlier list nor skips.
    /// </summary>
    private void AppendList(MdList list)
    {
        var numbered = new List<int?>();
        foreach (var item in list.Items)
        {
            var level = Math.Min(item.Level, numbered.Count);
            var deeper = Math.Min(level + 1, numbered.Count);
            numbered.RemoveRange(deeper, numbered.Count - deeper);
            int id;
            if (item.Ordered)
            {
                if (numbered.Count > level && numbered[level] is { } current)
                {
                    id = current;
                }
                else
                {
                    id = nextNumberingId++;
                    numberedLists.Add(DocxStyles.NumberedList(id, level, item.Number));
                }
            }
            else
            {
                id = DocxStyles.BulletNumberingId;
            }

            if (numbered.Count > level)
            {
                numbered[level] = item.Ordered ? id : null;
            }
            else
            {
                numbered.Add(item.Ordered ? id : null);
            }

            var paragraph = new Paragraph(new ParagraphProperties
            {
                ParagraphStyleId = new ParagraphStyleId { Val = DocxStyles.ListParagraph },
                NumberingProperties = new NumberingProperties(
                    new NumberingLevelReference { Val = level },
                    new NumberingId { Val = id }),
            });
            AppendInlines(paragraph, item.Inlines, Format.None);
            body.Append(paragraph);
        }
    }

    /// <summary>A code block as one paragraph, its lines separated by line breaks.</summary>
    private static Paragraph CodeParagraph(MdCode code)
    {
        var run = new Run();
        for (var i = 0; i < code.Lines.Count; i++)
        {
            if (i > 0)
            {
                run.Append(new Break());
            }

            run.Append(new Text(code.Lines[i]) { Space = SpaceProcessingModeValues.Preserve });
        }

        return new Paragraph(StyleOf(DocxStyles.Code), run);
    }

    /// <summary>
    /// A table as wide as the text, bordered all round and between cells, its first row shaded, bold and repeated
    /// on every page. Rows are padded to the widest; a cell's lines become paragraphs.
    /// </summary>
    private void AppendTable(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, bool markdown)
    {
        var columns = Math.Max(header.Count, rows.Select(r => r?.Count ?? 0).DefaultIfEmpty(0).Max());
        if (columns == 0)
        {
            return;
        }

        if (body.LastChild is Table)
        {
            body.Append(new Paragraph());
        }

        var width = DocxStyles.TextWidth / columns;
        var grid = new TableGrid();
        for (var c = 0; c < columns; c++)
        {
            grid.Append(new GridColumn { Width = width.ToString(CultureInfo.InvariantCulture) });
        }

        var table = new Table(
            new TableProperties
            {
                TableWidth = new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct },
                TableBorders = new TableBorders(
                    Border(new TopBorder()),
                    Border(new LeftBorder()),
                    Border(new BottomBorder()),
                    Border(new RightBorder()),
                    Border(new InsideHorizontalBorder()),
                    Border(new InsideVerticalBorder())),
                TableCellMarginDefault = new TableCellMarginDefault(
                    new TableCellLeftMargin { Width = 85, Type = TableWidthValues.Dxa },
                    new TableCellRightMargin { Width = 85, Type = TableWidthValues.Dxa }),
            },
            grid);

        table.Append(Row(header, columns, width, markdown, isHeader: true));
        foreach (var row in rows)
        {
            table.Append(Row(row ?? [], columns, width, markdown, isHeader: false));
        }

        body.Append(table);
    }

    private static T Border<T>(T border)
        where T : BorderType
    {
        border.Val = BorderValues.Single;
        border.Size = 4U;
        border.Space = 0U;
        border.Color = "808080";
        return border;
    }

    private TableRow Row(IReadOnlyList<string> cells, int columns, int width, bool markdown, bool isHeader)
    {
        var row = new TableRow();
        if (isHeader)
        {
            row.Append(new TableRowProperties(new TableHeader()));
        }

        for (var c = 0; c < columns; c++)
        {
            var cell = new TableCell(new TableCellProperties
            {
                TableCellWidth = new TableCellWidth { Width = width.ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa },
                Shading = isHeader ? new Shading { Val = ShadingPatternValues.Clear, Color = "auto", Fill = "D9E2F3" } : null,
            });
            var format = isHeader ? Format.Bold : Format.None;
            var lines = c < cells.Count ? ExportText.Lines(cells[c]).Select(l => l.Trim()).Where(l => l.Length > 0).ToList() : [];
            foreach (var line in lines)
            {
                var paragraph = new Paragraph(StyleOf(DocxStyles.TableText));
                AppendInlines(paragraph, markdown ? InlineParser.Parse(line) : [new MdText(line)], format);
                cell.Append(paragraph);
            }

            // A cell must end with a paragraph, even an empty one.
            if (lines.Count == 0)
            {
                cell.Append(new Paragraph(StyleOf(DocxStyles.TableText)));
            }

            row.Append(cell);
        }

        return row;
    }

    private Paragraph Paragraph(string? style, List<MdInline> inlines)
    {
        var paragraph = style is null ? new Paragraph() : new Paragraph(StyleOf(style));
        AppendInlines(paragraph, inlines, Format.None);
        return paragraph;
    }

    private static Paragraph Paragraph(string? style, Run run) =>
        style is null ? new Paragraph(run) : new Paragraph(StyleOf(style), run);

    private static ParagraphProperties StyleOf(string style) =>
        new() { ParagraphStyleId = new ParagraphStyleId { Val = style } };

    /// <summary>
    /// Runs for inline content, formats accumulating through nesting. A link becomes a hyperlink to its address
    /// (external relationship); its text is kept when it is nested where a hyperlink may not be.
    /// </summary>
    private void AppendInlines(OpenXmlElement target, List<MdInline> inlines, Format format)
    {
        foreach (var inline in inlines)
        {
            switch (inline)
            {
                case MdText t:
                    target.Append(Run(t.Text, format));
                    break;
                case MdCodeSpan code:
                    target.Append(Run(code.Code, format | Format.Code));
                    break;
                case MdStrong strong:
                    AppendInlines(target, strong.Children, format | Format.Bold);
                    break;
                case MdEmphasis emphasis:
                    AppendInlines(target, emphasis.Children, format | Format.Italic);
                    break;
                case MdLink link when target is Paragraph:
                    var relationship = main.AddHyperlinkRelationship(link.Url, isExternal: true);
                    var hyperlink = new Hyperlink { Id = relationship.Id, History = true };
                    AppendInlines(hyperlink, link.Children, format | Format.Link);
                    target.Append(hyperlink);
                    break;
                case MdLink link:
                    AppendInlines(target, link.Children, format);
                    break;
            }
        }
    }

    private static Run Run(string text, Format format)
    {
        var run = new Run();
        if (format != Format.None)
        {
            run.RunProperties = new RunProperties
            {
                RunStyle = format.HasFlag(Format.Link) ? new RunStyle { Val = DocxStyles.Hyperlink } : null,
                RunFonts = format.HasFlag(Format.Code) ? new RunFonts { Ascii = "Consolas", HighAnsi = "Consolas", ComplexScript = "Consolas" } : null,
                Bold = format.HasFlag(Format.Bold) ? new Bold() : null,
                Italic = format.HasFlag(Format.Italic) ? new Italic() : null,
            };
        }

        run.Append(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
        return run;
    }
}
