using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Analyzer.Analysis;
using Platform.Analyzer.Data;
using Platform.Analyzer.Model;
using Platform.Documents;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Analyzer.Apis;

public sealed record AnalysisResponse(
    Guid SessionId, string UserId, string? DocumentName, string Status, IReadOnlyList<Section> Sections, TokenTotals TokenUsage,
    string Provider, DateTimeOffset CreatedAt);

/// <summary>
/// <c>POST /analyze</c>, the legacy synchronous analysis: form fields <c>user_id</c>, <c>text_input</c> or file <c>file</c>,
/// optional <c>prompts</c> (a subset such as <c>p1,p3</c>) and <c>language</c>.
/// </summary>
public static class AnalysisApi
{
    public static RouteGroupBuilder MapAnalysisApi(this IEndpointRouteBuilder app, long maxUploadBytes)
    {
        var api = app.MapGroup("/api/v1/analyzer").WithTags("Analysis").RequireScope(Scopes.Analyzer);
        api.MapPost("/analyze", AnalyzeAsync).WithName("Analyze")
            .WithSummary("Form: user_id, text_input or file (PDF, DOCX, TXT, MD), optional prompts (p1..p5) and language.")
            .DisableAntiforgery()
            .AcceptsBodiesUpTo(maxUploadBytes + 64 * 1024);
        return api;
    }

    public static async Task<Results<Ok<AnalysisResponse>, ValidationProblem>> AnalyzeAsync(
        HttpRequest request, CallerIdentity caller, IDocumentExtractor extractor, AnalysisRunner runner, SessionStore sessions,
        TimeProvider clock, CancellationToken ct)
    {
        var input = await AnalysisInput.ReadAsync(request, extractor, ct);
        if (input.Errors is not null)
        {
            return TypedResults.ValidationProblem(input.Errors);
        }

        var now = clock.GetUtcNow();
        var sessionId = Guid.CreateVersion7(now);
        var document = input.Document!;
        await sessions.InsertAsync(sessionId, caller.OrgId, input.UserId!, document.FileName, document.Text, AnalysisInput.Passages(document), "running", now, ct);
        try
        {
            var (sections, provider) = await runner.RunAsync(caller.OrgId, sessionId, document.Text, input.Prompts!, input.Language, null, ct);
            var finished = clock.GetUtcNow();
            await sessions.CompleteAsync(sessionId, sections, provider, finished, ct);
            return TypedResults.Ok(new AnalysisResponse(sessionId, input.UserId!, document.FileName, "completed", sections,
                new TokenTotals(sections.Sum(s => s.InputTokens), sections.Sum(s => s.OutputTokens)), provider, now));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await sessions.MarkAsync(sessionId, "failed", "The analysis could not be completed.", clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }
}

/// <summary>The analysis form, validated: who, which document, which prompts.</summary>
public sealed record AnalysisInput(string? UserId, ExtractedDocument? Document, IReadOnlyList<string>? Prompts, string? Language, string? CallbackUrl, Dictionary<string, string[]>? Errors)
{
    public static async Task<AnalysisInput> ReadAsync(HttpRequest request, IDocumentExtractor extractor, CancellationToken ct)
    {
        var form = await DocumentInput.ReadFormAsync(request, ct);
        var userId = form["user_id"].ToString().Trim();
        var validation = new Validation().Text("user_id", userId, 200);
        var prompts = AnalysisRunner.ParseSubset(form["prompts"].ToString());
        if (prompts is null)
        {
            validation.Add("prompts", "Name prompts among p1, p2, p3, p4, p5 (comma-separated).");
        }

        var language = form["language"].ToString().Trim();
        validation.Text("language", language, 40, required: false);
        var callbackUrl = form["callback_url"].ToString().Trim();

        // Field errors first: the document is read (and possibly 413/415/422) only for an otherwise valid request.
        if (!validation.IsValid)
        {
            return new AnalysisInput(userId, null, prompts, language, callbackUrl, validation.Errors);
        }

        var document = await DocumentInput.ReadDocumentAsync(form, extractor, "file", "text_input", ct);
        if (document is null)
        {
            validation.Add("text_input", "Send the document as the file field 'file' or paste it as 'text_input'.");
            return new AnalysisInput(userId, null, prompts, language, callbackUrl, validation.Errors);
        }

        return new AnalysisInput(userId, document, prompts, language.Length == 0 ? null : language,
            callbackUrl.Length == 0 ? null : callbackUrl, null);
    }

    public static IReadOnlyList<Passage> Passages(ExtractedDocument document) =>
        [.. document.Passages.Select(p => new Passage(p.Text, p.Page, p.Paragraph))];
}
