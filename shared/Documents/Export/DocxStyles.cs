using System.Globalization;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Platform.Documents.Export;

/// <summary>The styles, list numbering and settings parts of an exported Word document.</summary>
internal static class DocxStyles
{
    public const string Title = "Title";
    public const string Heading1 = "Heading1";
    public const string Heading2 = "Heading2";
    public const string Heading3 = "Heading3";
    public const string ListParagraph = "ListParagraph";
    public const string Quote = "Quote";
    public const string Code = "Code";
    public const string Hyperlink = "Hyperlink";
    public const string TableText = "TableText";

    public const int BulletNumberingId = 1;
    public const int DecimalAbstractNumberingId = 1;
    private const int BulletAbstractNumberingId = 0;

    /// <summary>A4 with 2.54 cm margins: the width text and tables have, in twentieths of a point.</summary>
    public const int PageWidth = 11906;
    public const int PageHeight = 16838;
    public const int Margin = 1440;
    public const int TextWidth = PageWidth - (2 * Margin);

    private const string Font = "Calibri";
    private const string CodeFont = "Consolas";
    private const string HeadingColor = "1F3864";

    public static Styles Styles() => new(
        new DocDefaults(
            new RunPropertiesDefault(new RunPropertiesBaseStyle
            {
                RunFonts = new RunFonts { Ascii = Font, HighAnsi = Font, EastAsia = Font, ComplexScript = Font },
                FontSize = new FontSize { Val = "22" },
                FontSizeComplexScript = new FontSizeComplexScript { Val = "22" },
                Languages = new Languages { Val = "en-GB" },
            }),
            new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle
            {
                SpacingBetweenLines = new SpacingBetweenLines { After = "120", Line = "264", LineRule = LineSpacingRuleValues.Auto },
            })),
        ParagraphStyle("Normal", "Normal", basedOn: null, isDefault: true),
        ParagraphStyle(Title, "Title", paragraph: new StyleParagraphProperties
        {
            SpacingBetweenLines = new SpacingBetweenLines { After = "240" },
        }, run: new StyleRunProperties
        {
            Color = new Color { Val = HeadingColor },
            Kern = new Kern { Val = 28U },
            FontSize = new FontSize { Val = "52" },
            FontSizeComplexScript = new FontSizeComplexScript { Val = "52" },
        }),
        HeadingStyle(Heading1, "heading 1", outline: 0, before: 360, after: 120, size: 32),
        HeadingStyle(Heading2, "heading 2", outline: 1, before: 240, after: 80, size: 26),
        HeadingStyle(Heading3, "heading 3", outline: 2, before: 200, after: 60, size: 23),
        ParagraphStyle(ListParagraph, "List Paragraph", paragraph: new StyleParagraphProperties
        {
            SpacingBetweenLines = new SpacingBetweenLines { After = "60" },
            Indentation = new Indentation { Left = "720" },
        }),
        ParagraphStyle(Quote, "Quote", paragraph: new StyleParagraphProperties
        {
            ParagraphBorders = new ParagraphBorders(new LeftBorder { Val = BorderValues.Single, Size = 18U, Space = 8U, Color = "A5A5A5" }),
            Indentation = new Indentation { Left = "567", Right = "567" },
        }, run: new StyleRunProperties
        {
            Italic = new Italic(),
            Color = new Color { Val = "404040" },
        }),
        ParagraphStyle(Code, "Code", paragraph: new StyleParagraphProperties
        {
            Shading = new Shading { Val = ShadingPatternValues.Clear, Color = "auto", Fill = "F2F2F2" },
            SpacingBetweenLines = new SpacingBetweenLines { Line = "240", LineRule = LineSpacingRuleValues.Auto },
        }, run: new StyleRunProperties
        {
            RunFonts = new RunFonts { Ascii = CodeFont, HighAnsi = CodeFont, ComplexScript = CodeFont },
            FontSize = new FontSize { Val = "19" },
        }),
        ParagraphStyle(TableText, "Table Text", paragraph: new StyleParagraphProperties
        {
            SpacingBetweenLines = new SpacingBetweenLines { Before = "40", After = "40", Line = "240", LineRule = LineSpacingRuleValues.Auto },
        }),
        new Style(
            new StyleName { Val = "Hyperlink" },
            new UnhideWhenUsed(),
            new StyleRunProperties { Color = new Color { Val = "0563C1" }, Underline = new Underline { Val = UnderlineValues.Single } })
        {
            Type = StyleValues.Character,
            StyleId = Hyperlink,
        });

    /// <summary>
    /// One bullet list definition and one numbered (1., a., i. ...) that each numbered list instantiates with its
    /// own start, so every list counts from its first number.
    /// </summary>
    public static Numbering Numbering(IEnumerable<NumberingInstance> numberedLists)
    {
        var numbering = new Numbering(
            AbstractList(BulletAbstractNumberingId, ordered: false),
            AbstractList(DecimalAbstractNumberingId, ordered: true),
            new NumberingInstance(new AbstractNumId { Val = BulletAbstractNumberingId }) { NumberID = BulletNumberingId });
        numbering.Append(numberedLists);
        return numbering;
    }

    /// <summary>A numbered list starting at <paramref name="start"/> on <paramref name="level"/>.</summary>
    public static NumberingInstance NumberedList(int id, int level, int start) =>
        new(
            new AbstractNumId { Val = DecimalAbstractNumberingId },
            new LevelOverride(new StartOverrideNumberingValue { Val = start }) { LevelIndex = level })
        {
            NumberID = id,
        };

    /// <summary>Word 2013 and later layout, so the document does not open in compatibility mode.</summary>
    public static Settings Settings() => new(
        new Compatibility(new CompatibilitySetting
        {
            Name = CompatSettingNameValues.CompatibilityMode,
            Uri = "http://schemas.microsoft.com/office/word",
            Val = "15",
        }));

    private static Style ParagraphStyle(
        string id, string name, StyleParagraphProperties? paragraph = null, StyleRunProperties? run = null, string? basedOn = "Normal", bool isDefault = false)
    {
        var style = new Style
        {
            Type = StyleValues.Paragraph,
            StyleId = id,
            StyleName = new StyleName { Val = name },
            PrimaryStyle = new PrimaryStyle(),
        };
        if (isDefault)
        {
            style.Default = true;
        }

        if (basedOn is not null)
        {
            style.BasedOn = new BasedOn { Val = basedOn };
            style.NextParagraphStyle = new NextParagraphStyle { Val = "Normal" };
        }

        if (paragraph is not null)
        {
            style.StyleParagraphProperties = paragraph;
        }

        if (run is not null)
        {
            style.StyleRunProperties = run;
        }

        return style;
    }

    private static Style HeadingStyle(string id, string name, int outline, int before, int after, int size) =>
        ParagraphStyle(id, name, paragraph: new StyleParagraphProperties
        {
            KeepNext = new KeepNext(),
            KeepLines = new KeepLines(),
            SpacingBetweenLines = new SpacingBetweenLines
            {
                Before = before.ToString(CultureInfo.InvariantCulture),
                After = after.ToString(CultureInfo.InvariantCulture),
            },
            OutlineLevel = new OutlineLevel { Val = outline },
        }, run: new StyleRunProperties
        {
            Bold = new Bold(),
            BoldComplexScript = new BoldComplexScript(),
            Color = new Color { Val = HeadingColor },
            FontSize = new FontSize { Val = size.ToString(CultureInfo.InvariantCulture) },
            FontSizeComplexScript = new FontSizeComplexScript { Val = size.ToString(CultureInfo.InvariantCulture) },
        });

    private static AbstractNum AbstractList(int id, bool ordered)
    {
        string[] bullets = ["\u2022", "\u25E6", "\u25AA"];
        NumberFormatValues[] formats = [NumberFormatValues.Decimal, NumberFormatValues.LowerLetter, NumberFormatValues.LowerRoman];
        var list = new AbstractNum(new MultiLevelType { Val = MultiLevelValues.HybridMultilevel }) { AbstractNumberId = id };
        for (var level = 0; level < LightMarkdown.MaxListDepth; level++)
        {
            var indent = (720 * (level + 1)).ToString(CultureInfo.InvariantCulture);
            list.Append(new Level(
                new StartNumberingValue { Val = 1 },
                new NumberingFormat { Val = ordered ? formats[level % 3] : NumberFormatValues.Bullet },
                new LevelText { Val = ordered ? $"%{level + 1}." : bullets[level % 3] },
                new LevelJustification { Val = LevelJustificationValues.Left },
                new PreviousParagraphProperties(new Indentation { Left = indent, Hanging = "360" }))
            {
                LevelIndex = level,
            });
        }

        return list;
    }
}
