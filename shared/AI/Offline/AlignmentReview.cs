using System.Text;
using System.Text.RegularExpressions;

namespace Platform.AI.Offline;

/// <summary>
/// The Evaluator's reviews without a model. External review and delta are built from the alignment table it computed
/// (passed as the <c>alignment</c> variable: a score line, then one line per requirement
/// <c>n. [status] text (proposal...)</c>); the internal review checks each rule of the guidelines (the
/// <c>guidelines</c> variable: <c>## Title (scope)</c> then the text, per guideline) against the proposal's sentences.
/// </summary>
internal static partial class AlignmentReview
{
    /// <summary>Share of a rule's terms the best proposal sentence holds for the rule to count as followed / partly.</summary>
    private const double Follows = 0.6;
    private const double Partly = 0.3;

    public static string Internal(string guidelines, AnalysedDocument proposal)
    {
        var parsed = ParseGuidelines(guidelines);
        var sb = new StringBuilder(OfflineEngine.Disclaimer());
        sb.AppendLine("## Review against the organisation's guidelines");
        if (parsed.Count == 0)
        {
            sb.AppendLine("No guidelines apply to this organisation: there is nothing to review the proposal against.");
            return sb.ToString();
        }

        sb.Append(parsed.Count).AppendLine(parsed.Count == 1 ? " guideline applies." : " guidelines apply.").AppendLine();
        var fixes = new List<string>();
        foreach (var (title, rules) in parsed)
        {
            sb.Append("### ").AppendLine(title);
            foreach (var rule in rules)
            {
                var ruleTerms = Platform.AI.Text.WordTokenizer.Terms(rule).Distinct(StringComparer.Ordinal).ToList();
                if (ruleTerms.Count < 2)
                {
                    continue;
                }

                var best = proposal.Sentences
                    .Select(s => (Sentence: s, Share: (double)ruleTerms.Count(s.Terms.Contains) / ruleTerms.Count))
                    .OrderByDescending(x => x.Share).ThenBy(x => x.Sentence.Index)
                    .FirstOrDefault();
                var verdict = best.Sentence is null || best.Share < Partly ? "no" : best.Share < Follows ? "partly" : "yes";

                // The matching sentence states other figures than the rule (a cap, a share, a deadline): worth a check.
                var differing = verdict == "no" || !Figures().IsMatch(best.Sentence!.Text) ? []
                    : Figures().Matches(rule).Select(m => m.Value.Trim()).Except(Figures().Matches(best.Sentence.Text).Select(m => m.Value.Trim())).ToList();
                sb.Append("- Follows \u201C").Append(OfflineEngine.Truncate(rule.Trim(), 240)).Append("\u201D: ").Append(verdict);
                if (differing.Count > 0)
                {
                    verdict = "check";
                    sb.Append(", but the figures differ (the guideline says ").Append(string.Join(", ", differing)).Append(')');
                }

                if (verdict != "no")
                {
                    sb.Append(": ").Append(OfflineEngine.Cite(proposal, best.Sentence!, 240));
                }

                sb.AppendLine();
                if (verdict != "yes")
                {
                    fixes.Add((verdict == "no" ? "Address the guideline " : "Check the guideline ") + $"\u201C{title}\u201D: {OfflineEngine.Truncate(rule.Trim(), 200)}");
                }
            }

            sb.AppendLine();
        }

        sb.AppendLine("## Most important internal fixes");
        if (fixes.Count == 0)
        {
            sb.AppendLine("1. None: every guideline rule is reflected in a proposal passage.");
        }

        for (var i = 0; i < Math.Min(3, fixes.Count); i++)
        {
            sb.Append(i + 1).Append(". ").AppendLine(fixes[i]);
        }

        return sb.ToString();
    }

    // "## Title (scope)" starts a guideline; its text's sentences are the rules.
    private static List<(string Title, IReadOnlyList<string> Rules)> ParseGuidelines(string guidelines)
    {
        var parsed = new List<(string Title, IReadOnlyList<string> Rules)>();
        string? title = null;
        var body = new StringBuilder();
        foreach (var line in guidelines.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                title = line[3..].Trim();
                body.Clear();
            }
            else
            {
                body.AppendLine(line);
            }
        }

        Flush();
        return parsed;

