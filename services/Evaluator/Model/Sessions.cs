using Platform.Contracts;
using Platform.Data.Sessions;

namespace Platform.Evaluator.Model;

/// <summary>One of the three analyses (internal, external, delta), with when it ran.</summary>
public sealed record AnalysisPart(
    string Key, string Title, string Content, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, int InputTokens, int OutputTokens);

public sealed record Passage(string Text, int? Page, int Paragraph);

public sealed record TokenTotals(int InputTokens, int OutputTokens);

/// <summary>
/// One requirement of the Terms of Reference and how well the proposal covers it: <c>coverage</c> is the evidence
/// (0..1) behind the status, <c>similarity</c> the embedding cosine of the chosen passage, and <c>matched_by</c> whether
/// its <c>keywords</c> or its <c>meaning</c> (a paraphrase) decided.
/// </summary>
public sealed record AlignmentRow(
    int Number, string Requirement, string Category, IReadOnlyList<string> KeyTerms, string Status, double Coverage,
    string? Passage, int? Page, int? Paragraph, double? Similarity = null, string? MatchedBy = null);

public sealed record AlignmentTable(
    IReadOnlyList<AlignmentRow> Requirements, int Covered, int Partial, int Missing, double Score);

/// <summary>One guideline the internal review used: a global one, or the organisation's own (maybe overriding a global one).</summary>
public sealed record UsedGuideline(Guid Id, string Title, string Scope, Guid? Overrides);

/// <summary>
/// Which guidelines the internal review used: how many of each scope, and <c>source</c> = <c>none</c>, <c>global</c>,
/// <c>organisation</c> or <c>global+organisation</c>.
/// </summary>
public sealed record GuidelinesUsed(int Count, string Source, int Global, int Organisation, IReadOnlyList<UsedGuideline> Items)
{
    public const string GlobalScope = "global";
    public const string OrganisationScope = "organisation";

    public static GuidelinesUsed From(IReadOnlyList<OrganizationGuideline> guidelines)
    {
        ArgumentNullException.ThrowIfNull(guidelines);
        var items = guidelines.Select(g => new UsedGuideline(g.Id, g.Title, g.IsGlobal ? GlobalScope : OrganisationScope, g.Overrides)).ToList();
        var global = items.Count(i => i.Scope == GlobalScope);
        var own = items.Count - global;
        var source = (global, own) switch
        {
            (0, 0) => "none",
            (_, 0) => GlobalScope,
            (0, _) => OrganisationScope,
            _ => GlobalScope + "+" + OrganisationScope,
        };
        return new GuidelinesUsed(items.Count, source, global, own, items);
    }
}

public sealed record SessionSummary(
    Guid Id, string UserId, string? ProposalName, string? TorName, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record Session(
    Guid Id, string UserId, string? ProposalName, string? TorName, string Status, AnalysisPart? InternalAnalysis,
    AnalysisPart? ExternalAnalysis, AnalysisPart? DeltaAnalysis, AlignmentTable? Alignment, GuidelinesUsed? Guidelines,
    TokenTotals TokenUsage, string? Provider, string? Error, IReadOnlyList<Followup> Followups, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record FollowupRequest(string? Question);

public sealed record FeedbackRequest(int? Rating, string? Comment, string? Part);

public sealed record FeedbackRecord(Guid Id, Guid SessionId, int Rating, string? Comment, string? Part, DateTimeOffset CreatedAt);
