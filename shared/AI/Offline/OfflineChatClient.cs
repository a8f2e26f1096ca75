using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Platform.AI.Offline;

namespace Platform.AI;

/// <summary>
/// The offline provider: a deterministic, extractive engine that answers from the document itself, with no network
/// and no model weights. It dispatches on the prompt key (<see cref="PromptProperties.PromptKey"/>) and reads the
/// prompt's variables (<see cref="PromptProperties.Variables"/>); without them the last user message is taken as the
/// document. Every answer starts with a line that says it is offline-generated.
/// </summary>
/// <remarks>
/// Keys: <c>analyzer.p1</c> summary (TextRank), goals and key figures; <c>analyzer.p2</c> strengths and weaknesses;
/// <c>analyzer.p3</c> methodology and evidence; <c>analyzer.p4</c> risks and compliance with ratings;
/// <c>analyzer.p5</c> recommendations from what p2..p4 find missing; <c>*.followup</c>, <c>chatbot.answer</c> and any
/// prompt with a <c>question</c> variable: best-matching passages (BM25) quoted with their location;
/// <c>chatbot.refine</c>: the standalone question; anything else: summary, key terms and structure (and, with a second
/// long text such as terms of reference, which of its key phrases the document covers).
/// </remarks>
public sealed class OfflineChatClient : IChatClient
{
    /// <summary>The provider name in <see cref="ChatClientMetadata"/>.</summary>
    public const string ProviderName = AiProviders.Offline;

    /// <summary>The model id reported on responses.</summary>
    public const string ModelId = "offline-extractive";

    /// <summary>The line every answer starts with.</summary>
    public const string Disclaimer = "_Offline analysis (no language model): extractive, generated from the document itself._";

    private static readonly ChatClientMetadata Metadata = new(ProviderName, null, ModelId);

    private readonly TokenCounter counter = TokenCounter.ForModel(ModelId);

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var promptKey = options?.AdditionalProperties?.TryGetValue(PromptProperties.PromptKey, out var key) == true ? key as string : null;
        var variables = ReadVariables(options);
        var lastUser = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;

        var text = OfflineEngine.Answer(promptKey, variables, lastUser, cancellationToken);

        var input = list.Sum(m => counter.Count(m.Text)) + (list.Count * PromptRunner.MessageOverheadTokens);
        var output = counter.CountOnce(text); // the answer is new text: not worth remembering by paragraph
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            CreatedAt = DateTimeOffset.UtcNow,
            Usage = new UsageDetails
            {
                InputTokenCount = input,
                OutputTokenCount = output,
                TotalTokenCount = input + output,
            },
        };
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The answer is produced whole; it is streamed line by line so clients see the same shape a model gives.
        var response = await GetResponseAsync(messages, options, cancellationToken);
        var text = response.Text;
        var responseId = Guid.NewGuid().ToString("N");
        for (var start = 0; start < text.Length;)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            yield return new ChatResponseUpdate(ChatRole.Assistant, text[start..end]) { ResponseId = responseId, MessageId = responseId, ModelId = ModelId };
            start = end;
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(response.Usage!)])
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static IReadOnlyDictionary<string, string> ReadVariables(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(PromptProperties.Variables, out var value) != true)
        {
            return new Dictionary<string, string>();
        }

        return value switch
        {
            IReadOnlyDictionary<string, string> d => d,
            IDictionary<string, string> d => d.AsReadOnly(),
            IEnumerable<KeyValuePair<string, object?>> pairs => pairs.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty),
            _ => new Dictionary<string, string>(),
        };
    }
}
