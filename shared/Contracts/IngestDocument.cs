namespace Platform.Contracts;

/// <summary>
/// Command: chunk, embed and index a document the Chatbot accepted for asynchronous ingestion. Sent through the
/// Chatbot's outbox to its own queue (<c>chatbot-ingest-document</c>); the passages are in the job row, so
/// redeliveries are cheap and idempotent by <see cref="JobId"/>.
/// </summary>
public sealed record IngestDocument
{
    /// <summary>The ingestion job (the key every consumer deduplicates on).</summary>
    public required Guid JobId { get; init; }

    /// <summary>The organisation whose knowledge base the document belongs to.</summary>
    public required Guid OrgId { get; init; }
}
