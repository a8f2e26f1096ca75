using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Platform.AI;
using Platform.Contracts;
using Platform.Data;
using Platform.Data.Sessions;
using Platform.Documents.Export;
using Platform.Evaluator.Alignment;
using Platform.Evaluator.Data;
using Platform.Evaluator.Evaluation;
using Platform.Evaluator.Model;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;
using Platform.ServiceDefaults.Prompts;

namespace Platform.Evaluator.Apis;

/// <summary>A user's evaluations: list, read, delete, ask follow-up questions, give feedback, export.</summary>
public static class SessionsApi
{
    public const int MaxQuestionLength = 2_000;

    /// <summary>The parts of an evaluation feedback may be about.</summary>
    public static readonly IReadOnlySet<string> Parts = new HashSet<string>(["internal", "external", "delta", "alignment"], StringComparer.Ordinal);

    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/evaluator/sessions").WithTags("Sessions").RequireScope(Scopes.Evaluator);
        api.MapGet("/", ListSessionsAsync).WithName("ListEvaluationSessions").WithSummary("Newest first; filter by user_id; keyset-paginated.");
        api.MapGet("/{id:guid}", GetSessionAsync).WithName("GetEvaluationSession");
        api.MapDelete("/{id:guid}", DeleteSessionAsync).WithName("DeleteEvaluationSession");
        api.MapPost("/{id:guid}/followup", AskFollowupAsync).WithName("AskEvaluationFollowup")
            .WithSummary("Answered from the proposal, the ToR, the three analyses, the alignment table and the earlier questions.");
        api.MapPost("/{id:guid}/feedback", GiveFeedbackAsync).WithName("GiveEvaluationFeedback")
            .WithSummary("rating 1-5, optional comment and part (internal, external, delta or alignment).");
        api.MapGet("/{id:guid}/export", ExportSessionAsync).WithName("ExportEvaluationSession").WithSummary("format=md (default) or docx.");
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
        EvaluationRunner evaluation, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation().Text("question", request.Question, MaxQuestionLength);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var session = await sessions.GetDocumentsAsync(caller.OrgId, id, ct);
        if (session is null)
        {
            return TypedResults.NotFound();
        }

        if (session.Status != "completed")
        {
            return Problems.Conflict($"The evaluation is {session.Status}; ask follow-up questions once it has completed.");
        }

