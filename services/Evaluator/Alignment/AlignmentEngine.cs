using System.ComponentModel.DataAnnotations;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Platform.AI.Text;
using Platform.Evaluator.Model;

namespace Platform.Evaluator.Alignment;

public sealed class AlignmentOptions : IValidatableObject
{
    public const string Section = "Alignment";

    /// <summary>Share of a requirement's key terms the best passage must hold for it to be covered.</summary>
    [Range(0.01, 1.0)]
    public double CoveredThreshold { get; set; } = 0.7;

    /// <summary>Share of key terms for a partial cover; below it the requirement is missing.</summary>
    [Range(0.01, 1.0)]
    public double PartialThreshold { get; set; } = 0.34;

    /// <summary>How many passages each ranking (BM25, embedding similarity) puts forward before the best one is chosen.</summary>
    [Range(1, 20)]
    public int Candidates { get; set; } = 3;

    /// <summary>Whether passages are also matched by meaning (the shared embedding generator), not only by keywords.</summary>
    public bool UseEmbeddings { get; set; } = true;

    /// <summary>Cosine similarity at or below which a passage says nothing about a requirement's meaning.</summary>
    [Range(0.0, 1.0)]
    public double SemanticFloor { get; set; } = 0.30;

    /// <summary>Cosine similarity at which a passage restates a requirement completely (a semantic share of 1).</summary>
    [Range(0.0, 1.0)]
    public double SemanticCeiling { get; set; } = 0.55;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SemanticCeiling <= SemanticFloor)
        {
            yield return new ValidationResult("Alignment:SemanticCeiling must be above Alignment:SemanticFloor.", [nameof(SemanticCeiling)]);
        }

        if (PartialThreshold > CoveredThreshold)
        {
            yield return new ValidationResult("Alignment:PartialThreshold may not be above Alignment:CoveredThreshold.", [nameof(PartialThreshold)]);
        }
    }
}

/// <summary>
/// The offline alignment table: each ToR requirement matched to the proposal passage that best covers it, by keywords
/// (BM25 and the share of the requirement's key terms a passage holds) and by meaning (cosine similarity of
/// embeddings). BM25 and similarity each put forward their top passages; each candidate's evidence is its key-term
/// share, unless it shares too few key terms to judge (below the partial threshold), in which case its similarity,
/// scaled between <see cref="AlignmentOptions.SemanticFloor"/> and <see cref="AlignmentOptions.SemanticCeiling"/>,
/// speaks for it: a paraphrase with no words in common is still found, while a passage that names some key terms but
/// not others stays partial, because the missing terms are specific evidence of a gap. The best evidence decides
/// covered / partial / missing (ties go to the better reciprocal-rank fusion of both rankings). The score counts a
/// partial cover as half.
/// </summary>
public static class AlignmentEngine
{
    public const string Covered = "covered";
    public const string Partial = "partial";
    public const string Missing = "missing";

    public const string ByKeywords = "keywords";
    public const string ByMeaning = "meaning";

    // Reciprocal rank fusion's usual constant: ranks beyond the first few count little.
    private const double FusionK = 60;

    /// <summary>The table by keywords alone.</summary>
    public static AlignmentTable Align(string terms, IReadOnlyList<Passage> proposal, AlignmentOptions options) =>
        Align(RequirementExtractor.Extract(terms), proposal, options, null);

    /// <summary>
    /// The table by keywords and, when <paramref name="embeddings"/> is given and enabled, by meaning too: the
    /// requirements and passages are embedded in one batch.
    /// </summary>
    public static async Task<AlignmentTable> AlignAsync(
        string terms, IReadOnlyList<Passage> proposal, AlignmentOptions options,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(options);
        var requirements = RequirementExtractor.Extract(terms);
        if (embeddings is null || !options.UseEmbeddings || requirements.Count == 0 || proposal.Count == 0)
        {
            return Align(requirements, proposal, options, null);
        }

        var texts = requirements.Select(r => r.Text).Concat(proposal.Select(p => p.Text)).ToList();
        var vectors = await embeddings.GenerateAsync(texts, cancellationToken: ct);
        var requirementVectors = vectors.Take(requirements.Count).Select(v => v.Vector).ToList();
        var passageVectors = vectors.Skip(requirements.Count).Select(v => v.Vector).ToList();
        var similarity = requirementVectors
            .Select(r => passageVectors.Select(p => (double)TensorPrimitives.CosineSimilarity(r.Span, p.Span)).ToArray())
            .ToArray();
        return Align(requirements, proposal, options, similarity);
    }

