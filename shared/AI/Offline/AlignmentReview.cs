using System.Text;
using System.Text.RegularExpressions;

namespace Platform.AI.Offline;

/// <summary>
/// The Evaluator's external review and delta without a model, built from the alignment table it computed (passed as
/// the <c>alignment</c> variable: a score line, then one line per requirement <c>n. [status] text (proposal...)</c>).
/// </summary>
internal static partial class AlignmentReview
{
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

    [GeneratedRegex(@"budget|cost|eligib|deadline|due|submit|cap|exceed", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Sensitive();
}
