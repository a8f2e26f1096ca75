namespace Platform.Contracts;

/// <summary>
/// Event: an asynchronous ingestion finished, successfully or not. Published once per job (at least once on the
/// wire: key on <see cref="JobId"/>) to the fanout exchange <c>Platform.Contracts:DocumentIngested</c>.
/// </summary>
public sealed record DocumentIngested
{
    /// <summary>The ingestion job.</summary>
    public required Guid JobId { get; init; }

    /// <summary>The organisation.</summary>
    public required Guid OrgId { get; init; }

    /// <summary>The document, when the job got as far as reading its input.</summary>
    public Guid? DocumentId { get; init; }

    /// <summary><c>succeeded</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Why it failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>When it finished (UTC).</summary>
    public required DateTimeOffset CompletedAt { get; init; }
}
