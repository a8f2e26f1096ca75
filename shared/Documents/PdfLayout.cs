using System.Text;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;

namespace Platform.Documents;

/// <summary>
/// Groups a page's words into paragraphs in reading order. Words come from PdfPig's default extractor; lines are
/// words on one baseline, cut where a gap is wide enough to be a column gutter; a line continues the paragraph of
/// the nearest line above it that it overlaps, unless the gap between them is paragraph-sized (judged against the
/// page's own line spacing), the font size changes (a heading), the line starts a list item, or the line above
/// ends a sentence well short of the paragraph's right edge. PdfPig's unsupervised reading-order detector then
/// orders the paragraphs, columns included.
/// </summary>
/// <remarks>
/// Cheaper than PdfPig's Docstrum segmenter (a few milliseconds a page rather than tens) and, unlike it, splits
/// paragraphs that are all single lines with equal gaps between them.
/// </remarks>
internal static class PdfLayout
{
    /// <summary>A gap between words wider than this many ems on one baseline separates columns or table cells.</summary>
    private const double ColumnGapEms = 1.0;

    /// <summary>Words whose baselines differ by less than this many ems share a line.</summary>
    private const double SameLineEms = 0.35;

    /// <summary>A line pitch above this many ems starts a paragraph when the page's line spacing is unknown.</summary>
    private const double ParagraphPitchEms = 1.5;

    /// <summary>A pitch this much larger than the page's usual line spacing starts a paragraph.</summary>
    private const double ParagraphPitchFactor = 1.25;

    /// <summary>A paragraph's last line is at least this share of the paragraph's width short of its right edge.</summary>
    private const double ShortLastLine = 0.3;

    // Glyphs only ever used as bullets; dashes and asterisks count only as a word of their own ("- item").
    private const string BulletGlyphs = "•◦▪▫■□●○‣⁃";

    public static IEnumerable<string> Paragraphs(Page page)
    {
        var words = page.GetWords().Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
        if (words.Count == 0)
        {
            return [];
        }

        var paragraphs = new List<string>();
        foreach (var group in words.GroupBy(w => w.TextOrientation).OrderBy(g => g.Key != TextOrientation.Horizontal))
        {
            if (group.Key == TextOrientation.Other)
            {
                // Text at odd angles (stamps, diagonal watermarks): kept, in drawing order, as one paragraph.
                paragraphs.Add(string.Join(' ', group.Select(w => w.Text)));
                continue;
            }

            var blocks = Blocks(Lines(group, group.Key), group.Key);
            var ordered = group.Key == TextOrientation.Horizontal && blocks.Count > 1
                ? UnsupervisedReadingOrderDetector.Instance.Get(blocks)
                : blocks;
            paragraphs.AddRange(ordered.Select(BlockText));
        }

        return paragraphs.Where(p => p.Length > 0);
    }

    /// <summary>
    /// Splits the words into line pieces, top to bottom. Coordinates are turned so that the text reads left to right
    /// (u) and earlier lines are higher (v), whatever the orientation.
    /// </summary>
    private static List<Line> Lines(IEnumerable<Word> words, TextOrientation orientation)
    {
        var placed = words
            .Select(w => new Placed(w, orientation))
            .OrderByDescending(p => p.V)
            .ThenBy(p => p.Start)
            .ToList();

        var lines = new List<Line>();
        var row = new List<Placed>();
        foreach (var word in placed)
        {
            if (row.Count > 0 && row[0].V - word.V > SameLineEms * Math.Max(row[0].Size, word.Size))
            {
                CutIntoLines(row, lines);
                row.Clear();
            }

            row.Add(word);
        }

        CutIntoLines(row, lines);
        return lines;
    }

    private static void CutIntoLines(List<Placed> row, List<Line> lines)
    {
        row.Sort((a, b) => a.Start.CompareTo(b.Start));
        var start = 0;
        for (var i = 1; i <= row.Count; i++)
        {
            if (i == row.Count || row[i].Start - row[i - 1].End > ColumnGapEms * Math.Max(row[i].Size, row[i - 1].Size))
            {
                lines.Add(new Line(row.GetRange(start, i - start)));
                start = i;
            }
        }
    }

    private static List<TextBlock> Blocks(List<Line> lines, TextOrientation orientation)
    {
        // The nearest line above each line that it overlaps, and from those pairs the page's usual line spacing.
        var above = new Line?[lines.Count];
        var pitches = new List<double>();
        for (var i = 0; i < lines.Count; i++)
        {
            for (var j = i - 1; j >= 0; j--)
            {
                var pitch = lines[j].V - lines[i].V;
                if (pitch > 4 * lines[i].Size)
                {
                    break;
                }

                if (pitch > SameLineEms * lines[i].Size && lines[j].Overlaps(lines[i]))
                {
                    above[i] = lines[j];
                    var ems = pitch / Math.Max(lines[i].Size, lines[j].Size);
                    if (ems is > 0.8 and <= 2.5)
                    {
                        pitches.Add(ems);
                    }

                    break;
                }
            }
        }

        var lineSpacing = Median(pitches);
        var paragraphPitch = lineSpacing is { } usual
            ? Math.Max(ParagraphPitchEms, ParagraphPitchFactor * usual)
            : ParagraphPitchEms;

        var blocks = new List<List<Line>>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (above[i] is { Next: null, Block: { } block } previous && Continues(previous, line, block, paragraphPitch))
            {
                previous.Next = line;
                line.Block = block;
                block.Add(line);
            }
            else
            {
                line.Block = [line];
                blocks.Add(line.Block);
            }
        }

