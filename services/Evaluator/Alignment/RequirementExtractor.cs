using System.Text.RegularExpressions;
using Platform.AI.Text;

namespace Platform.Evaluator.Alignment;

/// <summary>One requirement found in the Terms of Reference, with the terms a covering passage must contain.</summary>
public sealed record Requirement(int Number, string Text, string Category, IReadOnlyList<string> KeyTerms);

/// <summary>
/// Finds the requirements of a Terms of Reference without a model: every numbered or bulleted item, and every other
/// sentence that states a duty (must, shall, required, deliverable, eligibility, budget cap, deadline, reporting).
/// Lists written inline on one line ("The applicant must: 1. submit X; 2. provide Y", "(a) ...; (b) ...",
/// "i. ...; ii. ...", "• ... • ...") give one requirement per item.
/// </summary>
public static partial class RequirementExtractor
{
    /// <summary>A requirement needs at least this many key terms to be matched meaningfully.</summary>
    public const int MinKeyTerms = 2;

    // Words every requirement uses ("the applicant shall provide ...") that say nothing about what is required; a
    // passage is not judged on them. Kept as words and stemmed like the index so the comparison is like for like.
    private static readonly HashSet<string> GenericTerms = new(
        WordTokenizer.Terms("""
            applicant applicants proposal proposals project projects requirement requirements required require requires
            ensure ensures provide provides include includes including describe describes demonstrate demonstrates
            organisation organisations organization organizations following clearly section item deliverable deliverables
            bidder bidders tenderer tenderers grantee grantees contractor contractors
            """),
        StringComparer.Ordinal);

    public static IReadOnlyList<Requirement> Extract(string terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var found = new List<Requirement>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rawLine in terms.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var item = ItemMarker().Match(line);
            if (item.Success)
            {
                AddItem(item.Groups["text"].Value.Trim(), string.Empty, 0);
                continue;
            }

            if (SentenceSplitter.IsTitleLike(line))
            {
                continue;
            }

            if (InlineList.Split(line) is { } list)
            {
                // The lead-in's last sentence introduces the list ("The applicant must:"); earlier ones stand alone.
                var leadIn = SentenceSplitter.SplitToStrings(list.LeadIn);
                AddDuties(leadIn.Take(leadIn.Count - 1));
                foreach (var text in list.Items)
                {
                    AddItem(text, leadIn.Count > 0 ? leadIn[^1] : string.Empty, 1);
                }

                AddDuties(SentenceSplitter.SplitToStrings(list.Rest));
                continue;
            }

            AddDuties(SentenceSplitter.SplitToStrings(line));
        }

        return found;

        void AddDuties(IEnumerable<string> sentences)
        {
            foreach (var sentence in sentences.Where(s => Duty().IsMatch(s)))
            {
                Add(sentence.Trim(), string.Empty);
            }
        }

        // An item may hold an inline list of its own ("3. Applicants must: (a) ...; (b) ..."): one level deeper.
        void AddItem(string text, string leadIn, int depth)
        {
            if (depth < 2 && InlineList.Split(text) is { } nested)
            {
                var context = (leadIn + " " + nested.LeadIn).Trim();
                foreach (var inner in nested.Items)
                {
                    AddItem(inner, context, depth + 1);
                }

                AddDuties(SentenceSplitter.SplitToStrings(nested.Rest));
                return;
            }

            Add(text, leadIn);
        }

        void Add(string text, string leadIn)
        {
            // An introduction to a list ("The applicant must meet the following:") is not itself a requirement.
            if (text.EndsWith(':') || !seen.Add(text))
            {
                return;
            }

            var keyTerms = KeyTerms(text);
            if (keyTerms.Count >= MinKeyTerms)
            {
                // A list's lead-in names the kind of duty of all its items ("To be eligible, organisations shall: (a) ...;
                // (b) hold a turnover above EUR 100,000" is eligibility, not budget); the item's own words decide otherwise.
                var category = leadIn.Length > 0 ? Categorise(leadIn) : "requirement";
                found.Add(new Requirement(found.Count + 1, text, category == "requirement" ? Categorise(text) : category, keyTerms));
            }
        }
    }

    /// <summary>The distinct index terms of a requirement, without the words every requirement shares.</summary>
    public static IReadOnlyList<string> KeyTerms(string text) =>
        [.. WordTokenizer.Terms(text).Where(t => !GenericTerms.Contains(t)).Distinct(StringComparer.Ordinal)];

    public static string Categorise(string text) => text switch
    {
        _ when Eligibility().IsMatch(text) => "eligibility",
        _ when Budget().IsMatch(text) => "budget",
        _ when Deadline().IsMatch(text) => "deadline",
        _ when Reporting().IsMatch(text) => "reporting",
        _ when text.Contains("deliverable", StringComparison.OrdinalIgnoreCase) => "deliverable",
        _ => "requirement",
    };

    // "1.", "2)", "1.2.", "(a)", "a)", "i.", "(iv)", "-", "*", "•" at the start of a line (roman numerals in lower case
    // only, so that a heading such as "II. Background" is not taken for an item).
    [GeneratedRegex(@"^(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(?[a-z]\)|(?-i:\(?(?:i{1,3}|iv|vi{0,3}|ix|x)[.)])|[-*\u2022\u2013\u00b7\u25aa\u25cf])\s+(?<text>\S.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex ItemMarker();

    [GeneratedRegex(@"\b(?:must|shall|required?|requires|mandatory|deliverables?|eligib\w*|budget|not\s+exceed|ceiling|deadline|due\s+(?:by|on|within)|reports?|reporting)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Duty();

    [GeneratedRegex(@"\beligib\w*|\bregistered\b|\bexperience\b", RegexOptions.IgnoreCase)]
    private static partial Regex Eligibility();

    [GeneratedRegex(@"\bbudget\b|\bnot\s+exceed\b|\bceiling\b|\bcost\w*\b|\b(?:EUR|USD|GBP)\b|[$€£]", RegexOptions.IgnoreCase)]
    private static partial Regex Budget();

    [GeneratedRegex(@"\bdeadline\b|\bdue\b|\bwithin\s+\d+\s+(?:days|weeks|months)\b|\bno\s+later\s+than\b", RegexOptions.IgnoreCase)]
    private static partial Regex Deadline();

    [GeneratedRegex(@"\breport\w*\b", RegexOptions.IgnoreCase)]
    private static partial Regex Reporting();
}
