using System.Text.Json;

namespace Platform.Jobs;

/// <summary>The answer to a job submission: 202 with the job, the session it fills, and where to follow it.</summary>
public sealed record JobAccepted(Guid JobId, Guid SessionId, string Status, string StatusUrl);

/// <summary>Steps done of the job's total (prompts, analyses).</summary>
public sealed record JobProgress(int Done, int Total);

/// <summary>A job as clients see it at <c>GET /jobs/{id}</c>.</summary>
public sealed record JobView(
    Guid JobId, string Status, JobProgress Progress, Guid? SessionId, JsonElement? Result, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    /// <summary>
    /// The view of <paramref name="job"/> when it is of <paramref name="kind"/> (null otherwise, which callers answer
    /// 404); the session is read from the job input's <c>session_id</c>.
    /// </summary>
    public static JobView? From(Job? job, string kind)
    {
        if (job is null || job.Kind != kind)
        {
            return null;
        }

        Guid? sessionId = job.Input.ValueKind == JsonValueKind.Object
            && job.Input.TryGetProperty("session_id", out var s) && s.TryGetGuid(out var parsed) ? parsed : null;
        return new JobView(job.Id, job.Status, new JobProgress(job.ProgressDone, job.ProgressTotal), sessionId,
            job.Result, job.Error, job.CreatedAt, job.StartedAt, job.FinishedAt);
    }

    /// <summary>
    /// Job <paramref name="id"/> of <paramref name="kind"/> as <paramref name="orgId"/> sees it (null: not found, 404),
    /// with a result stored as a reference to its session (see <see cref="ResultIsSessionReference"/>) replaced by
    /// <paramref name="fromSession"/>'s composition of it from the session.
    /// </summary>
    public static async Task<JobView?> ReadAsync(
        IJobStore jobs, Guid orgId, Guid id, string kind, string resultProperty,
        Func<Guid, CancellationToken, Task<JsonElement>> fromSession, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(fromSession);
        if (From(await jobs.GetAsync(orgId, id, cancellationToken), kind) is not { } view)
        {
            return null;
        }

        return view.ResultIsSessionReference(resultProperty, out var sessionId)
            ? view with { Result = await fromSession(sessionId, cancellationToken) }
            : view;
    }

    /// <summary>
    /// Whether this succeeded job's stored result is only a reference to its session (<c>{ session_id }</c>, kept by
    /// <see cref="JobContext{TMessage}.StoreResultAs"/>) rather than the result itself, which has
    /// <paramref name="resultProperty"/> (rows written before the service stored references keep their whole result).
    /// </summary>
    public bool ResultIsSessionReference(string resultProperty, out Guid sessionId)
    {
        sessionId = Guid.Empty;
        return Status == JobStatus.Succeeded
            && Result is { ValueKind: JsonValueKind.Object } result
            && !result.TryGetProperty(resultProperty, out _)
            && result.TryGetProperty("session_id", out var reference) && reference.TryGetGuid(out sessionId);
    }
}