        void Flush()
        {
            if (title is not null)
            {
                parsed.Add((title, Platform.AI.Text.SentenceSplitter.SplitToStrings(body.ToString())));
            }
        }
    }

    public static string External(string alignment)
    {
        var (score, rows) = Parse(alignment);
        var sb = new StringBuilder(OfflineEngine.Disclaimer());
        sb.AppendLine("## Alignment with the Terms of Reference");
        if (score is not null)
        {
            sb.AppendLine(score).AppendLine();
        }

        Section(sb, "Covered", rows, "covered");
        Section(sb, "Partly covered", rows, "partial");
        Section(sb, "Missing", rows, "missing");
        sb.AppendLine("## Gaps most likely to lead to rejection");
        var gaps = rows.Where(r => r.Status != "covered").OrderBy(r => r.Status == "missing" ? 0 : 1).ToList();
        if (gaps.Count == 0)
        {
            sb.AppendLine("- None: every requirement found in the Terms of Reference is covered by a proposal passage.");
        }

        foreach (var row in gaps)
        {
            sb.Append("- ").Append(row.Status == "missing" ? "Not addressed: " : "Only partly addressed: ").AppendLine(row.Requirement);
        }

        return sb.ToString();
    }

    public static string Delta(string alignment)
    {
        var (score, rows) = Parse(alignment);
        var sb = new StringBuilder(OfflineEngine.Disclaimer());
        sb.AppendLine("## Gaps the internal review does not close");
        if (score is not null)
        {
            sb.AppendLine(score).AppendLine();
        }

        var open = rows.Where(r => r.Status != "covered").ToList();
        foreach (var row in open)
        {
            sb.Append("- [").Append(row.Status).Append("] ").AppendLine(row.Requirement);
        }

        if (open.Count == 0)
        {
            sb.AppendLine("- None found: the proposal covers every requirement of the Terms of Reference.");
        }

        sb.AppendLine().AppendLine("## Possible contradictions to check");
        var sensitive = rows.Where(r => Sensitive().IsMatch(r.Requirement)).ToList();
        if (sensitive.Count == 0)
        {
            sb.AppendLine("- No budget, eligibility or deadline requirement was found to check against the organisation's guidelines.");
        }

        foreach (var row in sensitive)
        {
            sb.Append("- Check against the organisation's guidelines: ").AppendLine(row.Requirement);
        }

        sb.AppendLine().AppendLine("## Action list");
        var step = 1;
        foreach (var row in open.OrderBy(r => r.Status == "missing" ? 0 : 1))
        {
            sb.Append(step++).Append(". ").Append(row.Status == "missing" ? "Add a passage that addresses: " : "Strengthen the passage on: ")
                .AppendLine(row.Requirement);
        }

        if (step == 1)
        {
            sb.AppendLine("1. No change is needed for the Terms of Reference; review the internal findings.");
        }

        return sb.ToString();
    }

    private static void Section(StringBuilder sb, string heading, IReadOnlyList<Row> rows, string status)
    {
        var matching = rows.Where(r => r.Status == status).ToList();
        sb.Append("### ").Append(heading).Append(" (").Append(matching.Count).AppendLine(")");
        foreach (var row in matching)
        {
            sb.Append("- ").Append(row.Number).Append(". ").Append(row.Requirement).AppendLine(row.Evidence);
        }

        sb.AppendLine();
    }

    private static (string? Score, IReadOnlyList<Row> Rows) Parse(string alignment)
    {
        string? score = null;
        var rows = new List<Row>();
        foreach (var line in alignment.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = RowPattern().Match(line);
            if (match.Success)
            {
                var rest = match.Groups[3].Value;
                var evidence = rest.IndexOf(" (proposal", StringComparison.Ordinal);
                rows.Add(new Row(match.Groups[1].Value, match.Groups[2].Value,
                    evidence < 0 ? rest : rest[..evidence], evidence < 0 ? string.Empty : rest[evidence..]));
            }
            else if (line.StartsWith("Alignment score", StringComparison.Ordinal))
            {
                score = line;
            }
        }

        return (score, rows);
    }

    private sealed record Row(string Number, string Status, string Requirement, string Evidence);

    [GeneratedRegex(@"^(\d+)\. \[(covered|partial|missing)\] (.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RowPattern();

    [GeneratedRegex(@"\d+(?:[.,]\d+)*\s*(?:%|percent\b)?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Figures();

    [GeneratedRegex(@"budget|cost|eligib|deadline|due|submit|cap|exceed", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Sensitive();
}
