namespace Platform.Contracts;

/// <summary>
/// Command: analyse the document of an accepted Analyzer job. Sent through the Analyzer's outbox to its own queue
/// (<c>analyzer-analyze-document</c>), where competing workers consume it. Everything else the job needs (the
/// document, the prompt subset) is in the job row, so redeliveries are cheap and idempotent by <see cref="JobId"/>.
/// </summary>
public sealed record AnalyzeDocument
{
    /// <summary>The job to run (the key every consumer deduplicates on).</summary>
    public required Guid JobId { get; init; }

    /// <summary>The organisation that submitted it; the job is looked up within it.</summary>
    public required Guid OrgId { get; init; }
}
