using System.Text.Json;

namespace Platform.Jobs;

/// <summary>The states of a job, as stored in <c>jobs.status</c> and shown to clients.</summary>
public static class JobStatus
{
    /// <summary>Accepted; its command is on the way to a worker.</summary>
    public const string Queued = "queued";

    /// <summary>A worker holds its lease and runs it.</summary>
    public const string Running = "running";

    /// <summary>Finished with a result.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Finished with an error.</summary>
    public const string Failed = "failed";

    /// <summary>True for <see cref="Succeeded"/> and <see cref="Failed"/>: nothing will change the job any more.</summary>
    public static bool IsFinished(string status) => status is Succeeded or Failed;
}

/// <summary>One accepted job, as stored.</summary>
/// <param name="Id">The job id (also the command's <c>JobId</c>).</param>
/// <param name="OrgId">The organisation that submitted it.</param>
/// <param name="Kind">What it does (<c>analysis</c>, <c>evaluation</c>), as registered with <see cref="JobsBuilder.AddJob{TCommand, TCompleted}"/>.</param>
/// <param name="Status">One of <see cref="JobStatus"/>.</param>
/// <param name="ProgressDone">Steps done.</param>
/// <param name="ProgressTotal">Steps in all (0 until the worker reports).</param>
/// <param name="Input">What the job works on, as submitted (snake_case JSON).</param>
/// <param name="Result">Its result once succeeded (snake_case JSON).</param>
/// <param name="Error">Why it failed, once failed.</param>
/// <param name="CallbackUrl">Where its outcome is POSTed, if the client asked.</param>
/// <param name="Attempts">Deliveries that started it (retries within one delivery count once).</param>
/// <param name="LeaseUntil">Until when its worker holds it without renewing.</param>
/// <param name="Worker">The delivery (<c>host:pid/token</c>) that holds or last held it.</param>
/// <param name="CreatedAt">Accepted at (UTC).</param>
/// <param name="StartedAt">First started at.</param>
/// <param name="FinishedAt">Finished at.</param>
/// <param name="UpdatedAt">Last changed at.</param>
public sealed record Job(
    Guid Id,
    Guid OrgId,
    string Kind,
    string Status,
    int ProgressDone,
    int ProgressTotal,
    JsonElement Input,
    JsonElement? Result,
    string? Error,
    string? CallbackUrl,
    int Attempts,
    DateTimeOffset? LeaseUntil,
    string? Worker,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset UpdatedAt);

/// <summary>How a job finished: what its completion event and webhook say.</summary>
/// <param name="JobId">The job.</param>
/// <param name="OrgId">Its organisation.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Status"><see cref="JobStatus.Succeeded"/> or <see cref="JobStatus.Failed"/>.</param>
/// <param name="Result">The result when it succeeded.</param>
/// <param name="Error">The reason when it failed.</param>
/// <param name="CompletedAt">When it finished (UTC).</param>
public sealed record JobOutcome(
    Guid JobId, Guid OrgId, string Kind, string Status, JsonElement? Result, string? Error, DateTimeOffset CompletedAt)
{
    /// <summary>The <c>session_id</c> of the result, when the result is an object that has one (a uuid).</summary>
    public Guid? SessionId =>
        Result is { ValueKind: JsonValueKind.Object } result
        && result.TryGetProperty("session_id", out var value)
        && value.ValueKind == JsonValueKind.String
        && value.TryGetGuid(out var id)
            ? id
            : null;
}

/// <summary>A claimed job and the value its claim's <see cref="JobWrite.OnClaim"/> write returned (null if none).</summary>
public sealed record ClaimedJob(Job Job, string? ClaimedValue);
