using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Platform.AI;
using Platform.Contracts;
using Platform.Data;
using Platform.Evaluator.Alignment;
using Platform.Evaluator.Model;
using Platform.ServiceDefaults.Prompts;

namespace Platform.Evaluator.Evaluation;

public sealed class EvaluationOptions
{
    public const string Section = "Evaluation";

    /// <summary>The language analyses are written in when the request names none.</summary>
    [Required]
    public string DefaultLanguage { get; set; } = "English";
}

/// <summary>What one evaluation produced.</summary>
public sealed record EvaluationResult(
    AnalysisPart Internal, AnalysisPart External, AnalysisPart Delta, AlignmentTable Alignment, string Provider, GuidelinesUsed Guidelines)
{
    public TokenTotals TokenUsage => new(
        Internal.InputTokens + External.InputTokens + Delta.InputTokens,
        Internal.OutputTokens + External.OutputTokens + Delta.OutputTokens);
}

/// <summary>
/// Runs an evaluation: the alignment table offline, P_Internal (proposal against the organisation's guidelines) and
/// P_External (proposal against the ToR) concurrently, then P_Delta over both.
/// </summary>
public sealed partial class EvaluationRunner(
    PromptClient prompts, GuidelineClient guidelineClient, IPromptRunner runner, IOptions<EvaluationOptions> options, IOptions<AlignmentOptions> alignmentOptions,
    IEmbeddingGenerator<string, Embedding<float>> embeddings, ILogger<EvaluationRunner> logger, TimeProvider clock)
{
    public const int Steps = 3;

    public static readonly IReadOnlyDictionary<string, string> Titles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PromptKeys.EvaluatorInternal] = "Internal review (organisation guidelines)",
        [PromptKeys.EvaluatorExternal] = "External review (Terms of Reference)",
        [PromptKeys.EvaluatorDelta] = "Delta: gaps and contradictions",
    };

    public string Language(string? language) => string.IsNullOrWhiteSpace(language) ? options.Value.DefaultLanguage : language;

    public async Task<EvaluationResult> RunAsync(
        Guid orgId, Guid sessionId, string proposal, IReadOnlyList<Passage> passages, string terms, string? language,
        IReadOnlyCollection<Guid> guidelineIds, Func<int, int, Task>? progress, CancellationToken ct)
    {
        var alignment = await AlignAsync(terms, passages, ct);
        var lang = Language(language);
        var passagesJson = JsonSerializer.Serialize(passages, Jsonb.Options);
        var done = 0;

        async Task<(AnalysisPart Part, string Provider)> Step(string key, Dictionary<string, string> variables)
        {
            var result = await RunPartAsync(orgId, sessionId, key, variables, ct);
            if (progress is not null)
            {
                await progress(Interlocked.Increment(ref done), Steps);
            }

            return result;
        }

        // The guidelines that apply to the organisation, from Admin: the global ones it does not override and its own
        // (or the ones the request names); none is an empty review basis.
        var applicable = await guidelineClient.GetAsync(orgId, guidelineIds, ct);
        var guidelines = string.Join("\n\n", applicable.Select(g => $"## {g.Title} ({Scope(g)})\n{g.Content}"));

        // Task.Run so that the two really overlap even when a provider answers synchronously (the offline one).
        var internalTask = Task.Run(() => Step(PromptKeys.EvaluatorInternal, new(StringComparer.Ordinal)
        {
            ["guidelines"] = guidelines,
            ["proposal"] = proposal,
            ["passages"] = passagesJson,
            ["language"] = lang,
        }), ct);
        var externalTask = Task.Run(() => Step(PromptKeys.EvaluatorExternal, new(StringComparer.Ordinal)
        {
            ["tor"] = terms,
            ["proposal"] = proposal,
            ["passages"] = passagesJson,
            ["alignment"] = AlignmentEngine.ToMarkdown(alignment),
            ["language"] = lang,
        }), ct);
        await Task.WhenAll(internalTask, externalTask);
        var (internalPart, _) = await internalTask;
        var (externalPart, _) = await externalTask;

        var (deltaPart, provider) = await Step(PromptKeys.EvaluatorDelta, new(StringComparer.Ordinal)
        {
            ["internal_analysis"] = internalPart.Content,
            ["external_analysis"] = externalPart.Content,
            ["alignment"] = AlignmentEngine.ToMarkdown(alignment),
            ["language"] = lang,
        });

        return new EvaluationResult(internalPart, externalPart, deltaPart, alignment, provider, GuidelinesUsed.From(applicable));
    }

    // Matching by meaning needs the embedding provider; if it fails (a remote provider down), keywords alone still give
    // a real table, so the evaluation goes on rather than failing.
    private async Task<AlignmentTable> AlignAsync(string terms, IReadOnlyList<Passage> passages, CancellationToken ct)
    {
        try
        {
            return await AlignmentEngine.AlignAsync(terms, passages, alignmentOptions.Value, embeddings, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogEmbeddingsFailed(logger, ex);
            return AlignmentEngine.Align(terms, passages, alignmentOptions.Value);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embeddings failed; the alignment table is matched by keywords only")]
    private static partial void LogEmbeddingsFailed(ILogger logger, Exception exception);

    private static string Scope(OrganizationGuideline guideline) => guideline switch
    {
        { IsGlobal: true } => "global guideline",
        { Overrides: not null } => "organisation guideline, replaces the global one of this title",
        _ => "organisation guideline",
    };

    private async Task<(AnalysisPart Part, string Provider)> RunPartAsync(
        Guid orgId, Guid sessionId, string key, Dictionary<string, string> variables, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var prompt = await prompts.ResolveAsync(orgId, key, ct)
            ?? throw new InvalidOperationException($"No prompt is configured for {key}.");
        var result = await runner.RunAsync(new PromptRequest(
            key, prompt.Template, prompt.Parameters.Temperature, prompt.Parameters.MaxTokens, variables, orgId, sessionId), ct);
        var finished = clock.GetUtcNow();
        return (new AnalysisPart(key, Titles[key], result.Text, started, finished, result.InputTokens, result.OutputTokens), result.Provider);
    }
}
