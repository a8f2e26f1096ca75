namespace Platform.Contracts;

/// <summary>
/// Command: evaluate the proposal of an accepted Evaluator job. Sent through the Evaluator's outbox to its own queue
/// (<c>evaluator-evaluate-proposal</c>), where competing workers consume it. The proposal and Terms of Reference are
/// in the job row, so redeliveries are cheap and idempotent by <see cref="JobId"/>.
/// </summary>
public sealed record EvaluateProposal
{
    /// <summary>The job to run (the key every consumer deduplicates on).</summary>
    public required Guid JobId { get; init; }

    /// <summary>The organisation that submitted it; the job is looked up within it.</summary>
    public required Guid OrgId { get; init; }
}
