using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Platform.AI;
using Platform.Analyzer.Data;
using Platform.Analyzer.Model;
using Platform.Contracts;
using Platform.ServiceDefaults.Prompts;

namespace Platform.Analyzer.Analysis;

public sealed class AnalysisOptions
{
    public const string Section = "Analysis";

    /// <summary>How many of P1..P5 run at once for one document.</summary>
    [Range(1, 5)]
    public int MaxParallelPrompts { get; set; } = 3;

    /// <summary>The language analyses are written in when the request names none.</summary>
    [Required]
    public string DefaultLanguage { get; set; } = "English";
}

/// <summary>
/// Runs the organisation's prompts P1..P5 (or a subset) over one document, concurrently with a bounded degree, and
/// answers the sections in P order.
/// </summary>
public sealed class AnalysisRunner(PromptClient prompts, IPromptRunner runner, TokenUsageStore usage, IOptions<AnalysisOptions> options)
{
    public static readonly IReadOnlyDictionary<string, string> Titles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["analyzer.p1"] = "Summary and purpose",
        ["analyzer.p2"] = "Strengths and weaknesses",
        ["analyzer.p3"] = "Methodology and evidence",
        ["analyzer.p4"] = "Risks and compliance",
        ["analyzer.p5"] = "Recommendations",
    };

    /// <summary>
    /// Parses a prompt subset (<c>p1,p3</c> or <c>analyzer.p1 analyzer.p3</c>); all five when empty. Null when a name
    /// is unknown.
    /// </summary>
    public static IReadOnlyList<string>? ParseSubset(string? subset)
    {
        if (string.IsNullOrWhiteSpace(subset))
        {
            return PromptKeys.AnalyzerSections;
        }

        var keys = new List<string>();
        foreach (var part in subset.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var key = part.StartsWith("analyzer.", StringComparison.OrdinalIgnoreCase) ? part.ToLowerInvariant() : "analyzer." + part.ToLowerInvariant();
            if (!Titles.ContainsKey(key))
            {
                return null;
            }

            if (!keys.Contains(key))
            {
                keys.Add(key);
            }
        }

        return [.. PromptKeys.AnalyzerSections.Where(keys.Contains)];
    }

    /// <summary>Runs the prompts; the token usage of every prompt that ran is written at the end, in one insert.</summary>
    public async Task<(IReadOnlyList<Section> Sections, string Provider)> RunAsync(
        Guid orgId, Guid sessionId, string document, IReadOnlyList<string> keys, string? language,
        Func<int, int, Task>? progress, CancellationToken ct)
    {
        var batch = usage.BeginBatch();
        try
        {
            return await RunPromptsAsync(orgId, sessionId, document, keys, language, progress, ct);
        }
        finally
        {
            await batch.FlushAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// As <see cref="RunAsync"/> for a job: when every prompt succeeded the token usage is not written but handed back
    /// (<see cref="TokenUsageStore.InsertWrite"/>, to be written with the job's completion, in the same round trip); when
    /// one failed, the usage of those that ran is written at once.
    /// </summary>
    public async Task<(IReadOnlyList<Section> Sections, string Provider, IReadOnlyList<TokenUsage> Usage)> RunForJobAsync(
        Guid orgId, Guid sessionId, string document, IReadOnlyList<string> keys, string? language,
        Func<int, int, Task>? progress, CancellationToken ct)
    {
        var batch = usage.BeginBatch();
        try
        {
            var (sections, provider) = await RunPromptsAsync(orgId, sessionId, document, keys, language, progress, ct);
            return (sections, provider, batch.Take());
        }
        catch
        {
            await batch.FlushAsync(CancellationToken.None);
            throw;
        }
    }

    private async Task<(IReadOnlyList<Section> Sections, string Provider)> RunPromptsAsync(
        Guid orgId, Guid sessionId, string document, IReadOnlyList<string> keys, string? language,
        Func<int, int, Task>? progress, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(options.Value.MaxParallelPrompts);
        var done = 0;
        var provider = string.Empty;
        var tasks = keys.Select(async key =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var prompt = await prompts.ResolveAsync(orgId, key, ct)
                    ?? throw new InvalidOperationException($"No prompt is configured for {key}.");
                var result = await runner.RunAsync(new PromptRequest(
                    key, prompt.Template, prompt.Parameters.Temperature, prompt.Parameters.MaxTokens,
                    new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["document"] = document,
                        ["language"] = string.IsNullOrWhiteSpace(language) ? options.Value.DefaultLanguage : language,
                    },
                    orgId, sessionId), ct);
                provider = result.Provider;
                if (progress is not null)
                {
                    await progress(Interlocked.Increment(ref done), keys.Count);
                }

                return new Section(key, Titles[key], result.Text, result.InputTokens, result.OutputTokens);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        var sections = await Task.WhenAll(tasks);
        return (sections, provider);
    }
}
