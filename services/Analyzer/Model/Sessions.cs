using Platform.Data.Sessions;

namespace Platform.Analyzer.Model;

/// <summary>One section of an analysis (P1..P5).</summary>
public sealed record Section(string Key, string Title, string Content, int InputTokens, int OutputTokens);

public sealed record Passage(string Text, int? Page, int Paragraph);

public sealed record TokenTotals(int InputTokens, int OutputTokens);

public sealed record SessionSummary(
    Guid Id, string UserId, string? DocumentName, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record Session(
    Guid Id, string UserId, string? DocumentName, string Status, IReadOnlyList<Section> Sections, TokenTotals TokenUsage,
    string? Provider, string? Error, IReadOnlyList<Followup> Followups, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record FollowupRequest(string? Question);

public sealed record FeedbackRequest(int? Rating, string? Comment, string? Section);

public sealed record FeedbackRecord(Guid Id, Guid SessionId, int Rating, string? Comment, string? Section, DateTimeOffset CreatedAt);