        if (orientation != TextOrientation.Horizontal)
        {
            blocks = [.. blocks.OrderByDescending(b => b[0].V).ThenBy(b => b[0].Start)];
        }

        return [.. blocks.Select(b => new TextBlock([.. b.Select(l => new TextLine(l.Words, " "))], "\n"))];
    }

    private static bool Continues(Line previous, Line line, List<Line> block, double paragraphPitch)
    {
        var size = Math.Max(previous.Size, line.Size);
        if (Math.Abs(previous.Size - line.Size) > 0.15 * size)
        {
            return false;
        }

        if ((previous.V - line.V) / size > paragraphPitch)
        {
            return false;
        }

        if (StartsListItem(line.Words[0].Text))
        {
            return false;
        }

        var left = block.Min(l => l.Start);
        var right = block.Max(l => l.End);
        return !(EndsSentence(previous.Words[^1].Text) && right - previous.End > ShortLastLine * (right - left));
    }

    private static bool StartsListItem(string firstWord)
    {
        if (BulletGlyphs.Contains(firstWord[0]) || firstWord is "-" or "–" or "—" or "*")
        {
            return true;
        }

        // "1." "12)" "(3)" "a)" "(b)"
        var core = firstWord.TrimStart('(');
        return core.Length is >= 2 and <= 4
            && core[^1] is '.' or ')'
            && (core[..^1].All(char.IsAsciiDigit) || (core.Length == 2 && char.IsAsciiLetterLower(core[0])));
    }

    private static bool EndsSentence(string lastWord)
    {
        var trimmed = lastWord.TrimEnd('"', '\'', ')', ']', '”', '’', '»');
        return trimmed.Length > 0 && trimmed[^1] is '.' or '!' or '?' or ':';
    }

    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return values[values.Count / 2];
    }

    private static string BlockText(TextBlock block)
    {
        var sb = new StringBuilder();
        foreach (var line in block.TextLines)
        {
            var text = PlainText.CollapseWhitespace(PlainText.Clean(line.Text));
            if (text.Length == 0)
            {
                continue;
            }

            if (sb.Length > 0)
            {
                // A word hyphenated across lines ("docu-" / "ment") is joined again; "well-" / "Known" is left as is.
                if (sb.Length > 1 && sb[^1] == '-' && char.IsLetter(sb[^2]) && char.IsLower(text[0]))
                {
                    sb.Length--;
                }
                else
                {
                    sb.Append(' ');
                }
            }

            sb.Append(text);
        }

        return sb.ToString();
    }

    /// <summary>A word in the turned frame: from <see cref="Start"/> to <see cref="End"/> along its baseline at <see cref="V"/>.</summary>
    private readonly struct Placed
    {
        public Placed(Word word, TextOrientation orientation)
        {
            Word = word;
            var first = word.Letters[0];
            var last = word.Letters[^1];
            var from = Turn(first.StartBaseLine, orientation);
            var to = Turn(last.EndBaseLine, orientation);
            Start = Math.Min(from.U, to.U);
            End = Math.Max(from.U, to.U);
            V = from.V;
            var size = first.PointSize;
            Size = size > 0.5 ? size : Math.Max(word.BoundingBox.Height, 1);
        }

        public Word Word { get; }

        public double Start { get; }

        public double End { get; }

        public double V { get; }

        public double Size { get; }

        private static (double U, double V) Turn(PdfPoint p, TextOrientation orientation) => orientation switch
        {
            TextOrientation.Rotate180 => (-p.X, -p.Y),
            TextOrientation.Rotate90 => (p.Y, -p.X),
            TextOrientation.Rotate270 => (-p.Y, p.X),
            _ => (p.X, p.Y),
        };
    }

    private sealed class Line
    {
        public Line(List<Placed> words)
        {
            Words = [.. words.Select(w => w.Word)];
            Start = words[0].Start;
            End = words.Max(w => w.End);
            V = words.Average(w => w.V);
            Size = words.Select(w => w.Size).Order().ElementAt(words.Count / 2);
        }

        public List<Word> Words { get; }

        public double Start { get; }

        public double End { get; }

        public double V { get; }

        public double Size { get; }

        public Line? Next { get; set; }

        public List<Line>? Block { get; set; }

        public bool Overlaps(Line other) => Start < other.End && other.Start < End;
    }
}
