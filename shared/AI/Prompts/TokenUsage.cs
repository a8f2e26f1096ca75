namespace Platform.AI;

/// <summary>The tokens one prompt run used, for billing and quotas.</summary>
/// <param name="OrgId">The organisation.</param>
/// <param name="SessionId">The session, if any.</param>
/// <param name="PromptKey">The prompt key.</param>
/// <param name="Provider">The provider (<c>offline</c>, <c>openai</c>, <c>azure</c>).</param>
/// <param name="Model">The model or deployment.</param>
/// <param name="InputTokens">Prompt tokens, over every model call of the run.</param>
/// <param name="OutputTokens">Answer tokens, over every model call of the run.</param>
public sealed record TokenUsage(
    Guid OrgId,
    Guid? SessionId,
    string PromptKey,
    string Provider,
    string Model,
    int InputTokens,
    int OutputTokens);

/// <summary>
/// Receives the token usage of every prompt run (<see cref="IPromptRunner.RunAsync"/>); services register one
/// (<c>services.AddSingleton&lt;ITokenUsageSink, MyStore&gt;()</c>) to store it. Every registered sink is called; a sink
/// that throws is logged and does not fail the run.
/// </summary>
public interface ITokenUsageSink
{
    /// <summary>Records <paramref name="usage"/>.</summary>
    ValueTask RecordAsync(TokenUsage usage, CancellationToken ct);
}
