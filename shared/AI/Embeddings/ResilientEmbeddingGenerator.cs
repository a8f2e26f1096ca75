using Microsoft.Extensions.AI;
using Polly;

namespace Platform.AI;

/// <summary>Runs every call of the inner (remote) generator through the resilience pipeline (<see cref="AiResilience"/>).</summary>
internal sealed class ResilientEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, ResiliencePipeline pipeline)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(innerGenerator)
{
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        // The inputs are read again on each try.
        var list = values as IReadOnlyList<string> ?? [.. values];
        return await pipeline.ExecuteAsync(
            static (state, ct) => new ValueTask<GeneratedEmbeddings<Embedding<float>>>(state.Inner.GenerateAsync(state.List, state.Options, ct)),
            (Inner: InnerGenerator, List: list, Options: options),
            cancellationToken);
    }
}
