namespace Platform.AI;

/// <summary>One prompt to run for an organisation.</summary>
/// <param name="PromptKey">The prompt's key (DESIGN.md, "Prompt keys"), e.g. <c>analyzer.p1</c>.</param>
/// <param name="Template">
/// The prompt text with <c>{name}</c> placeholders filled from <paramref name="Variables"/>; <c>{{</c> and <c>}}</c>
/// are literal braces, and a placeholder without a variable is left empty.
/// </param>
/// <param name="Temperature">The sampling temperature, or null for the model's default.</param>
/// <param name="MaxTokens">The most tokens the answer may have, or null for the model's default.</param>
/// <param name="Variables">
/// The values for the placeholders. The largest one is taken to be the document: it is the one cut into chunks when
/// the prompt would not fit the context. A <c>passages</c> variable may carry the document's paragraphs as a JSON
/// array of <c>{text, page, paragraph}</c> so that answers can cite their location.
/// </param>
/// <param name="OrgId">The organisation the call is made for (token usage is recorded against it).</param>
/// <param name="SessionId">The session the call belongs to, if any.</param>
public sealed record PromptRequest(
    string PromptKey,
    string Template,
    double? Temperature,
    int? MaxTokens,
    IReadOnlyDictionary<string, string> Variables,
    Guid OrgId,
    Guid? SessionId);

/// <summary>The answer to a <see cref="PromptRequest"/>.</summary>
/// <param name="PromptKey">The request's prompt key.</param>
/// <param name="Text">The model's answer (after merging, for a chunked document).</param>
/// <param name="InputTokens">Prompt tokens over every model call the answer took.</param>
/// <param name="OutputTokens">Answer tokens over every model call the answer took.</param>
/// <param name="Provider">The provider that answered (<c>offline</c>, <c>openai</c> or <c>azure</c>).</param>
/// <param name="Model">The model that answered, as the provider reported it.</param>
/// <param name="Duration">The wall-clock time of the whole run.</param>
public sealed record PromptResult(
    string PromptKey,
    string Text,
    int InputTokens,
    int OutputTokens,
    string Provider,
    string Model,
    TimeSpan Duration);

/// <summary>Runs prompts against the configured model: the one AI entry point services call.</summary>
public interface IPromptRunner
{
    /// <summary>
    /// Renders the template, keeps it inside the model's context (chunking the document and merging the partial
    /// answers when it would not fit), calls the model through the resilience pipeline and records token usage.
    /// </summary>
    /// <exception cref="Polly.Timeout.TimeoutRejectedException">The call took longer than <c>AI:Timeout</c>.</exception>
    /// <exception cref="Polly.CircuitBreaker.BrokenCircuitException">The provider failed too often; calls are paused.</exception>
    /// <exception cref="System.ClientModel.ClientResultException">The provider refused the call, or kept failing after the retries.</exception>
    Task<PromptResult> RunAsync(PromptRequest request, CancellationToken ct);
}
