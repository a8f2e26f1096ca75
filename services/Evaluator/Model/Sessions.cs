using Platform.Data.Sessions;

namespace Platform.Evaluator.Model;

/// <summary>One of the three analyses (internal, external, delta), with when it ran.</summary>
public sealed record AnalysisPart(
    string Key, string Title, string Content, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, int InputTokens, int OutputTokens);

public sealed record Passage(string Text, int? Page, int Paragraph);

public sealed record TokenTotals(int InputTokens, int OutputTokens);

/// <summary>One requirement of the Terms of Reference and how well the proposal covers it.</summary>
public sealed record AlignmentRow(
    int Number, string Requirement, string Category, IReadOnlyList<string> KeyTerms, string Status, double Coverage,
    string? Passage, int? Page, int? Paragraph);

public sealed record AlignmentTable(
    IReadOnlyList<AlignmentRow> Requirements, int Covered, int Partial, int Missing, double Score);

public sealed record SessionSummary(
    Guid Id, string UserId, string? ProposalName, string? TorName, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record Session(
    Guid Id, string UserId, string? ProposalName, string? TorName, string Status, AnalysisPart? InternalAnalysis,
    AnalysisPart? ExternalAnalysis, AnalysisPart? DeltaAnalysis, AlignmentTable? Alignment, TokenTotals TokenUsage,
    string? Provider, string? Error, IReadOnlyList<Followup> Followups, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record FollowupRequest(string? Question);

public sealed record FeedbackRequest(int? Rating, string? Comment, string? Part);

public sealed record FeedbackRecord(Guid Id, Guid SessionId, int Rating, string? Comment, string? Part, DateTimeOffset CreatedAt);