        var prompt = await prompts.ResolveAsync(caller.OrgId, PromptKeys.EvaluatorFollowup, ct)
            ?? throw new InvalidOperationException("No prompt is configured for evaluator.followup.");
        var history = await sessions.FollowupsAsync(id, ct);
        var parts = new[] { session.InternalAnalysis, session.ExternalAnalysis, session.DeltaAnalysis }.OfType<AnalysisPart>();
        var result = await runner.RunAsync(new PromptRequest(
            PromptKeys.EvaluatorFollowup, prompt.Template, prompt.Parameters.Temperature, prompt.Parameters.MaxTokens,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["proposal"] = session.ProposalText,
                ["passages"] = JsonSerializer.Serialize(session.ProposalPassages, Jsonb.Options),
                ["tor"] = session.TorText,
                ["evaluation"] = string.Join("\n\n", parts.Select(p => $"{p.Title}:\n{p.Content}")
                    .Append(session.Alignment is null ? string.Empty : "Alignment table:\n" + AlignmentEngine.ToMarkdown(session.Alignment))),
                ["history"] = string.Join("\n", history.Select(h => $"Q: {h.Question}\nA: {h.Answer}")),
                ["question"] = request.Question!.Trim(),
                ["language"] = evaluation.Language(session.Language),
            },
            caller.OrgId, id), ct);
        var followup = await sessions.AddFollowupAsync(id, request.Question.Trim(), result.Text, clock.GetUtcNow(), ct);
        return TypedResults.Created($"/api/v1/evaluator/sessions/{id}", followup);
    }

    public static async Task<Results<Created<FeedbackRecord>, NotFound, ValidationProblem>> GiveFeedbackAsync(
        Guid id, FeedbackRequest request, CallerIdentity caller, SessionStore sessions, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation().Feedback(request.Rating, request.Comment);
        var part = string.IsNullOrWhiteSpace(request.Part) ? null : request.Part.Trim().ToLowerInvariant();
        if (part is not null && !Parts.Contains(part))
        {
            validation.Add("part", "Name one part among internal, external, delta, alignment.");
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        if (!await sessions.ExistsAsync(caller.OrgId, id, ct))
        {
            return TypedResults.NotFound();
        }

        var record = await sessions.AddFeedbackAsync(id, request.Rating!.Value, request.Comment?.Trim(), part, clock.GetUtcNow(), ct);
        return TypedResults.Created($"/api/v1/evaluator/sessions/{id}", record);
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

        var sections = new List<ExportSection>();
        if (session.Alignment is { } alignment)
        {
            sections.Add(new ExportSection("Alignment with the Terms of Reference",
                $"Alignment score **{alignment.Score.ToString(CultureInfo.InvariantCulture)}/100**: {alignment.Covered} covered, {alignment.Partial} partial, {alignment.Missing} missing.",
                [AlignmentTable(alignment)]));
        }

        sections.AddRange(new[] { session.InternalAnalysis, session.ExternalAnalysis, session.DeltaAnalysis }
            .OfType<AnalysisPart>()
            .Select(p => new ExportSection(p.Title, p.Content)));
        if (GuidelinesSection(session.Guidelines) is { } guidelines)
        {
            sections.Add(guidelines);
        }

        var document = new ExportDocument(
            $"Evaluation: {session.ProposalName ?? "proposal"} against {session.TorName ?? "Terms of Reference"}",
            [
                new("Session", session.Id.ToString()),
                new("User", session.UserId),
                new("Status", session.Status),
                new("Created", session.CreatedAt.ToString("u", CultureInfo.InvariantCulture)),
                new("Provider", session.Provider ?? "-"),
            ],
            sections,
            [.. session.Followups.Select(f => new ExportExchange(f.Question, f.Answer, f.CreatedAt))]);
        var bytes = exportFormat == ExportFormat.Docx ? exporter.ToDocx(document) : exporter.ToMarkdown(document);
        var name = $"evaluation-{session.Id:N}{ExportFormats.Extension(exportFormat)}";
        return TypedResults.File(bytes, ExportFormats.ContentType(exportFormat), name);
    }

    // Which guidelines the internal review applied, so a reader of the file can tell the rules it was held to.
    private static ExportSection? GuidelinesSection(GuidelinesUsed? used)
    {
        if (used is null)
        {
            return null;
        }

        if (used.Count == 0)
        {
            return new ExportSection("Guidelines used", "The internal review applied no guidelines (none were set for the organisation or selected).");
        }

        return new ExportSection(
            "Guidelines used",
            string.Create(CultureInfo.InvariantCulture, $"The internal review applied {used.Count} guideline(s): {used.Global} global, {used.Organisation} of the organisation."),
            [new ExportTable(
                ["#", "Guideline", "Scope", "Note"],
                [.. used.Items.Select((g, i) => (IReadOnlyList<string>)
                [
                    (i + 1).ToString(CultureInfo.InvariantCulture),
                    g.Title,
                    g.Scope,
                    g.Overrides is null ? "-" : "replaces the global guideline of this title",
                ])])]);
    }

    private static ExportTable AlignmentTable(AlignmentTable alignment) => new(
        ["#", "Requirement", "Category", "Status", "Coverage", "Proposal passage", "Location"],
        [.. alignment.Requirements.Select(r => (IReadOnlyList<string>)
        [
            r.Number.ToString(CultureInfo.InvariantCulture),
            r.Requirement,
            r.Category,
            $"**{r.Status}**",
            r.Coverage.ToString("P0", CultureInfo.InvariantCulture),
            r.Passage ?? "-",
            AlignmentEngine.Location(r).TrimStart(',', ' ') is { Length: > 0 } location ? location : "-",
        ])]);
}
