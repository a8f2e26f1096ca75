namespace Platform.Jobs;

/// <summary>
/// The job table and its transactional outbox. Every change that others must hear of (the command of a new job, the
/// completion event, the webhook) is committed in the same transaction as the change itself.
/// </summary>
public interface IJobStore
{
    /// <summary>
    /// Accepts a job: inserts it and the outbox row carrying <paramref name="message"/> (its command, whose <c>JobId</c>
    /// is the new job's id and whose <c>OrgId</c> is <paramref name="orgId"/>) in one transaction, so an accepted job
    /// is never lost. Enqueueing the same job id again for the same organisation returns the existing job and sends
    /// nothing. <paramref name="input"/> is stored as snake_case JSON; <paramref name="callbackUrl"/> must already have
    /// passed <see cref="Webhooks.CallbackUrlValidator"/> and needs <c>Jobs:WebhookSecret</c>.
    /// </summary>
    Task<Job> EnqueueAsync(Guid orgId, string kind, object input, object message, string? callbackUrl, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="EnqueueAsync(Guid, string, object, object, string?, CancellationToken)"/>, with a statement of the
    /// service's own (<see cref="JobWrite.OnEnqueue"/>, the job's session, say) in the same statement: both are
    /// committed or neither is, in one round trip, and enqueueing the same job id again writes neither.
    /// </summary>
    Task<Job> EnqueueAsync(
        Guid orgId, string kind, object input, object message, string? callbackUrl, JobWrite alongside, CancellationToken cancellationToken = default);

    /// <summary>The job, if it exists in <paramref name="orgId"/> (another organisation's job is not found).</summary>
    Task<Job?> GetAsync(Guid orgId, Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the job for <paramref name="worker"/> for <paramref name="lease"/>: queued, or running under an expired
    /// lease (its worker died), or running under this same <paramref name="worker"/> (a retry of the same delivery).
    /// False when it is finished or leased by a live worker: a redelivered message must then do nothing.
    /// </summary>
    Task<bool> TryClaimAsync(Guid jobId, string worker, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="TryClaimAsync"/>, within <paramref name="orgId"/>, returning the claimed job (or null).</summary>
    Task<Job?> ClaimAsync(Guid orgId, Guid jobId, string worker, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="ClaimAsync(Guid, Guid, string, TimeSpan, CancellationToken)"/>, with the service's own
    /// <paramref name="alongside"/> write (<see cref="JobWrite.OnClaim"/>) in the same statement; the job and what the
    /// write returned, or null when the job could not be claimed (then nothing was written).
    /// </summary>
    Task<ClaimedJob?> ClaimAsync(Guid orgId, Guid jobId, string worker, TimeSpan lease, JobWrite? alongside, CancellationToken cancellationToken = default);

    /// <summary>Extends the lease while <paramref name="worker"/> still holds the running job; false once it lost it.</summary>
    Task<bool> RenewLeaseAsync(Guid jobId, string worker, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Ends <paramref name="worker"/>'s lease now (shutting down), so a redelivery or the reaper takes the job at once.</summary>
    Task<bool> ReleaseAsync(Guid jobId, string worker, CancellationToken cancellationToken = default);

    /// <summary>Records progress of a running job (<paramref name="done"/> of <paramref name="total"/> steps).</summary>
    Task<bool> ReportProgressAsync(Guid jobId, int done, int total, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the job succeeded with <paramref name="result"/> (stored as snake_case JSON) and, in the same transaction,
    /// writes its completion event to the outbox and its webhook delivery when it has a callback. Only the first
    /// completion counts: false (and nothing written) when the job had already finished.
    /// </summary>
    Task<bool> CompleteAsync(Guid jobId, object result, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="CompleteAsync"/>, but failed with <paramref name="error"/> as the reason.</summary>
    Task<bool> FailAsync(Guid jobId, string error, CancellationToken cancellationToken = default);
}
