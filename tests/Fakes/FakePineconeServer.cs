using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Fakes;

/// <summary>
/// A local Pinecone index data plane (real Kestrel on 127.0.0.1, a free port) speaking Pinecone's JSON:
/// <c>POST /vectors/upsert</c>, <c>POST /query</c> (cosine, metadata filter with <c>$eq</c>, <c>$ne</c>, <c>$in</c>,
/// <c>$nin</c>, <c>$and</c>, <c>$or</c>), <c>POST /vectors/delete</c> (ids, filter or deleteAll) and
/// <c>POST /describe_index_stats</c>, one store per namespace. Every request must carry <c>Api-Key</c> (401 otherwise)
/// and <c>X-Pinecone-Api-Version</c> (400 otherwise); upserts over 1,000 vectors or 2 MB are refused as Pinecone does.
/// Scripted failures (e.g. 429 with <c>Retry-After</c>) answer the next requests.
/// </summary>
public sealed class FakePineconeServer : IAsyncDisposable
{
    /// <summary>Pinecone's limits on one upsert.</summary>
    public const int MaxUpsertVectors = 1000;

    /// <summary>Pinecone's limit on one request's size.</summary>
    public const int MaxRequestBytes = 2 * 1024 * 1024;

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, StoredVector>> namespaces = new();
    private readonly ConcurrentQueue<(int Status, TimeSpan? RetryAfter)> failures = new();
    private readonly ConcurrentQueue<RecordedPineconeRequest> requests = new();

    private FakePineconeServer(WebApplication app, Uri indexHost)
    {
        this.app = app;
        IndexHost = indexHost;
    }

    /// <summary>The index host, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri IndexHost { get; }

    /// <summary>The <c>Api-Key</c> expected.</summary>
    public string ApiKey { get; set; } = "pcsk-test-key";

    /// <summary>Every request received, in arrival order (failed ones included).</summary>
    public IReadOnlyList<RecordedPineconeRequest> Requests => [.. requests];

