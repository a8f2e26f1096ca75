using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Platform.AI;
using Platform.Chatbot.Data;
using Platform.Chatbot.Model;
using Platform.Chatbot.Retrieval;
using Platform.Documents;
using Platform.Documents.Chunking;

namespace Platform.Chatbot.Ingestion;

/// <summary>
/// Makes a document searchable: chunks its passages by tokens, stores the chunks, embeds them and upserts the vectors
/// (ids <c>{document}#{n}</c>), then marks the document ready. The same code runs for uploads ingested at once and
/// for the ingestion jobs a worker takes from RabbitMQ; running it twice for one document writes the same result.
/// </summary>
public sealed partial class Ingestor(
    DocumentStore documents,
    IVectorStore vectors,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    IOptions<ChunkingOptions> chunking,
    IOptions<IngestionOptions> options,
    TimeProvider clock,
    ILogger<Ingestor> logger)
{
    /// <summary>The chunker the platform uses: tokens counted as shared/AI counts them for the default model.</summary>
    public TokenChunker Chunker { get; } = new(TokenCounter.ForModel(null).Count, chunking.Value.MaxTokens, chunking.Value.OverlapTokens);

    public IReadOnlyList<DocumentChunk> Chunk(string title, IReadOnlyList<DocumentPassage> passages) => Chunker.Chunk(title, passages);

    /// <summary>Ingests the chunks of a document; false when the document was deleted meanwhile (nothing is left behind).</summary>
    public async Task<bool> IngestAsync(Guid orgId, Guid documentId, IReadOnlyList<DocumentChunk> chunks, CancellationToken ct)
    {
        if (!await documents.MarkAsync(orgId, documentId, DocumentStatus.Processing, null, null, clock.GetUtcNow(), ct))
        {
            return false;
        }

        try
        {
            await documents.ReplaceChunksAsync(orgId, documentId, chunks, ct);
            var batch = options.Value.EmbeddingBatchSize;
            for (var start = 0; start < chunks.Count; start += batch)
            {
                var slice = chunks.Skip(start).Take(batch).ToList();
                var generated = await embeddings.GenerateAsync(slice.Select(c => c.SearchText), cancellationToken: ct);
                var records = slice.Select((c, i) => new VectorRecord($"{documentId}#{c.Index}", documentId, generated[i].Vector)).ToList();
                await vectors.UpsertAsync(orgId, records, ct);
            }

            if (!await documents.MarkAsync(orgId, documentId, DocumentStatus.Ready, null, chunks.Count, clock.GetUtcNow(), ct))
            {
                // Deleted while it was being ingested: its vectors were written after the delete removed them.
                await vectors.DeleteDocumentAsync(orgId, documentId, CancellationToken.None);
                return false;
            }

            LogIngested(logger, documentId, orgId, chunks.Count);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex, documentId, orgId);
            await documents.MarkAsync(orgId, documentId, DocumentStatus.Failed, "The document could not be indexed.", null, clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Document {DocumentId} of organisation {OrgId} ingested: {Chunks} chunks")]
    private static partial void LogIngested(ILogger logger, Guid documentId, Guid orgId, int chunks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Document {DocumentId} of organisation {OrgId} could not be ingested")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid documentId, Guid orgId);
}