    /// <summary>The table for extracted requirements; <paramref name="similarity"/>[requirement][passage] is optional.</summary>
    public static AlignmentTable Align(
        IReadOnlyList<Requirement> requirements, IReadOnlyList<Passage> proposal, AlignmentOptions options, double[][]? similarity)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(options);
        var passageTerms = proposal.Select(p => (IReadOnlyList<string>)WordTokenizer.Terms(p.Text)).ToList();
        var passageSets = passageTerms.Select(t => t.ToHashSet(StringComparer.Ordinal)).ToList();
        var index = new Bm25Index(passageTerms);

        var rows = new List<AlignmentRow>(requirements.Count);
        for (var r = 0; r < requirements.Count; r++)
        {
            var requirement = requirements[r];
            var cosines = similarity?[r];
            var fused = new Dictionary<int, double>();
            var byKeywords = index.Search(requirement.KeyTerms, options.Candidates);
            for (var rank = 0; rank < byKeywords.Count; rank++)
            {
                fused[byKeywords[rank].Index] = 1 / (FusionK + rank + 1);
            }

            if (cosines is not null)
            {
                var byMeaning = Enumerable.Range(0, cosines.Length).OrderByDescending(i => cosines[i]).ThenBy(i => i).Take(options.Candidates).ToList();
                for (var rank = 0; rank < byMeaning.Count; rank++)
                {
                    fused[byMeaning[rank]] = fused.GetValueOrDefault(byMeaning[rank]) + (1 / (FusionK + rank + 1));
                }
            }

            var best = fused
                .Select(c =>
                {
                    var (share, by) = Evidence(requirement, passageSets[c.Key], cosines?[c.Key], options);
                    return (Index: c.Key, Fusion: c.Value, Share: share, By: by);
                })
                .OrderByDescending(c => c.Share).ThenByDescending(c => c.Fusion).ThenBy(c => c.Index)
                .Cast<(int Index, double Fusion, double Share, string By)?>()
                .FirstOrDefault();
            var share = best?.Share ?? 0;
            var status = share >= options.CoveredThreshold ? Covered : share >= options.PartialThreshold ? Partial : Missing;
            var passage = status == Missing || best is null ? null : proposal[best.Value.Index];
            rows.Add(new AlignmentRow(requirement.Number, requirement.Text, requirement.Category, requirement.KeyTerms, status,
                Math.Round(share, 3), passage?.Text, passage?.Page, passage?.Paragraph,
                best is { } b && cosines is not null ? Math.Round(cosines[b.Index], 3) : null, passage is null ? null : best!.Value.By));
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
            $"{r.Number}. [{r.Status}] {r.Requirement}" + (r.Passage is null ? string.Empty
                : $" (proposal{Location(r)}{(r.MatchedBy == ByMeaning ? ", same meaning in other words" : string.Empty)}: \"{r.Passage}\")")));
        return string.Join('\n', lines);
    }

    public static string Location(AlignmentRow row) =>
        row.Page is { } page ? $", page {page}, paragraph {row.Paragraph}" : row.Paragraph is { } p ? $", paragraph {p}" : string.Empty;

    // A passage's evidence for a requirement: its key-term share, or, when it shares too few key terms to judge, its
    // similarity scaled so that the floor gives 0 and the ceiling 1.
    private static (double Share, string By) Evidence(Requirement requirement, HashSet<string> passage, double? cosine, AlignmentOptions options)
    {
        var share = Share(requirement.KeyTerms, passage);
        if (share >= options.PartialThreshold || cosine is not { } c)
        {
            return (share, ByKeywords);
        }

        var semantic = Math.Clamp((c - options.SemanticFloor) / (options.SemanticCeiling - options.SemanticFloor), 0, 1);
        return semantic > share ? (semantic, ByMeaning) : (share, ByKeywords);
    }

    private static double Share(IReadOnlyList<string> keyTerms, HashSet<string> passage) =>
        keyTerms.Count == 0 ? 0 : (double)keyTerms.Count(passage.Contains) / keyTerms.Count;
}
