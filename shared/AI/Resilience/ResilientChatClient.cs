using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly;

namespace Platform.AI;

/// <summary>Runs every call of the inner client through the resilience pipeline (<see cref="AiResilience"/>).</summary>
/// <remarks>
/// A streaming call is made as one resilient call whose answer is then replayed as updates: retries and the
/// timeout cover the whole answer, at the cost of the first token arriving with the last.
/// </remarks>
internal sealed class ResilientChatClient(IChatClient innerClient, ResiliencePipeline pipeline) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // The messages are read again on each try.
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        return await pipeline.ExecuteAsync(
            static (state, ct) => new ValueTask<ChatResponse>(state.Inner.GetResponseAsync(state.List, state.Options, ct)),
            (Inner: InnerClient, List: list, Options: options),
            cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }
}
