using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.AI;

/// <summary>
/// The default <see cref="IPromptRunner"/>: renders, budgets tokens, map-reduces documents too long for the context,
/// and reports usage to every <see cref="ITokenUsageSink"/>.
/// </summary>
internal sealed partial class PromptRunner(
    IChatClient chatClient,
    IOptions<AiOptions> options,
    IEnumerable<ITokenUsageSink> sinks,
    ILogger<PromptRunner> logger) : IPromptRunner
{
    /// <summary>The answer budget when a request gives none.</summary>
    internal const int DefaultOutputTokens = 1024;

    /// <summary>Tokens the chat format adds around a message (role markers, priming of the reply).</summary>
    internal const int MessageOverheadTokens = 8;

    private const string Placeholder = "[the document, given in parts]";

    private readonly ITokenUsageSink[] usageSinks = [.. sinks];

    public async Task<PromptResult> RunAsync(PromptRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.PromptKey);
        ArgumentNullException.ThrowIfNull(request.Template);
        ArgumentNullException.ThrowIfNull(request.Variables);

        var started = Stopwatch.GetTimestamp();
        var settings = options.Value;
        var run = new Run(request, settings, TokenCounter.ForModel(settings.ModelName));
        var rendered = PromptTemplate.Render(request.Template, request.Variables);

        var unlimited = chatClient.GetService<ChatClientMetadata>()?.ProviderName == OfflineChatClient.ProviderName;
        var outputBudget = request.MaxTokens ?? Math.Min(DefaultOutputTokens, settings.ContextTokens / 4);
        var inputBudget = unlimited ? int.MaxValue : settings.ContextTokens - outputBudget - MessageOverheadTokens;

        string text;
        if (unlimited || run.Counter.Count(rendered) <= inputBudget)
        {
            text = await CallAsync(run, rendered, request.Variables, stage: null, ct);
        }
        else
        {
            text = await MapReduceAsync(run, inputBudget, ct);
        }

        var duration = Stopwatch.GetElapsedTime(started);
        var model = run.Model ?? settings.ModelName;
        var result = new PromptResult(request.PromptKey, text, run.InputTokens, run.OutputTokens, settings.ProviderName, model, duration);
        // A model call is worth a line; the offline engine answers in milliseconds, many times a second under load.
        LogCompleted(logger, unlimited ? LogLevel.Debug : LogLevel.Information, request.PromptKey, request.OrgId, settings.ProviderName, model, run.Calls,
            run.InputTokens, run.OutputTokens, (long)duration.TotalMilliseconds);

        var usage = new TokenUsage(request.OrgId, request.SessionId, request.PromptKey, settings.ProviderName, model, run.InputTokens, run.OutputTokens);
        foreach (var sink in usageSinks)
        {
            try
            {
                await sink.RecordAsync(usage, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The answer is already paid for: losing its usage record must not lose the answer too.
                LogSinkFailed(logger, ex, sink.GetType().Name, request.PromptKey, request.OrgId);
            }
        }

        return result;
    }

    private async Task<string> MapReduceAsync(Run run, int inputBudget, CancellationToken ct)
    {
        var request = run.Request;
        var placeholders = PromptTemplate.Placeholders(request.Template);
        var documentName = request.Variables
            .Where(v => placeholders.Contains(v.Key) && !string.IsNullOrEmpty(v.Value))
            .OrderByDescending(v => v.Value.Length).ThenBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => v.Key)
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"Prompt '{request.PromptKey}' does not fit AI:ContextTokens and has no variable to split.");

        var withoutDocument = With(request.Variables, documentName, string.Empty);
        var fixedTokens = run.Counter.Count(PromptTemplate.Render(request.Template, withoutDocument));
        var chunkBudget = inputBudget - fixedTokens;
        if (chunkBudget < 128)
        {
            throw new InvalidOperationException(
                $"Prompt '{request.PromptKey}' leaves only {chunkBudget} tokens for the document within AI:ContextTokens; shorten the other variables or raise the limit.");
        }

        var overlap = Math.Min(200, chunkBudget / 10);
        var chunks = run.Counter.Chunk(request.Variables[documentName], chunkBudget, overlap);
        LogChunked(logger, request.PromptKey, chunks.Count, chunkBudget);

        var partials = await Task.WhenAll(chunks.Select((chunk, i) =>
        {
            var variables = With(request.Variables, documentName, chunk.Text);
            return CallAsync(run, PromptTemplate.Render(request.Template, variables), variables, Stage(i, chunks.Count), ct);
        }));

        var instructions = PromptTemplate.Render(request.Template, With(request.Variables, documentName, Placeholder));
        return await ReduceAsync(run, instructions, [.. partials], inputBudget, ct);
    }

    /// <summary>Combines partial answers in one call, or in rounds of groups when they do not fit together.</summary>
    private async Task<string> ReduceAsync(Run run, string instructions, IReadOnlyList<string> partials, int inputBudget, CancellationToken ct)
    {
        while (true)
        {
            var prompt = CombinePrompt(instructions, partials, 0, partials.Count);
            if (run.Counter.Count(prompt) <= inputBudget || partials.Count == 1)
            {
                return await CallAsync(run, prompt, run.Request.Variables, "reduce", ct);
            }

            // Greedy groups of consecutive partial answers that fit one combining call each (at least two per group).
            var groups = new List<(int Start, int Count)>();
            var start = 0;
            while (start < partials.Count)
            {
                var count = 1;
                while (start + count < partials.Count
                    && run.Counter.Count(CombinePrompt(instructions, partials, start, count + 1)) <= inputBudget)
                {
                    count++;
                }

                if (count == 1 && start + 1 < partials.Count)
                {
                    count = 2; // progress even when two partial answers overflow: the model truncates, we do not loop
                }

                groups.Add((start, count));
                start += count;
            }

            var reduced = await Task.WhenAll(groups.Select(g =>
                g.Count == 1
                    ? Task.FromResult(partials[g.Start])
                    : CallAsync(run, CombinePrompt(instructions, partials, g.Start, g.Count), run.Request.Variables, "reduce", ct)));
            partials = reduced;
        }
    }

    private static string CombinePrompt(string instructions, IReadOnlyList<string> partials, int start, int count)
    {
        var sb = new StringBuilder();
        sb.Append("A document was too long for one request, so it was analysed in ")
            .Append(count.ToString(CultureInfo.InvariantCulture))
            .AppendLine(" consecutive parts with the instructions below. Combine the partial answers into one answer to the instructions for the whole document: follow the format the instructions ask for, merge repeated points, keep every specific figure, quotation and location, and do not mention the parts.")
            .AppendLine()
            .AppendLine("## Instructions")
            .AppendLine(instructions)
            .AppendLine()
            .AppendLine("## Partial answers");
        for (var i = 0; i < count; i++)
        {
            sb.AppendLine()
                .Append("### Part ").Append((i + 1).ToString(CultureInfo.InvariantCulture))
                .Append(" of ").AppendLine(count.ToString(CultureInfo.InvariantCulture))
                .AppendLine(partials[start + i].Trim());
        }

        return sb.ToString();
    }

    private async Task<string> CallAsync(Run run, string prompt, IReadOnlyDictionary<string, string> variables, string? stage, CancellationToken ct)
    {
        var properties = new AdditionalPropertiesDictionary
        {
            [PromptProperties.PromptKey] = run.Request.PromptKey,
            [PromptProperties.Variables] = variables,
        };
        if (stage is not null)
        {
            properties[PromptProperties.Stage] = stage;
        }

        var chatOptions = new ChatOptions
        {
            Temperature = run.Request.Temperature is { } t ? (float)t : null,
            MaxOutputTokens = run.Request.MaxTokens,
            AdditionalProperties = properties,
        };

        var response = await chatClient.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], chatOptions, ct);
        var text = response.Text;
        var input = response.Usage?.InputTokenCount is { } i ? (int)i : run.Counter.Count(prompt) + MessageOverheadTokens;
        var output = response.Usage?.OutputTokenCount is { } o ? (int)o : run.Counter.CountOnce(text);
        run.Add(input, output, response.ModelId);
        return text;
    }

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> variables, string name, string value)
    {
        var copy = new Dictionary<string, string>(variables, StringComparer.Ordinal) { [name] = value };
        return copy;
    }

    private static string Stage(int index, int count) =>
        string.Create(CultureInfo.InvariantCulture, $"map {index + 1}/{count}");

    /// <summary>Totals of one run, added to from concurrent chunk calls.</summary>
    private sealed class Run(PromptRequest request, AiOptions settings, TokenCounter counter)
    {
        private readonly Lock gate = new();
        private int inputTokens;
        private int outputTokens;
        private int calls;

        public PromptRequest Request { get; } = request;

        public AiOptions Settings { get; } = settings;

        public TokenCounter Counter { get; } = counter;

        public string? Model { get; private set; }

        public int InputTokens => inputTokens;

        public int OutputTokens => outputTokens;

        public int Calls => calls;

        public void Add(int input, int output, string? model)
        {
            lock (gate)
            {
                inputTokens += input;
                outputTokens += output;
                calls++;
                Model = model ?? Model;
            }
        }
    }

    [LoggerMessage(Message = "Prompt {PromptKey} for organisation {OrgId} answered by {Provider}/{Model} in {Calls} call(s): {InputTokens} tokens in, {OutputTokens} out, {ElapsedMs} ms")]
    private static partial void LogCompleted(ILogger logger, LogLevel level, string promptKey, Guid orgId, string provider, string model, int calls, int inputTokens, int outputTokens, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prompt {PromptKey} exceeds the context: document cut into {Chunks} chunks of at most {ChunkTokens} tokens")]
    private static partial void LogChunked(ILogger logger, string promptKey, int chunks, int chunkTokens);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token usage sink {Sink} failed for prompt {PromptKey} of organisation {OrgId}")]
    private static partial void LogSinkFailed(ILogger logger, Exception exception, string sink, string promptKey, Guid orgId);
}
