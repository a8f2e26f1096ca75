using System.ComponentModel.DataAnnotations;
using Platform.AI.Text;
using Platform.Evaluator.Model;

namespace Platform.Evaluator.Alignment;

public sealed class AlignmentOptions
{
    public const string Section = "Alignment";

    /// <summary>Share of a requirement's key terms the best passage must hold for it to be covered.</summary>
    [Range(0.01, 1.0)]
    public double CoveredThreshold { get; set; } = 0.7;

    /// <summary>Share of key terms for a partial cover; below it the requirement is missing.</summary>
    [Range(0.01, 1.0)]
    public double PartialThreshold { get; set; } = 0.34;

    /// <summary>How many BM25 hits are compared by term coverage before the best passage is chosen.</summary>
    [Range(1, 20)]
    public int Candidates { get; set; } = 3;
}

/// <summary>
/// The offline alignment table: each ToR requirement matched to the proposal passage that best covers it. BM25 ranks
/// the passages; among the top candidates the one holding most of the requirement's key terms wins, and that share
/// decides covered / partial / missing. The score counts a partial cover as half.
/// </summary>
public static class AlignmentEngine
{
    public const string Covered = "covered";
    public const string Partial = "partial";
    public const string Missing = "missing";

    public static AlignmentTable Align(string terms, IReadOnlyList<Passage> proposal, AlignmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(options);
        var requirements = RequirementExtractor.Extract(terms);
        var passageTerms = proposal.Select(p => (IReadOnlyList<string>)WordTokenizer.Terms(p.Text)).ToList();
        var passageSets = passageTerms.Select(t => t.ToHashSet(StringComparer.Ordinal)).ToList();
        var index = new Bm25Index(passageTerms);

        var rows = new List<AlignmentRow>(requirements.Count);
        foreach (var requirement in requirements)
        {
            var best = index.Search(requirement.KeyTerms, options.Candidates)
                .Select(hit => (hit.Index, hit.Score, Coverage: Share(requirement.KeyTerms, passageSets[hit.Index])))
                .OrderByDescending(c => c.Coverage).ThenByDescending(c => c.Score).ThenBy(c => c.Index)
                .Cast<(int Index, double Score, double Coverage)?>()
                .FirstOrDefault();
            var coverage = best?.Coverage ?? 0;
            var status = coverage >= options.CoveredThreshold ? Covered : coverage >= options.PartialThreshold ? Partial : Missing;
            var passage = status == Missing || best is null ? null : proposal[best.Value.Index];
            rows.Add(new AlignmentRow(requirement.Number, requirement.Text, requirement.Category, requirement.KeyTerms, status,
                Math.Round(coverage, 3), passage?.Text, passage?.Page, passage?.Paragraph));
        }

        var covered = rows.Count(r => r.Status == Covered);
        var partial = rows.Count(r => r.Status == Partial);
        var score = rows.Count == 0 ? 0 : Math.Round(100.0 * (covered + (0.5 * partial)) / rows.Count, 1);
        return new AlignmentTable(rows, covered, partial, rows.Count - covered - partial, score);
    }

    /// <summary>The alignment table as Markdown, for prompts and follow-up questions.</summary>
    public static string ToMarkdown(AlignmentTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var lines = new List<string>
        {
            $"Alignment score {table.Score}/100: {table.Covered} covered, {table.Partial} partial, {table.Missing} missing.",
            string.Empty,
        };
        lines.AddRange(table.Requirements.Select(r =>
            $"{r.Number}. [{r.Status}] {r.Requirement}" + (r.Passage is null ? string.Empty : $" (proposal{Location(r)}: \"{r.Passage}\")")));
        return string.Join('\n', lines);
    }

    public static string Location(AlignmentRow row) =>
        row.Page is { } page ? $", page {page}, paragraph {row.Paragraph}" : row.Paragraph is { } p ? $", paragraph {p}" : string.Empty;

    private static double Share(IReadOnlyList<string> keyTerms, HashSet<string> passage) =>
        keyTerms.Count == 0 ? 0 : (double)keyTerms.Count(passage.Contains) / keyTerms.Count;
}
