using System.Text.RegularExpressions;

namespace Platform.Evaluator.Alignment;

/// <summary>
/// A list written inside one line: "The applicant must: 1. submit X; 2. provide Y; and 3. report Z." — the text before
/// the first item, the items, and what follows the last item's sentence.
/// </summary>
public sealed partial record InlineList(string LeadIn, IReadOnlyList<string> Items, string Rest)
{
    /// <summary>
    /// The inline list in <paramref name="line"/>, or null when it holds none. Numbered (1. 2. / 1) 2)), lettered
    /// ((a) (b) / a) b)) and roman (i. ii. / (i) (ii)) items count only as a run that starts at the first value and
    /// goes up one by one, so "EUR 1.5 million" or "section 2. below" never split a sentence; bullets (•, ▪, ●, ·)
    /// split wherever they stand.
    /// </summary>
    public static InlineList? Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var markers = Run(Numbered().Matches(line), m => int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture))
            ?? Run(Lettered().Matches(line), m => m.Groups["c"].Value[0] - 'a' + 1)
            ?? Run(Roman().Matches(line), m => RomanValue(m.Groups["r"].Value))
            ?? Bullets(line);
        if (markers is null)
        {
            return null;
        }

        var items = new List<string>(markers.Count);
        for (var i = 0; i < markers.Count; i++)
        {
            var start = markers[i].Index + markers[i].Length;
            var end = i + 1 < markers.Count ? markers[i + 1].Index : line.Length;
            items.Add(line[start..end]);
        }

        // The last item ends with its sentence; anything after it ("... 3. report Z. Questions go to ...") is prose.
        var rest = string.Empty;
        var last = items[^1];
        var sentences = Platform.AI.Text.SentenceSplitter.Split(last);
        if (sentences.Count > 1)
        {
            var cut = sentences[1].Start;
            rest = last[cut..].Trim();
            items[^1] = last[..cut];
        }

        var cleaned = items.Select(Clean).Where(t => t.Length > 0).ToList();
        return cleaned.Count < 2 ? null : new InlineList(line[..markers[0].Index].Trim(), cleaned, rest);
    }

    // The longest run 1, 2, 3 ... (or a, b, c / i, ii, iii) among the candidates, starting at the first "1".
    private static List<Capture>? Run(MatchCollection candidates, Func<Match, int> valueOf)
    {
        var run = new List<Capture>();
        foreach (Match candidate in candidates)
        {
            if (valueOf(candidate) == run.Count + 1)
            {
                run.Add(candidate);
            }
        }

        return run.Count >= 2 ? run : null;
    }

    private static List<Capture>? Bullets(string line)
    {
        var bullets = Bullet().Matches(line).Cast<Capture>().ToList();

        // One bullet after a colon is a list of one ("Deliverables: • the final report"); otherwise two or more.
        var colonBefore = bullets.Count == 1 && line[..bullets[0].Index].TrimEnd().EndsWith(':');
        return bullets.Count >= 2 || colonBefore ? bullets : null;
    }

    private static string Clean(string item)
    {
        var text = item.Trim();
        string before;
        do
        {
            before = text;
            text = text.TrimEnd(';', ',', ' ', '\t');
            foreach (var conjunction in new[] { " and", " or", " and/or" })
            {
                if (text.EndsWith(conjunction, StringComparison.OrdinalIgnoreCase))
                {
                    text = text[..^conjunction.Length];
                }
            }
        }
        while (text != before);
        return text;
    }

    private static int RomanValue(string roman) => roman switch
    {
        "i" => 1,
        "ii" => 2,
        "iii" => 3,
        "iv" => 4,
        "v" => 5,
        "vi" => 6,
        "vii" => 7,
        "viii" => 8,
        "ix" => 9,
        "x" => 10,
        _ => 0,
    };

    // A marker stands after the start, a space or list punctuation and before a space and the item's text.
    [GeneratedRegex(@"(?<=^|[\s:;,])\(?(?<n>\d{1,2})[.)](?=\s+\S)")]
    private static partial Regex Numbered();

    [GeneratedRegex(@"(?<=^|[\s:;,])(?:\((?<c>[a-z])\)|(?<c>[a-z])\))(?=\s+\S)")]
    private static partial Regex Lettered();

    [GeneratedRegex(@"(?<=^|[\s:;,])\(?(?<r>i{1,3}|iv|vi{0,3}|ix|x)[.)](?=\s+\S)")]
    private static partial Regex Roman();

    [GeneratedRegex(@"(?<=^|\s)[\u2022\u25aa\u25cf\u00b7](?=\s*\S)")]
    private static partial Regex Bullet();
}
