using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Platform.Chatbot.Retrieval;

/// <summary>
/// <see cref="IVectorStore"/> over Pinecone's REST data plane (no SDK): <c>POST /vectors/upsert</c> in batches,
/// <c>POST /query</c>, <c>POST /vectors/delete</c>, with <c>Api-Key</c> and <c>X-Pinecone-Api-Version</c> on every
/// request. One namespace per organisation (its id); each vector carries metadata <c>document_id</c>, which queries
/// filter on and deletes select by. The index must use the cosine metric and the embedding model's dimension.
/// </summary>
/// <remarks>
/// Calls go through the <c>pinecone</c> resilience handler (<see cref="PineconeVectorStoreExtensions.AddPineconeVectorStore"/>): a total timeout,
/// retries on 408/429/5xx and network errors honouring <c>Retry-After</c>, a circuit breaker and a per-try timeout.
/// Every call is idempotent (upserts replace by id), so retrying is safe.
/// </remarks>
public sealed partial class PineconeVectorStore(HttpClient http, IOptions<VectorStoreOptions> options, ILogger<PineconeVectorStore> logger) : IVectorStore
{
    /// <summary>Pinecone's limit on one upsert request's size.</summary>
    public const int MaxRequestBytes = 2 * 1024 * 1024;

    /// <summary>The metadata field holding the chunk's document id.</summary>
    public const string DocumentIdField = "document_id";

    // Room for the envelope around the vectors: {"namespace":"...","vectors":[...]}.
    private const int EnvelopeBytes = 256;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task UpsertAsync(Guid organizationId, IReadOnlyList<VectorRecord> vectors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var batchSize = options.Value.Pinecone.UpsertBatchSize;
        var batch = new List<byte[]>(batchSize);
        var batchBytes = EnvelopeBytes;
        var sent = 0;
        foreach (var record in vectors)
        {
            var encoded = JsonSerializer.SerializeToUtf8Bytes(
                new PineconeVector(record.Id, record.Values.ToArray(), new Dictionary<string, string> { [DocumentIdField] = record.DocumentId.ToString() }),
                Json);
            if (encoded.Length + EnvelopeBytes > MaxRequestBytes)
            {
                throw new ArgumentException($"Vector {record.Id} alone is larger than Pinecone's 2 MB request limit.", nameof(vectors));
            }

            if (batch.Count == batchSize || batchBytes + encoded.Length + 1 > MaxRequestBytes)
            {
                await SendUpsertAsync(organizationId, batch, cancellationToken);
                sent += batch.Count;
                batch.Clear();
                batchBytes = EnvelopeBytes;
            }

            batch.Add(encoded);
            batchBytes += encoded.Length + 1;
        }

        if (batch.Count > 0)
        {
            await SendUpsertAsync(organizationId, batch, cancellationToken);
            sent += batch.Count;
        }

        LogUpserted(logger, organizationId, sent);
    }

    public async Task<IReadOnlyList<VectorMatch>> QueryAsync(
        Guid organizationId,
        ReadOnlyMemory<float> vector,
        int topK,
        IReadOnlyCollection<Guid>? documentIds = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        if (vector.IsEmpty)
        {
            throw new ArgumentException("The query vector is empty.", nameof(vector));
        }

        if (documentIds is { Count: 0 })
        {
            return [];
        }

        var request = new JsonObject
        {
            ["namespace"] = Namespace(organizationId),
            ["vector"] = JsonSerializer.SerializeToNode(vector.ToArray(), Json),
            ["topK"] = Math.Min(topK, 10_000),
            ["includeValues"] = false,
            ["includeMetadata"] = true,
        };
        if (documentIds is not null)
        {
            request["filter"] = DocumentFilter(documentIds);
        }

        using var response = await PostAsync("query", request, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<QueryResponse>(Json, cancellationToken)
            ?? throw new HttpRequestException("Pinecone answered the query with an empty body.");
        var matches = new List<VectorMatch>(body.Matches?.Count ?? 0);
        foreach (var match in body.Matches ?? [])
        {
            if (DocumentOf(match) is { } document)
            {
                matches.Add(new VectorMatch(match.Id, document, match.Score));
            }
        }

        return matches;
    }

    public async Task DeleteDocumentAsync(Guid organizationId, Guid documentId, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject
        {
            ["namespace"] = Namespace(organizationId),
            ["filter"] = new JsonObject { [DocumentIdField] = new JsonObject { ["$eq"] = documentId.ToString() } },
        };
        using var response = await PostAsync("vectors/delete", request, cancellationToken);
        LogDeleted(logger, organizationId, documentId);
    }

    /// <summary>The namespace of an organisation.</summary>
    public static string Namespace(Guid organizationId) => organizationId.ToString();

    /// <summary>The metadata filter that keeps only vectors of <paramref name="documentIds"/>.</summary>
    public static JsonObject DocumentFilter(IEnumerable<Guid> documentIds) => new()
    {
        [DocumentIdField] = new JsonObject { ["$in"] = new JsonArray([.. documentIds.Distinct().Select(d => (JsonNode)d.ToString())]) },
    };

    private async Task SendUpsertAsync(Guid organizationId, List<byte[]> batch, CancellationToken ct)
    {
        // The vectors were serialised once to measure them; the body is assembled from those bytes.
        using var body = new MemoryStream();
        var prefix = JsonSerializer.SerializeToUtf8Bytes(new { @namespace = Namespace(organizationId) }, Json);
        body.Write(prefix, 0, prefix.Length - 1);
        body.Write(""","vectors":["""u8);
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0)
            {
                body.WriteByte((byte)',');
            }

            body.Write(batch[i]);
        }

