using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Memory;
using Platform.AI.Text;
using Platform.Chatbot.Data;
using Platform.Chatbot.Model;
using Platform.Chatbot.Retrieval;

namespace Platform.Chatbot.Search;

/// <summary>A chunk found for a query, with its fused score and where each search ranked it (1-based).</summary>
public sealed record SearchHit(StoredChunk Chunk, double Score, int? VectorRank, int? KeywordRank);

/// <summary>
/// Hybrid search over an organisation's knowledge base: the nearest chunks by embedding (<see cref="IVectorStore"/>)
/// and the best by BM25 over the chunk texts, fused by reciprocal rank (each list adds 1 / (60 + rank)). Only chunks
/// of the organisation's ready documents are ever returned.
/// </summary>
public sealed class KnowledgeSearch(
    DocumentStore documents,
    IVectorStore vectors,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    IMemoryCache cache)
{
    /// <summary>The usual constant of reciprocal rank fusion (Cormack et al., 2009).</summary>
    public const int RrfK = 60;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(Guid orgId, string query, int topK, int candidates, CancellationToken ct)
    {
        var corpus = await CorpusAsync(orgId, ct);
        if (corpus.Chunks.Count == 0)
        {
            return [];
        }

        var embedding = await embeddings.GenerateAsync([query], cancellationToken: ct);
        var nearest = await vectors.QueryAsync(orgId, embedding[0].Vector, candidates, null, ct);
        var keyword = corpus.Index.Search(query, candidates);

        var fused = new Dictionary<int, (double Score, int? Vector, int? Keyword)>();
        var rank = 0;
        foreach (var match in nearest)
        {
            // Vectors of documents not (or no longer) ready are skipped: the chunk table is the truth.
            if (!corpus.ById.TryGetValue(match.Id, out var index))
            {
                continue;
            }

            rank++;
            var seen = fused.GetValueOrDefault(index);
            fused[index] = (seen.Score + (1.0 / (RrfK + rank)), rank, seen.Keyword);
        }

        rank = 0;
        foreach (var hit in keyword)
        {
            rank++;
            var seen = fused.GetValueOrDefault(hit.Index);
            fused[hit.Index] = (seen.Score + (1.0 / (RrfK + rank)), seen.Vector, rank);
        }

        return [.. fused
            .OrderByDescending(f => f.Value.Score).ThenBy(f => f.Value.Vector ?? int.MaxValue).ThenBy(f => f.Key)
            .Take(topK)
            .Select(f => new SearchHit(corpus.Chunks[f.Key], f.Value.Score, f.Value.Vector, f.Value.Keyword))];
    }

    /// <summary>The organisation's ready chunks and their BM25 index, rebuilt when the ready documents change.</summary>
    private async Task<Corpus> CorpusAsync(Guid orgId, CancellationToken ct)
    {
        var fingerprint = await documents.ReadyFingerprintAsync(orgId, ct);
        var key = (typeof(KnowledgeSearch), orgId);
        if (cache.TryGetValue(key, out Corpus? cached) && cached!.Fingerprint == fingerprint)
        {
            return cached;
        }

        var chunks = await documents.ReadyChunksAsync(orgId, ct);
        var corpus = new Corpus(
            fingerprint,
            chunks,
            new Bm25Index(chunks.Select(c => c.SearchText)),
            chunks.Select((c, i) => (c.VectorId, i)).ToDictionary(p => p.VectorId, p => p.i, StringComparer.Ordinal));
        cache.Set(key, corpus, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });
        return corpus;
    }

    private sealed record Corpus(string Fingerprint, IReadOnlyList<StoredChunk> Chunks, Bm25Index Index, Dictionary<string, int> ById);
}
