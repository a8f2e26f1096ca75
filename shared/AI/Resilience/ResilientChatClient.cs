using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly;

namespace Platform.AI;

/// <summary>Runs every call of the inner client through the resilience pipeline (<see cref="AiResilience"/>).</summary>
/// <remarks>
/// A streaming call is resilient until its first update arrives (that is where throttling, server errors and a
/// provider that does not answer show up): retries and the timeout cover that wait. Once text flows it is passed on
/// as it comes, since a retry then would repeat text the caller already has.
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
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        CancellationTokenSource? attempt = null;
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            var hasFirst = await pipeline.ExecuteAsync(
                async ct =>
                {
                    if (updates is not null)
                    {
                        await updates.DisposeAsync();
                    }

                    attempt?.Dispose();
                    attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    updates = InnerClient.GetStreamingResponseAsync(list, options, attempt.Token).GetAsyncEnumerator(attempt.Token);
                    // The attempt's token (timeout, retries, circuit) governs the wait for the first update only.
                    using var link = ct.Register(static s => ((CancellationTokenSource)s!).Cancel(), attempt);
                    return await updates.MoveNextAsync();
                },
                cancellationToken);
            if (!hasFirst)
            {
                yield break;
            }

            yield return updates!.Current;
            while (await updates.MoveNextAsync())
            {
                yield return updates.Current;
            }
        }
        finally
        {
            if (updates is not null)
            {
                await updates.DisposeAsync();
            }

            attempt?.Dispose();
        }
    }
}
