using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Documents;
using Platform.Evaluator.Data;
using Platform.Evaluator.Evaluation;
using Platform.Evaluator.Model;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Evaluator.Apis;

public sealed record EvaluationResponse(
    Guid SessionId, string UserId, string? ProposalName, string? TorName, string Status, AnalysisPart InternalAnalysis,
    AnalysisPart ExternalAnalysis, AnalysisPart DeltaAnalysis, AlignmentTable Alignment, GuidelinesUsed Guidelines,
    TokenTotals TokenUsage, string Provider, DateTimeOffset CreatedAt);

/// <summary>
/// <c>POST /evaluate</c>, the legacy synchronous evaluation: form fields <c>user_id</c>, <c>proposal_text_input</c> or
/// file <c>proposal_file</c>, <c>tor_text_input</c> or file <c>tor_file</c>, optional <c>guideline_ids</c> and
/// <c>language</c>.
/// </summary>
public static class EvaluationApi
{
    public static RouteGroupBuilder MapEvaluationApi(this IEndpointRouteBuilder app, long maxUploadBytes)
    {
        var api = app.MapGroup("/api/v1/evaluator").WithTags("Evaluation").RequireScope(Scopes.Evaluator);
        api.MapPost("/evaluate", EvaluateAsync).WithName("Evaluate")
            .WithSummary("Form: user_id, proposal_text_input or proposal_file, tor_text_input or tor_file, optional guideline_ids and language.")
            .DisableAntiforgery()
            .AcceptsBodiesUpTo((2 * maxUploadBytes) + (64 * 1024));
        return api;
    }

    public static async Task<Results<Ok<EvaluationResponse>, ValidationProblem>> EvaluateAsync(
        HttpRequest request, CallerIdentity caller, IDocumentExtractor extractor, EvaluationRunner runner, SessionStore sessions,
        TimeProvider clock, CancellationToken ct)
    {
        var input = await EvaluationInput.ReadAsync(request, extractor, ct);
        if (input.Errors is not null)
        {
            return TypedResults.ValidationProblem(input.Errors);
        }

        var now = clock.GetUtcNow();
        var session = input.ToSession(Guid.CreateVersion7(now), caller.OrgId);
        await sessions.InsertAsync(session, "running", now, ct);
        try
        {
            var result = await runner.RunAsync(caller.OrgId, session.Id, session.ProposalText, session.ProposalPassages, session.TorText,
                session.Language, input.GuidelineIds, null, ct);
            await sessions.CompleteAsync(session.Id, result, clock.GetUtcNow(), ct);
            return TypedResults.Ok(new EvaluationResponse(session.Id, session.UserId, session.ProposalName, session.TorName, "completed",
                result.Internal, result.External, result.Delta, result.Alignment, result.Guidelines, result.TokenUsage, result.Provider, now));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await sessions.MarkAsync(session.Id, "failed", "The evaluation could not be completed.", clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }
}

/// <summary>The evaluation form, validated: who, which proposal, which Terms of Reference.</summary>
public sealed record EvaluationInput(
    string? UserId, ExtractedDocument? Proposal, ExtractedDocument? Terms, string? Language, string? CallbackUrl,
    IReadOnlyList<Guid> GuidelineIds, Dictionary<string, string[]>? Errors)
{
    public static async Task<EvaluationInput> ReadAsync(HttpRequest request, IDocumentExtractor extractor, CancellationToken ct)
    {
        var form = await DocumentInput.ReadFormAsync(request, ct);
        var userId = form["user_id"].ToString().Trim();
        var validation = new Validation().Text("user_id", userId, 200);
        var language = form["language"].ToString().Trim();
        validation.Text("language", language, 40, required: false);
        var guidelineIds = new List<Guid>();
        foreach (var part in form["guideline_ids"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (Guid.TryParse(part, out var guidelineId))
            {
                guidelineIds.Add(guidelineId);
            }
            else
            {
                validation.Add("guideline_ids", $"'{part}' is not a guideline id (comma-separated ids).");
            }
        }
        var callbackUrl = form["callback_url"].ToString().Trim();

        // Missing documents are named per field before any upload is extracted (and possibly 413/415/422).
        if (form.Files.GetFile("proposal_file") is null && string.IsNullOrWhiteSpace(form["proposal_text_input"]))
        {
            validation.Add("proposal_text_input", "Send the proposal as the file field 'proposal_file' or paste it as 'proposal_text_input'.");
        }

        if (form.Files.GetFile("tor_file") is null && string.IsNullOrWhiteSpace(form["tor_text_input"]))
        {
            validation.Add("tor_text_input", "Send the Terms of Reference as the file field 'tor_file' or paste them as 'tor_text_input'.");
        }

        if (!validation.IsValid)
        {
            return new EvaluationInput(userId, null, null, language, callbackUrl, guidelineIds, validation.Errors);
        }

        var proposal = await DocumentInput.ReadDocumentAsync(form, extractor, "proposal_file", "proposal_text_input", ct);
        var terms = await DocumentInput.ReadDocumentAsync(form, extractor, "tor_file", "tor_text_input", ct);
        return new EvaluationInput(userId, proposal, terms, language.Length == 0 ? null : language,
            callbackUrl.Length == 0 ? null : callbackUrl, guidelineIds, null);
    }

    public NewSession ToSession(Guid id, Guid orgId) => new(
        id, orgId, UserId!, Proposal!.FileName, Proposal.Text, Passages(Proposal), Terms!.FileName, Terms.Text, Language);

    public static IReadOnlyList<Passage> Passages(ExtractedDocument document) =>
        [.. document.Passages.Select(p => new Passage(p.Text, p.Page, p.Paragraph))];
}
