using System.Text.RegularExpressions;
using Platform.AI.Text;

namespace Platform.Evaluator.Alignment;

/// <summary>One requirement found in the Terms of Reference, with the terms a covering passage must contain.</summary>
public sealed record Requirement(int Number, string Text, string Category, IReadOnlyList<string> KeyTerms);

/// <summary>
/// Finds the requirements of a Terms of Reference without a model: every numbered or bulleted item, and every other
/// sentence that states a duty (must, shall, required, deliverable, eligibility, budget cap, deadline, reporting).
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
                Add(item.Groups["text"].Value.Trim());
                continue;
            }

            if (SentenceSplitter.IsTitleLike(line))
            {
                continue;
            }

            foreach (var sentence in SentenceSplitter.SplitToStrings(line))
            {
                if (Duty().IsMatch(sentence))
                {
                    Add(sentence.Trim());
                }
            }
        }

        return found;

        void Add(string text)
        {
            // An introduction to a list ("The applicant must meet the following:") is not itself a requirement.
            if (text.EndsWith(':') || !seen.Add(text))
            {
                return;
            }

            var keyTerms = KeyTerms(text);
            if (keyTerms.Count >= MinKeyTerms)
            {
                found.Add(new Requirement(found.Count + 1, text, Categorise(text), keyTerms));
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

    // "1.", "2)", "1.2.", "(a)", "a)", "-", "*", "•" at the start of a line.
    [GeneratedRegex(@"^(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(?[a-z]\)|[-*\u2022\u2013\u00b7])\s+(?<text>\S.*)$", RegexOptions.IgnoreCase)]
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
