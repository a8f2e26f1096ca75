using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Data;
using Platform.Documents;
using Platform.Evaluator.Data;
using Platform.Jobs;
using Platform.Jobs.Webhooks;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Evaluator.Apis;

/// <summary>What the job carries from the request to the worker (the proposal and ToR are in the session).</summary>
public sealed record EvaluationJobInput(Guid SessionId, string UserId, string? Language, IReadOnlyList<Guid>? GuidelineIds);

/// <summary>
/// The same evaluation as <c>/evaluate</c>, asynchronously over RabbitMQ with the shared job machinery: <c>POST /jobs</c>
/// answers 202 at once, <c>GET /jobs/{id}</c> follows it; an optional <c>callback_url</c> gets the signed result.
/// </summary>
public static class JobsApi
{
    public const string Kind = "evaluation";

    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder app, long maxUploadBytes)
    {
        var api = app.MapGroup("/api/v1/evaluator/jobs").WithTags("Jobs").RequireScope(Scopes.Evaluator);
        api.MapPost("/", SubmitJobAsync).WithName("SubmitEvaluationJob")
            .WithSummary("Form as /evaluate plus optional callback_url; 202 with the job id and Location.")
            .DisableAntiforgery()
            .AcceptsBodiesUpTo((2 * maxUploadBytes) + (64 * 1024));
        api.MapGet("/{id:guid}", GetJobAsync).WithName("GetEvaluationJob")
            .WithSummary("status queued|running|succeeded|failed, progress (analyses done of 3), result or error.");
        return api;
    }

    public static async Task<Results<Accepted<JobAccepted>, ValidationProblem>> SubmitJobAsync(
        HttpRequest request, CallerIdentity caller, IDocumentExtractor extractor, IJobStore jobs,
        IOptions<JobsOptions> jobOptions, TimeProvider clock, CancellationToken ct)
    {
        var input = await EvaluationInput.ReadAsync(request, extractor, ct);
        if (input.Errors is not null)
        {
            return TypedResults.ValidationProblem(input.Errors);
        }

        if (input.CallbackUrl is not null
            && await CallbackUrlValidator.ValidateAsync(input.CallbackUrl, jobOptions.Value.AllowPrivateCallbacks, ct) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["callback_url"] = [problem] });
        }

        var now = clock.GetUtcNow();
        var session = input.ToSession(Guid.CreateVersion7(now), caller.OrgId);
        var jobId = Guid.CreateVersion7(now);
        // The session and the job in one statement: both or neither.
        await jobs.EnqueueAsync(caller.OrgId, Kind, new EvaluationJobInput(session.Id, session.UserId, session.Language, input.GuidelineIds),
            new EvaluateProposal { JobId = jobId, OrgId = caller.OrgId }, input.CallbackUrl, SessionStore.QueuedWrite(session, now), ct);

        var location = $"/api/v1/evaluator/jobs/{jobId}";
        return TypedResults.Accepted(location, new JobAccepted(jobId, session.Id, JobStatus.Queued, location));
    }

    // A succeeded job's row keeps { session_id } only; its analyses are the session's (null once it was deleted).
    public static async Task<Results<Ok<JobView>, NotFound>> GetJobAsync(
        Guid id, CallerIdentity caller, IJobStore jobs, SessionStore sessions, CancellationToken ct) =>
        await JobView.ReadAsync(jobs, caller.OrgId, id, Kind, "internal_analysis", async (sessionId, token) =>
        {
            var stored = await sessions.GetJobResultJsonAsync(caller.OrgId, sessionId, token);
            using var document = JsonDocument.Parse(stored ?? Jsonb.Serialize(new DeletedSessionResult(sessionId)));
            return document.RootElement.Clone();
        }, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    /// <summary>A succeeded evaluation job's result once its session was deleted: the reference, no analyses.</summary>
    private sealed record DeletedSessionResult(
        Guid SessionId, object? InternalAnalysis = null, object? ExternalAnalysis = null, object? DeltaAnalysis = null,
        object? Alignment = null, object? Guidelines = null);
}
