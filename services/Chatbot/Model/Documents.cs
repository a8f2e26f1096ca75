namespace Platform.Chatbot.Model;

/// <summary>The states of a knowledge-base document.</summary>
public static class DocumentStatus
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Queued, Processing, Ready, Failed];
}

public sealed record DocumentView(
    Guid Id, string Title, string FileName, string ContentType, long SizeBytes, string Status, string? Error, int ChunkCount,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A passage of an uploaded document as the ingestion job carries it.</summary>
public sealed record PassageInput(string Text, int? Page, int Paragraph);

/// <summary>What an asynchronous ingestion job carries from the upload to the worker.</summary>
public sealed record IngestionJobInput(Guid DocumentId, string Title, IReadOnlyList<PassageInput> Passages);

/// <summary>A chunk of a ready document, as search reads it.</summary>
public sealed record StoredChunk(Guid DocumentId, int N, string Title, string FileName, string Text, int? Page, int? Paragraph)
{
    public string VectorId => $"{DocumentId}#{N}";

    public string SearchText => $"{Title}\n{Text}";
}
