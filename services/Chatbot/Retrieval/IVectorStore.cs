namespace Platform.Chatbot.Retrieval;

/// <summary>One chunk's embedding. <see cref="Id"/> is <c>{documentId}#{n}</c> (n = the chunk's index in its document).</summary>
public sealed record VectorRecord(string Id, Guid DocumentId, ReadOnlyMemory<float> Values);

/// <summary>A chunk found near a query vector; <see cref="Score"/> is cosine similarity (higher is nearer).</summary>
public sealed record VectorMatch(string Id, Guid DocumentId, double Score);

/// <summary>
/// Where chunk embeddings live and are searched, one namespace per organisation: <c>local</c> (PostgreSQL plus an
/// in-memory SIMD index) or <c>pinecone</c> (its REST data plane). An organisation never sees another's vectors.
/// </summary>
public interface IVectorStore
{
    /// <summary>Inserts or replaces the vectors (by id) of <paramref name="organizationId"/>.</summary>
    Task UpsertAsync(Guid organizationId, IReadOnlyList<VectorRecord> vectors, CancellationToken cancellationToken = default);

    /// <summary>The <paramref name="topK"/> nearest vectors of the organisation, optionally only from some documents.</summary>
    Task<IReadOnlyList<VectorMatch>> QueryAsync(
        Guid organizationId,
        ReadOnlyMemory<float> vector,
        int topK,
        IReadOnlyCollection<Guid>? documentIds = null,
        CancellationToken cancellationToken = default);

    /// <summary>Removes every vector of one document.</summary>
    Task DeleteDocumentAsync(Guid organizationId, Guid documentId, CancellationToken cancellationToken = default);
}