    /// <summary>Starts a server on 127.0.0.1 on a free port.</summary>
    public static async Task<FakePineconeServer> StartAsync(CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 4 * MaxRequestBytes;
        });
        var app = builder.Build();
        FakePineconeServer? server = null;
        app.MapPost("/vectors/upsert", (HttpContext context) => server!.HandleAsync(context, server.Upsert));
        app.MapPost("/query", (HttpContext context) => server!.HandleAsync(context, server.Query));
        app.MapPost("/vectors/delete", (HttpContext context) => server!.HandleAsync(context, server.Delete));
        app.MapPost("/describe_index_stats", (HttpContext context) => server!.HandleAsync(context, server.Stats));
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakePineconeServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <summary>The next <paramref name="times"/> requests fail with <paramref name="status"/> (and <c>Retry-After</c>).</summary>
    public FakePineconeServer FailNext(int status, TimeSpan? retryAfter = null, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            failures.Enqueue((status, retryAfter));
        }

        return this;
    }

    /// <summary>The ids stored in <paramref name="ns"/>.</summary>
    public IReadOnlyCollection<string> Ids(string ns) =>
        namespaces.TryGetValue(ns, out var store) ? [.. store.Keys] : [];

    /// <summary>The metadata stored with a vector, or null.</summary>
    public JsonObject? Metadata(string ns, string id) =>
        namespaces.TryGetValue(ns, out var store) && store.TryGetValue(id, out var vector) ? vector.Metadata.DeepClone().AsObject() : null;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, Func<JsonObject, JsonObject> handler)
    {
        var ct = context.RequestAborted;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, ct);
        var headers = context.Request.Headers;
        var recorded = new RecordedPineconeRequest(
            context.Request.Path.Value ?? string.Empty,
            headers["Api-Key"].ToString(),
            headers["X-Pinecone-Api-Version"].ToString(),
            (int)buffer.Length,
            Encoding(buffer));
        requests.Enqueue(recorded);

        if (recorded.ApiKey != ApiKey)
        {
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Invalid API Key");
            return;
        }

        if (string.IsNullOrEmpty(recorded.ApiVersion))
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "X-Pinecone-Api-Version header is required");
            return;
        }

        if (failures.TryDequeue(out var failure))
        {
            if (failure.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            await ErrorAsync(context, failure.Status, failure.Status == 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE", $"Scripted status {failure.Status}.");
            return;
        }

        if (buffer.Length > MaxRequestBytes)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Request size {buffer.Length} exceeds the maximum supported size of {MaxRequestBytes} bytes.");
            return;
        }

        JsonObject body;
        try
        {
            body = JsonNode.Parse(buffer.ToArray()) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "The request body is not a JSON object.");
            return;
        }

        JsonObject response;
        try
        {
            response = handler(body);
        }
        catch (ArgumentException ex)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", ex.Message);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), ct);
    }

    private JsonObject Upsert(JsonObject body)
    {
        var vectors = body["vectors"] as JsonArray ?? throw new ArgumentException("vectors is required");
        if (vectors.Count == 0 || vectors.Count > MaxUpsertVectors)
        {
            throw new ArgumentException($"Upsert takes 1 to {MaxUpsertVectors} vectors; got {vectors.Count}.");
        }

        var store = Namespace(body);
        foreach (var node in vectors)
        {
            var id = node?["id"]?.GetValue<string>() ?? throw new ArgumentException("Every vector needs an id.");
            var values = (node!["values"] as JsonArray ?? throw new ArgumentException($"Vector {id} has no values.")).Select(v => v!.GetValue<float>()).ToArray();
            var existing = store.Values.FirstOrDefault();
            if (existing is not null && existing.Values.Length != values.Length)
            {
                throw new ArgumentException($"Vector dimension {values.Length} does not match the dimension of the index {existing.Values.Length}");
            }

            store[id] = new StoredVector(id, values, node["metadata"]?.DeepClone() as JsonObject ?? []);
        }

        return new JsonObject { ["upsertedCount"] = vectors.Count };
    }

    private JsonObject Query(JsonObject body)
    {
        var topK = body["topK"]?.GetValue<int>() ?? throw new ArgumentException("topK is required");
        if (topK is < 1 or > 10_000)
        {
            throw new ArgumentException("topK must be between 1 and 10000.");
        }

        var query = (body["vector"] as JsonArray ?? throw new ArgumentException("vector is required (queries by id are not faked)")).Select(v => v!.GetValue<float>()).ToArray();
        var filter = body["filter"] as JsonObject;
        var includeMetadata = body["includeMetadata"]?.GetValue<bool>() ?? false;
        var includeValues = body["includeValues"]?.GetValue<bool>() ?? false;
        var ns = body["namespace"]?.GetValue<string>() ?? string.Empty;
        var matches = new JsonArray();
        if (namespaces.TryGetValue(ns, out var store))
        {
            foreach (var (vector, score) in store.Values
                .Where(v => filter is null || Matches(v.Metadata, filter))
                .Select(v => (Vector: v, Score: Cosine(query, v.Values)))
                .OrderByDescending(m => m.Score).ThenBy(m => m.Vector.Id, StringComparer.Ordinal)
                .Take(topK))
            {
                var match = new JsonObject { ["id"] = vector.Id, ["score"] = score, ["values"] = new JsonArray() };
                if (includeValues)
                {
                    match["values"] = new JsonArray([.. vector.Values.Select(v => (JsonNode)v)]);
                }

                if (includeMetadata)
                {
                    match["metadata"] = vector.Metadata.DeepClone();
                }

                matches.Add(match);
            }
        }

        return new JsonObject { ["results"] = new JsonArray(), ["matches"] = matches, ["namespace"] = ns, ["usage"] = new JsonObject { ["readUnits"] = 1 } };
    }

    private JsonObject Delete(JsonObject body)
    {
        var store = Namespace(body);
        if (body["deleteAll"]?.GetValue<bool>() == true)
        {
            store.Clear();
        }
        else if (body["ids"] is JsonArray ids)
        {
            foreach (var id in ids)
            {
                store.TryRemove(id!.GetValue<string>(), out _);
            }
        }
        else if (body["filter"] is JsonObject filter)
        {
            foreach (var vector in store.Values.Where(v => Matches(v.Metadata, filter)).ToList())
            {
                store.TryRemove(vector.Id, out _);
            }
        }
        else
        {
            throw new ArgumentException("Delete needs ids, filter or deleteAll.");
        }

        return [];
    }

    private JsonObject Stats(JsonObject body)
    {
        var result = new JsonObject();
        foreach (var (name, store) in namespaces)
        {
            result[name] = new JsonObject { ["vectorCount"] = store.Count };
        }

        return new JsonObject { ["namespaces"] = result, ["totalVectorCount"] = namespaces.Values.Sum(s => s.Count) };
    }

    private ConcurrentDictionary<string, StoredVector> Namespace(JsonObject body) =>
        namespaces.GetOrAdd(body["namespace"]?.GetValue<string>() ?? string.Empty, _ => new ConcurrentDictionary<string, StoredVector>(StringComparer.Ordinal));

    private static bool Matches(JsonObject metadata, JsonObject filter)
    {
        foreach (var (key, condition) in filter)
        {
            var ok = key switch
            {
                "$and" => (condition as JsonArray ?? []).All(c => Matches(metadata, c!.AsObject())),
                "$or" => (condition as JsonArray ?? []).Any(c => Matches(metadata, c!.AsObject())),
                _ => FieldMatches(metadata[key], condition),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool FieldMatches(JsonNode? value, JsonNode? condition)
    {
        if (condition is not JsonObject operators)
        {
            return JsonNode.DeepEquals(value, condition);
        }

        foreach (var (op, operand) in operators)
        {
            var ok = op switch
            {
                "$eq" => JsonNode.DeepEquals(value, operand),
                "$ne" => !JsonNode.DeepEquals(value, operand),
                "$in" => (operand as JsonArray ?? throw new ArgumentException("$in takes an array")).Any(o => JsonNode.DeepEquals(value, o)),
                "$nin" => !(operand as JsonArray ?? throw new ArgumentException("$nin takes an array")).Any(o => JsonNode.DeepEquals(value, o)),
                _ => throw new ArgumentException($"Unsupported filter operator {op}."),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static double Cosine(float[] a, float[] b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Query vector dimension {a.Length} does not match the dimension of the index {b.Length}");
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private static string Encoding(MemoryStream buffer) => System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var error = new JsonObject { ["code"] = status, ["message"] = message, ["details"] = new JsonArray(), ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };
        await context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted);
    }

    private sealed record StoredVector(string Id, float[] Values, JsonObject Metadata);
}

/// <summary>A request the fake received.</summary>
/// <param name="Path">The request path.</param>
/// <param name="ApiKey">The <c>Api-Key</c> header.</param>
/// <param name="ApiVersion">The <c>X-Pinecone-Api-Version</c> header.</param>
/// <param name="Bytes">The body's size.</param>
/// <param name="Body">The raw body.</param>
public sealed record RecordedPineconeRequest(string Path, string ApiKey, string ApiVersion, int Bytes, string Body)
{
    /// <summary>The body parsed.</summary>
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}