        body.Write("]}"u8);
        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await SendAsync("vectors/upsert", content, ct);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, JsonObject request, CancellationToken ct)
    {
        using var content = JsonContent.Create(request, options: Json);
        await content.LoadIntoBufferAsync(ct);
        return await SendAsync(path, content, ct);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, HttpContent content, CancellationToken ct)
    {
        var response = await http.PostAsync(path, content, ct);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            var detail = await ErrorMessageAsync(response, ct);
            response.Dispose();
            LogFailed(logger, path, status);
            throw new HttpRequestException($"Pinecone {path} failed with status {status}: {detail}", null, (System.Net.HttpStatusCode)status);
        }

        return response;
    }

    // Pinecone's error body is {"code": n, "message": "...", "details": []}; the message never holds the key.
    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync<JsonObject>(Json, ct);
            var message = error?["message"]?.GetValue<string>() ?? error?["error"]?["message"]?.GetValue<string>();
            return message is null ? response.ReasonPhrase ?? "no detail" : message[..Math.Min(message.Length, 300)];
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "no detail";
        }
    }

    private static Guid? DocumentOf(QueryMatch match)
    {
        if (match.Metadata is { } metadata
            && metadata.TryGetValue(DocumentIdField, out var value)
            && value.ValueKind == JsonValueKind.String
            && Guid.TryParse(value.GetString(), out var fromMetadata))
        {
            return fromMetadata;
        }

        // Chunk ids are {documentId}#{n}.
        var hash = match.Id.IndexOf('#', StringComparison.Ordinal);
        return Guid.TryParse(hash > 0 ? match.Id.AsSpan(0, hash) : match.Id, out var fromId) ? fromId : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upserted {Count} vectors of organisation {OrgId} to Pinecone")]
    private static partial void LogUpserted(ILogger logger, Guid orgId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleted the vectors of document {DocumentId} of organisation {OrgId} from Pinecone")]
    private static partial void LogDeleted(ILogger logger, Guid orgId, Guid documentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pinecone {Path} failed with status {Status}")]
    private static partial void LogFailed(ILogger logger, string path, int status);

    private sealed record PineconeVector(string Id, float[] Values, Dictionary<string, string> Metadata);

    private sealed record QueryResponse(List<QueryMatch>? Matches, string? Namespace);

    private sealed record QueryMatch(string Id, double Score, Dictionary<string, JsonElement>? Metadata);
}

public static class PineconeVectorStoreExtensions
{
    /// <summary>The resilience pipeline's name (its metrics and logs carry it).</summary>
    public const string PipelineName = "pinecone";

    /// <summary>
    /// Registers <see cref="PineconeVectorStore"/> as a typed HttpClient (base address, <c>Api-Key</c> and
    /// <c>X-Pinecone-Api-Version</c> from <see cref="PineconeOptions"/>) with its own resilience pipeline in place of
    /// the app-wide default, and as <see cref="IVectorStore"/>.
    /// </summary>
    public static IServiceCollection AddPineconeVectorStore(this IServiceCollection services)
    {
        var http = services.AddHttpClient<PineconeVectorStore>((sp, client) =>
            {
                var pinecone = sp.GetRequiredService<IOptions<VectorStoreOptions>>().Value.Pinecone;
                client.BaseAddress = new Uri(pinecone.IndexHost!.TrimEnd('/') + "/");
                client.DefaultRequestHeaders.Add("Api-Key", pinecone.ApiKey);
                client.DefaultRequestHeaders.Add("X-Pinecone-Api-Version", pinecone.ApiVersion);
                client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

                // The pipeline's timeout decides; this only guards against a pipeline without one.
                client.Timeout = pinecone.Timeout + TimeSpan.FromSeconds(30);
            });
#pragma warning disable EXTEXP0001 // the app-wide standard handler would retry on top of this pipeline
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddResilienceHandler(PipelineName, (pipeline, context) =>
            {
                var pinecone = context.ServiceProvider.GetRequiredService<IOptions<VectorStoreOptions>>().Value.Pinecone;
                pipeline.AddTimeout(pinecone.Timeout);
                if (pinecone.MaxRetries > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = pinecone.MaxRetries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = pinecone.RetryDelay,
                        MaxDelay = TimeSpan.FromSeconds(60),
                        ShouldRetryAfterHeader = true,
                    });
                }

                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 8,
                    SamplingDuration = TimeSpan.FromSeconds(60),
                    BreakDuration = pinecone.BreakDuration,
                });
                pipeline.AddTimeout(pinecone.AttemptTimeout);
            });
        services.TryAddTransient<IVectorStore>(sp => sp.GetRequiredService<PineconeVectorStore>());
        return services;
    }
}
