using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.AI;
using Platform.Analyzer.Analysis;
using Platform.Analyzer.Data;
using Platform.Analyzer.Model;
using Platform.Contracts;
using Platform.Data;
using Platform.Data.Sessions;
using Platform.Documents.Export;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;
using Platform.ServiceDefaults.Prompts;

namespace Platform.Analyzer.Apis;

/// <summary>A user's analyses: list, read, delete, ask follow-up questions, give feedback, export.</summary>
public static class SessionsApi
{
    public const int MaxQuestionLength = 2_000;

    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/analyzer/sessions").WithTags("Sessions").RequireScope(Scopes.Analyzer);
        api.MapGet("/", ListSessionsAsync).WithName("ListSessions").WithSummary("Newest first; filter by user_id; keyset-paginated.");
        api.MapGet("/{id:guid}", GetSessionAsync).WithName("GetSession");
        api.MapDelete("/{id:guid}", DeleteSessionAsync).WithName("DeleteSession");
        api.MapPost("/{id:guid}/followup", AskFollowupAsync).WithName("AskFollowup")
            .WithSummary("Answered from the document, the analysis and the earlier questions, quoting passages with their location.");
        api.MapPost("/{id:guid}/feedback", GiveFeedbackAsync).WithName("GiveFeedback");
        api.MapGet("/{id:guid}/export", ExportSessionAsync).WithName("ExportSession").WithSummary("format=md (default) or docx.");
        return api;
    }

    public static async Task<Results<Ok<Page<SessionSummary>>, ValidationProblem>> ListSessionsAsync(
        CallerIdentity caller, SessionStore sessions, [FromQuery(Name = "user_id")] string? userId, int? limit, string? cursor, CancellationToken ct)
    {
        var validation = Cursor.ValidateSessionList(userId, limit, cursor, out var user, out var pageSize, out var after);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        return TypedResults.Ok(await sessions.ListAsync(caller.OrgId, user, pageSize, after, ct));
    }

    public static async Task<Results<Ok<Session>, NotFound>> GetSessionAsync(Guid id, CallerIdentity caller, SessionStore sessions, CancellationToken ct) =>
        await sessions.GetAsync(caller.OrgId, id, ct) is { } session ? TypedResults.Ok(session) : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> DeleteSessionAsync(Guid id, CallerIdentity caller, SessionStore sessions, CancellationToken ct) =>
        await sessions.DeleteAsync(caller.OrgId, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Results<Created<Followup>, NotFound, ValidationProblem, ProblemHttpResult>> AskFollowupAsync(
        Guid id, FollowupRequest request, CallerIdentity caller, SessionStore sessions, PromptClient prompts, IPromptRunner runner,
        IOptions<AnalysisOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation().Text("question", request.Question, MaxQuestionLength);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var session = await sessions.GetDocumentAsync(caller.OrgId, id, ct);
        if (session is null)
        {
            return TypedResults.NotFound();
        }

        if (session.Status != "completed")
        {
            return Problems.Conflict($"The analysis is {session.Status}; ask follow-up questions once it has completed.");
        }

        var prompt = await prompts.ResolveAsync(caller.OrgId, PromptKeys.AnalyzerFollowup, ct)
            ?? throw new InvalidOperationException("No prompt is configured for analyzer.followup.");
        var history = await sessions.FollowupsAsync(id, ct);
        var result = await runner.RunAsync(new PromptRequest(
            PromptKeys.AnalyzerFollowup, prompt.Template, prompt.Parameters.Temperature, prompt.Parameters.MaxTokens,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["document"] = session.DocumentText,
                ["passages"] = JsonSerializer.Serialize(session.Passages, Jsonb.Options),
                ["sections"] = string.Join("\n\n", session.Sections.Select(s => $"{s.Title}:\n{s.Content}")),
                ["history"] = string.Join("\n", history.Select(h => $"Q: {h.Question}\nA: {h.Answer}")),
                ["question"] = request.Question!.Trim(),
                ["language"] = options.Value.DefaultLanguage,
            },
            caller.OrgId, id), ct);
        var followup = await sessions.AddFollowupAsync(id, request.Question.Trim(), result.Text, clock.GetUtcNow(), ct);
        return TypedResults.Created($"/api/v1/analyzer/sessions/{id}", followup);
    }

    public static async Task<Results<Created<FeedbackRecord>, NotFound, ValidationProblem>> GiveFeedbackAsync(
        Guid id, FeedbackRequest request, CallerIdentity caller, SessionStore sessions, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation().Feedback(request.Rating, request.Comment);
        string? section = null;
        if (!string.IsNullOrWhiteSpace(request.Section))
        {
            section = AnalysisRunner.ParseSubset(request.Section) is [var one] ? one : null;
            if (section is null)
            {
                validation.Add("section", "Name one section among p1, p2, p3, p4, p5.");
            }
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        if (await sessions.GetDocumentAsync(caller.OrgId, id, ct) is null)
        {
            return TypedResults.NotFound();
        }

        var record = await sessions.AddFeedbackAsync(id, request.Rating!.Value, request.Comment?.Trim(), section, clock.GetUtcNow(), ct);
        return TypedResults.Created($"/api/v1/analyzer/sessions/{id}", record);
    }

    public static async Task<Results<FileContentHttpResult, NotFound, ValidationProblem>> ExportSessionAsync(
        Guid id, string? format, CallerIdentity caller, SessionStore sessions, IDocumentExporter exporter, CancellationToken ct)
    {
        if (!ExportFormats.TryParseFormat(format ?? "md", out var exportFormat))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["Use format=md or format=docx."] });
        }

        var session = await sessions.GetAsync(caller.OrgId, id, ct);
        if (session is null)
        {
            return TypedResults.NotFound();
        }

        var document = new ExportDocument(
            $"Analysis: {session.DocumentName ?? "pasted text"}",
            [
                new("Session", session.Id.ToString()),
                new("User", session.UserId),
                new("Status", session.Status),
                new("Created", session.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture)),
                new("Provider", session.Provider ?? "-"),
            ],
            [.. session.Sections.Select(s => new ExportSection(s.Title, s.Content))],
            [.. session.Followups.Select(f => new ExportExchange(f.Question, f.Answer, f.CreatedAt))]);
        var bytes = exportFormat == ExportFormat.Docx ? exporter.ToDocx(document) : exporter.ToMarkdown(document);
        var name = $"analysis-{session.Id:N}{ExportFormats.Extension(exportFormat)}";
        return TypedResults.File(bytes, ExportFormats.ContentType(exportFormat), name);
    }
}
