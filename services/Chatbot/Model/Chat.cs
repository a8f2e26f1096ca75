namespace Platform.Chatbot.Model;

/// <summary>The legacy chat request, plus <c>format</c> and <c>stream</c>.</summary>
public sealed record ChatRequest(string? UserId, string? Question, Guid? SessionId, string? Format, bool? Stream);

/// <summary>Output formats of an answer.</summary>
public static class AnswerFormats
{
    public const string Markdown = "markdown";
    public const string WhatsApp = "whatsapp";
    public const string Plain = "plain";

    public static readonly IReadOnlyList<string> All = [Markdown, WhatsApp, Plain];
}

/// <summary>A passage an answer may cite as [number]: which document, where in it, how it was found.</summary>
public sealed record Citation(
    int Number, Guid DocumentId, string Title, string FileName, int? Page, int? Paragraph, int Chunk, double Score,
    int? VectorRank, int? KeywordRank);

/// <summary>What is kept with an answer (messages.context): the refined query, every passage retrieved, and which were cited.</summary>
public sealed record MessageContext(string? RefinedQuery, IReadOnlyList<RetrievedPassage> Retrieved, IReadOnlyList<int> Cited, string? Format);

/// <summary>A retrieved passage with its text, as stored in the context of an answer.</summary>
public sealed record RetrievedPassage(Citation Source, string Text);

/// <summary>
/// The answer: <see cref="Parts"/> is the answer cut for WhatsApp (one part otherwise), <see cref="Citations"/> the
/// passages it cites as [n], <see cref="Sources"/> every passage retrieved for it, in rank order.
/// </summary>
public sealed record ChatAnswer(
    Guid SessionId, Guid QuestionId, Guid MessageId, string Question, string RefinedQuery, string Format, string Answer,
    IReadOnlyList<string> Parts, IReadOnlyList<Citation> Citations, IReadOnlyList<RetrievedPassage> Sources, DateTimeOffset CreatedAt);

public sealed record SessionSummary(Guid Id, string UserId, string? Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A stored message; for an answer, its citations and the cited passages with their text.</summary>
public sealed record MessageView(
    Guid Id, string Role, string Content, string? RefinedQuery, IReadOnlyList<Citation> Citations,
    IReadOnlyList<RetrievedPassage> Sources, DateTimeOffset CreatedAt);

public sealed record Session(Guid Id, string UserId, string? Title, IReadOnlyList<MessageView> Messages, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record FeedbackRequest(Guid? MessageId, int? Rating, string? Comment);

public sealed record FeedbackRecord(Guid Id, Guid MessageId, int Rating, string? Comment, DateTimeOffset CreatedAt);

/// <summary>One earlier turn of the conversation.</summary>
public sealed record Turn(string Role, string Content, string? RefinedQuery);
