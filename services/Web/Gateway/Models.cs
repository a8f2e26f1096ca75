namespace Platform.Web.Gateway;

// The shapes the UI reads from the services, as they answer them through the gateway (snake_case JSON). Only the
// fields the pages show; the services' own projects are never referenced.

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

public sealed record Followup(Guid Id, string Question, string Answer, DateTimeOffset CreatedAt);

public sealed record JobAccepted(Guid JobId, Guid SessionId, string Status, string StatusUrl);

public sealed record JobProgress(int Done, int Total);

public sealed record JobView(
    Guid JobId, string Status, JobProgress Progress, Guid? SessionId, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

public sealed record TokenTotals(int InputTokens, int OutputTokens);

// Analyzer
public sealed record AnalysisSection(string Key, string Title, string Content, int InputTokens, int OutputTokens);

public sealed record AnalysisSummary(Guid Id, string UserId, string? DocumentName, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record AnalysisSession(
    Guid Id, string UserId, string? DocumentName, string Status, IReadOnlyList<AnalysisSection> Sections, TokenTotals TokenUsage,
    string? Provider, string? Error, IReadOnlyList<Followup> Followups, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

// Evaluator
public sealed record AnalysisPart(
    string Key, string Title, string Content, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, int InputTokens, int OutputTokens);

public sealed record AlignmentRow(
    int Number, string Requirement, string Category, IReadOnlyList<string> KeyTerms, string Status, double Coverage,
    string? Passage, int? Page, int? Paragraph);

public sealed record AlignmentTable(IReadOnlyList<AlignmentRow> Requirements, int Covered, int Partial, int Missing, double Score);

public sealed record EvaluationSummary(
    Guid Id, string UserId, string? ProposalName, string? TorName, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record EvaluationSession(
    Guid Id, string UserId, string? ProposalName, string? TorName, string Status, AnalysisPart? InternalAnalysis,
    AnalysisPart? ExternalAnalysis, AnalysisPart? DeltaAnalysis, AlignmentTable? Alignment, TokenTotals TokenUsage,
    string? Provider, string? Error, IReadOnlyList<Followup> Followups, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public IEnumerable<AnalysisPart> Parts => new[] { InternalAnalysis, ExternalAnalysis, DeltaAnalysis }.OfType<AnalysisPart>();
}

// Admin
public sealed record OrganizationSettings(int? RequestsPerMinute, long? MonthlyTokenBudget, string? DefaultLanguage);

public sealed record Organization(Guid Id, string Name, string Slug, OrganizationSettings? Settings, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record User(Guid Id, Guid OrgId, string ExternalId, string Email, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ApiKey(
    Guid Id, Guid OrgId, string Name, string Prefix, string[] Scopes, int? RateLimitPerMinute,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record CreatedApiKey(Guid Id, Guid OrgId, string Name, string ApiKey, string ApiSecret, string Prefix, string[] Scopes);

public sealed record PromptParameters(float? Temperature, int? MaxTokens);

public sealed record Prompt(
    Guid Id, string Key, Guid? OrgId, string Description, int ActiveVersion, int LatestVersion, int Revision,
    string Template, IReadOnlyList<string> Placeholders, PromptParameters? Parameters, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record PromptVersion(
    int Version, string Template, IReadOnlyList<string> Placeholders, PromptParameters? Parameters, string CreatedBy, DateTimeOffset CreatedAt, bool Active);

public sealed record Guideline(
    Guid Id, Guid? OrgId, string Title, string Content, string Source, string? FileName, string? FileSha256,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

// Gateway ops
public sealed record RouteRollout(string Route, int Weight, string StickyBy, bool LegacyConfigured, string ChangedBy, string Reason, DateTimeOffset ChangedAt);

public sealed record RolloutHistoryEntry(long Id, string Route, int? OldWeight, int NewWeight, string ChangedBy, string Reason, DateTimeOffset ChangedAt);

public sealed record StatsPoint(DateTimeOffset At, double RequestsPerSecond, double ErrorRate, double? P95Ms);

public sealed record SideStats(string Side, IReadOnlyList<StatsPoint> Points);

public sealed record RouteStats(string Route, int SlotSeconds, IReadOnlyList<SideStats> Sides);

public sealed record DestinationStatus(string Cluster, string Destination, string Side, string Health);

public sealed record HealthCheckEntry(string Status, string? Description, double DurationMs);

public sealed record HealthReport(string Status, Dictionary<string, HealthCheckEntry>? Checks);

// Chatbot
public sealed record Citation(int Number, Guid DocumentId, string Title, string FileName, int? Page, int? Paragraph, int Chunk, double Score);

public sealed record RetrievedPassage(Citation Source, string Text);

public sealed record ChatAnswer(
    Guid SessionId, Guid QuestionId, Guid MessageId, string Question, string RefinedQuery, string Format, string Answer,
    IReadOnlyList<string> Parts, IReadOnlyList<Citation> Citations, IReadOnlyList<RetrievedPassage> Sources, DateTimeOffset CreatedAt)
{
    /// <summary>The passage text behind <paramref name="citation"/>, when it was retrieved for this answer.</summary>
    public string? PassageOf(Citation citation) =>
        Sources.FirstOrDefault(s => s.Source.DocumentId == citation.DocumentId && s.Source.Chunk == citation.Chunk)?.Text;
}

public sealed record ChatSessionSummary(Guid Id, string UserId, string? Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ChatMessage(
    Guid Id, string Role, string Content, string? RefinedQuery, IReadOnlyList<Citation>? Citations,
    IReadOnlyList<RetrievedPassage>? Sources, DateTimeOffset CreatedAt)
{
    /// <summary>The text of a cited passage, as stored with the answer.</summary>
    public string? PassageOf(Citation citation) =>
        Sources?.FirstOrDefault(s => s.Source.DocumentId == citation.DocumentId && s.Source.Chunk == citation.Chunk)?.Text;
}

public sealed record ChatSession(Guid Id, string UserId, string? Title, IReadOnlyList<ChatMessage> Messages, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record KnowledgeDocument(
    Guid Id, string Title, string FileName, string ContentType, long SizeBytes, string Status, string? Error, int ChunkCount,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
