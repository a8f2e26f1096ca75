using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Analyzer.Data;
using Platform.Contracts;
using Platform.Data;
using Platform.Documents;
using Platform.Jobs;
using Platform.Jobs.Webhooks;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Analyzer.Apis;

/// <summary>What the job carries from the request to the worker (the document itself is in the session).</summary>
public sealed record AnalysisJobInput(Guid SessionId, string UserId, IReadOnlyList<string> Prompts, string? Language);

/// <summary>
/// The same analysis as <c>/analyze</c>, asynchronously over RabbitMQ: <c>POST /jobs</c> answers 202 at once (the job
/// and its command are committed together), <c>GET /jobs/{id}</c> follows it; an optional <c>callback_url</c> gets the
/// signed result.
/// </summary>
public static class JobsApi
{
    public const string Kind = "analysis";

    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder app, long maxUploadBytes)
    {
        var api = app.MapGroup("/api/v1/analyzer/jobs").WithTags("Jobs").RequireScope(Scopes.Analyzer);
        api.MapPost("/", SubmitJobAsync).WithName("SubmitAnalysisJob")
            .WithSummary("Form as /analyze plus optional callback_url; 202 with the job id and Location.")
            .DisableAntiforgery()
            .AcceptsBodiesUpTo(maxUploadBytes + 64 * 1024);
        api.MapGet("/{id:guid}", GetJobAsync).WithName("GetAnalysisJob")
            .WithSummary("status queued|running|succeeded|failed, progress (prompts done of total), result or error.");
        return api;
    }

    public static async Task<Results<Accepted<JobAccepted>, ValidationProblem>> SubmitJobAsync(
        HttpRequest request, CallerIdentity caller, IDocumentExtractor extractor, IJobStore jobs,
        IOptions<JobsOptions> jobOptions, TimeProvider clock, CancellationToken ct)
    {
        var input = await AnalysisInput.ReadAsync(request, extractor, ct);
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
        var sessionId = Guid.CreateVersion7(now);
        var document = input.Document!;
        var jobId = Guid.CreateVersion7(now);
        // The session and the job in one statement: both or neither.
        await jobs.EnqueueAsync(caller.OrgId, Kind, new AnalysisJobInput(sessionId, input.UserId!, input.Prompts!, input.Language),
            new AnalyzeDocument { JobId = jobId, OrgId = caller.OrgId }, input.CallbackUrl,
            SessionStore.QueuedWrite(sessionId, caller.OrgId, input.UserId!, document.FileName, document.Text, AnalysisInput.Passages(document), now), ct);

        var location = $"/api/v1/analyzer/jobs/{jobId}";
        return TypedResults.Accepted(location, new JobAccepted(jobId, sessionId, JobStatus.Queued, location));
    }

    // A succeeded job's row keeps { session_id } only; its sections are the session's (null once it was deleted).
    public static async Task<Results<Ok<JobView>, NotFound>> GetJobAsync(
        Guid id, CallerIdentity caller, IJobStore jobs, SessionStore sessions, CancellationToken ct) =>
        await JobView.ReadAsync(jobs, caller.OrgId, id, Kind, "sections", async (sessionId, token) =>
        {
            var sections = await sessions.GetSectionsJsonAsync(caller.OrgId, sessionId, token);
            using var document = sections is null ? null : JsonDocument.Parse(sections);
            return JsonSerializer.SerializeToElement(new JobResult(sessionId, document?.RootElement), Jsonb.Options);
        }, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    /// <summary>A succeeded analysis job's result: its session and the sections it holds.</summary>
    private sealed record JobResult(Guid SessionId, JsonElement? Sections);
}
