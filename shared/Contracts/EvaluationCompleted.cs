namespace Platform.Contracts;

/// <summary>
/// Event: an Evaluator job finished, successfully or not. Published once per job (at least once on the wire: key on
/// <see cref="JobId"/>) to the fanout exchange <c>Platform.Contracts:EvaluationCompleted</c>; an external background
/// consumer binds a queue of its own to that exchange to receive every completion.
/// </summary>
public sealed record EvaluationCompleted
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }

    /// <summary>The organisation that submitted it.</summary>
    public required Guid OrgId { get; init; }

    /// <summary>The evaluation session the job stored, when it succeeded.</summary>
    public Guid? SessionId { get; init; }

    /// <summary><c>succeeded</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Why it failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>When it finished (UTC).</summary>
    public required DateTimeOffset CompletedAt { get; init; }
}
