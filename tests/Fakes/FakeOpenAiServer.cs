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
/// A local Chat Completions server (real Kestrel on 127.0.0.1, a free port) for testing the real OpenAI and
/// Azure.AI.OpenAI clients: <c>POST /v1/chat/completions</c> (OpenAI form, <c>Authorization: Bearer</c>) and
/// <c>POST /openai/deployments/{deployment}/chat/completions?api-version=...</c> (Azure form, <c>api-key</c> header),
/// and the same two forms of <c>/embeddings</c> (vectors from <see cref="Embedder"/>, as floats or base64 as asked).
/// Each request takes the next scripted <see cref="FakeChatBehavior"/>, or replies with <see cref="Responder"/> when the
/// script is empty, and is recorded in <see cref="Requests"/>.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<FakeChatBehavior> script = new();
    private readonly ConcurrentQueue<RecordedChatRequest> requests = new();
    private readonly ConcurrentQueue<RecordedEmbeddingRequest> embeddingRequests = new();
    private int received;
    private int inFlight;
    private int maxInFlight;

    private FakeOpenAiServer(WebApplication app, Uri baseUri)
    {
        this.app = app;
        BaseUri = baseUri;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:5123/</c> (the Azure endpoint).</summary>
    public Uri BaseUri { get; }

    /// <summary>The OpenAI-form base URL, <c>{BaseUri}v1</c>.</summary>
    public Uri OpenAiBaseUrl => new(BaseUri, "v1");

    /// <summary>The bearer key the OpenAI form expects; null accepts any.</summary>
    public string? OpenAiApiKey { get; set; } = "sk-test-openai";

    /// <summary>The <c>api-key</c> the Azure form expects; null accepts any.</summary>
    public string? AzureApiKey { get; set; } = "azure-test-key";

    /// <summary>What to answer when the script is empty: by default "Fake reply N." with the request number.</summary>
    public Func<RecordedChatRequest, string> Responder { get; set; } = r => $"Fake reply {r.Number}.";

    /// <summary>The <c>usage.prompt_tokens</c> reported when the behaviour gives none (null: about 4 characters a token).</summary>
    public int? DefaultPromptTokens { get; set; }

    /// <summary>The <c>usage.completion_tokens</c> reported when the behaviour gives none (null: estimated).</summary>
    public int? DefaultCompletionTokens { get; set; }

    /// <summary>Every request received (including failed and abandoned ones), in arrival order.</summary>
    public IReadOnlyList<RecordedChatRequest> Requests => [.. requests];

    /// <summary>Every embeddings request received, in arrival order (they take their behaviour from the same script).</summary>
    public IReadOnlyList<RecordedEmbeddingRequest> EmbeddingRequests => [.. embeddingRequests];

    /// <summary>The vector length when a request names no <c>dimensions</c>.</summary>
    public int DefaultEmbeddingDimensions { get; set; } = 64;

    /// <summary>
    /// Turns one input into a vector of the given length: by default a normalised bag of hashed lower-case words, so
    /// texts sharing words are near each other.
    /// </summary>
    public Func<string, int, float[]> Embedder { get; set; } = HashedBagOfWords;

    /// <summary>The most requests that were being handled at the same time.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref maxInFlight);

    /// <summary>Starts a server on 127.0.0.1 on a free port.</summary>
    public static async Task<FakeOpenAiServer> StartAsync(CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeOpenAiServer? server = null;
        app.MapPost("/v1/chat/completions", (HttpContext context) => server!.TrackAsync(context, deployment: null));
        app.MapPost("/openai/deployments/{deployment}/chat/completions", (HttpContext context, string deployment) => server!.TrackAsync(context, deployment));
        app.MapPost("/v1/embeddings", (HttpContext context) => server!.TrackAsync(context, deployment: null, embeddings: true));
        app.MapPost("/openai/deployments/{deployment}/embeddings", (HttpContext context, string deployment) => server!.TrackAsync(context, deployment, embeddings: true));
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeOpenAiServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <summary>Adds behaviours for the next requests, in order.</summary>
    public FakeOpenAiServer Enqueue(params FakeChatBehavior[] behaviors)
    {
        foreach (var behavior in behaviors)
        {
            script.Enqueue(behavior);
        }

        return this;
    }

    /// <summary>The next request gets 429 with <c>Retry-After</c>, the one after it <paramref name="reply"/>.</summary>
    public FakeOpenAiServer RateLimitOnceThenReply(string reply, int retryAfterSeconds = 1) =>
        Enqueue(FakeChatBehavior.Status(429, TimeSpan.FromSeconds(retryAfterSeconds)), FakeChatBehavior.Reply(reply));

    /// <summary>The next <paramref name="times"/> requests fail with <paramref name="status"/>.</summary>
    public FakeOpenAiServer FailTimes(int times, int status = 500)
    {
        for (var i = 0; i < times; i++)
        {
            Enqueue(FakeChatBehavior.Status(status));
        }

        return this;
    }

    /// <summary>The next request waits <paramref name="delay"/> (or until the client gives up) before replying.</summary>
    public FakeOpenAiServer HangFor(TimeSpan delay) => Enqueue(FakeChatBehavior.Hang(delay));

    /// <summary>Forgets the script and the recorded requests.</summary>
    public void Reset()
    {
        script.Clear();
        requests.Clear();
        embeddingRequests.Clear();
        Interlocked.Exchange(ref received, 0);
        Interlocked.Exchange(ref maxInFlight, 0);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await app.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // A request still hanging is abandoned.
        }

        await app.DisposeAsync();
    }

    private async Task TrackAsync(HttpContext context, string? deployment, bool embeddings = false)
    {
        var now = Interlocked.Increment(ref inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref maxInFlight)) && Interlocked.CompareExchange(ref maxInFlight, now, seen) != seen)
        {
        }

        try
        {
            await HandleAsync(context, deployment, embeddings);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private async Task HandleAsync(HttpContext context, string? deployment, bool embeddings)
    {
        var ct = context.RequestAborted;
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            await ErrorAsync(context, 400, "invalid_request_error", "The body is not JSON.");
            return;
        }

        RecordedChatRequest recorded;
        RecordedEmbeddingRequest? embedding = null;
        if (embeddings)
        {
            embedding = RecordEmbedding(context, deployment, body);
            embeddingRequests.Enqueue(embedding);
            recorded = new RecordedChatRequest(embedding.Number, DateTimeOffset.UtcNow, embedding.Path, deployment, embedding.ApiVersion, embedding.Authorization, embedding.ApiKeyHeader, embedding.Model, [], null, null, embedding.Body);
        }
        else
        {
            recorded = Record(context, deployment, body);
            requests.Enqueue(recorded);
        }

        var expectedKey = deployment is null ? OpenAiApiKey : AzureApiKey;
        var givenKey = deployment is null ? BearerToken(context) : context.Request.Headers["api-key"].ToString();
        if (expectedKey is not null && givenKey != expectedKey)
        {
            await ErrorAsync(context, 401, "invalid_api_key", "Incorrect API key provided.");
            return;
        }

        if (deployment is not null && string.IsNullOrEmpty(recorded.ApiVersion))
        {
            await ErrorAsync(context, 404, "404", "Resource not found (api-version missing).");
            return;
        }

        var behavior = script.TryDequeue(out var next) ? next : FakeChatBehavior.Reply(null);
        if (behavior.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(behavior.Delay, ct);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up
            }
        }

        if (behavior.StatusCode != 200)
        {
            if (behavior.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            await ErrorAsync(context, behavior.StatusCode, behavior.StatusCode == 429 ? "rate_limit_exceeded" : "server_error", $"Scripted status {behavior.StatusCode}.");
            return;
        }

        if (embedding is not null)
        {
            await EmbeddingsAsync(context, embedding, deployment, ct);
            return;
        }

        var text = behavior.Text ?? Responder(recorded);
        var promptTokens = behavior.PromptTokens ?? DefaultPromptTokens ?? EstimateTokens(string.Concat(recorded.Messages.Select(m => m.Content)));
        var completionTokens = behavior.CompletionTokens ?? DefaultCompletionTokens ?? EstimateTokens(text);
        var response = new JsonObject
        {
            ["id"] = $"chatcmpl-fake-{recorded.Number}",
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = recorded.Model ?? deployment ?? "fake-model",
            ["system_fingerprint"] = "fp_fake",
            ["choices"] = new JsonArray
            {
                new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text, ["refusal"] = null },
                    ["logprobs"] = null,
                    ["finish_reason"] = "stop",
                },
            },
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        };
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), ct);
    }

    private RecordedChatRequest Record(HttpContext context, string? deployment, JsonNode? body)
    {
        var messages = new List<RecordedMessage>();
        if (body?["messages"] is JsonArray array)
        {
            foreach (var message in array)
            {
                var role = message?["role"]?.GetValue<string>() ?? string.Empty;
                var content = message?["content"] switch
                {
                    JsonValue v when v.TryGetValue<string>(out var s) => s,
                    JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>() ?? string.Empty)),
                    _ => string.Empty,
                };
                messages.Add(new RecordedMessage(role, content));
            }
        }

        int? maxTokens = body?["max_completion_tokens"] is JsonValue mct ? mct.GetValue<int>()
            : body?["max_tokens"] is JsonValue mt ? mt.GetValue<int>() : null;
        double? temperature = body?["temperature"] is JsonValue t ? t.GetValue<double>() : null;
        return new RecordedChatRequest(
            Number: Interlocked.Increment(ref received),
            ReceivedAt: DateTimeOffset.UtcNow,
            Path: context.Request.Path.Value ?? string.Empty,
            Deployment: deployment,
            ApiVersion: context.Request.Query["api-version"].ToString() is { Length: > 0 } version ? version : null,
            Authorization: context.Request.Headers.Authorization.ToString(),
            ApiKeyHeader: context.Request.Headers["api-key"].ToString() is { Length: > 0 } k ? k : null,
            Model: body?["model"]?.GetValue<string>(),
            Messages: messages,
            Temperature: temperature,
            MaxTokens: maxTokens,
            Body: body?.ToJsonString() ?? string.Empty);
    }

    private async Task EmbeddingsAsync(HttpContext context, RecordedEmbeddingRequest request, string? deployment, CancellationToken ct)
    {
        var dimensions = request.Dimensions ?? DefaultEmbeddingDimensions;
        var data = new JsonArray();
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var vector = Embedder(request.Inputs[i], dimensions);
            JsonNode encoded;
            if (request.EncodingFormat == "base64")
            {
                var bytes = new byte[vector.Length * sizeof(float)];
                Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
                encoded = Convert.ToBase64String(bytes);
            }
            else
            {
                encoded = new JsonArray([.. vector.Select(v => (JsonNode)v)]);
            }

            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = encoded });
        }

        var tokens = request.Inputs.Sum(EstimateTokens);
        var response = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = request.Model ?? deployment ?? "fake-embedding-model",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), ct);
    }

    private RecordedEmbeddingRequest RecordEmbedding(HttpContext context, string? deployment, JsonNode? body)
    {
        var inputs = body?["input"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var one) => [one],
            JsonArray array => array.Select(i => i is JsonValue s && s.TryGetValue<string>(out var text) ? text : i?.ToJsonString() ?? string.Empty).ToList(),
            _ => new List<string>(),
        };
        return new RecordedEmbeddingRequest(
            Number: Interlocked.Increment(ref received),
            Path: context.Request.Path.Value ?? string.Empty,
            Deployment: deployment,
            ApiVersion: context.Request.Query["api-version"].ToString() is { Length: > 0 } version ? version : null,
            Authorization: context.Request.Headers.Authorization.ToString(),
            ApiKeyHeader: context.Request.Headers["api-key"].ToString() is { Length: > 0 } k ? k : null,
            Model: body?["model"]?.GetValue<string>(),
            Inputs: inputs,
            Dimensions: body?["dimensions"] is JsonValue d ? d.GetValue<int>() : null,
            EncodingFormat: body?["encoding_format"]?.GetValue<string>(),
            Body: body?.ToJsonString() ?? string.Empty);
    }

    private static float[] HashedBagOfWords(string text, int dimensions)
    {
        var vector = new float[dimensions];
        foreach (var word in text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var hash = 2166136261u;
            foreach (var c in word.Trim('.', ',', '?', '!', ';', ':'))
            {
                hash = (hash ^ c) * 16777619u;
            }

            vector[hash % (uint)dimensions] += 1f;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm == 0)
        {
            vector[0] = 1f;
            return vector;
        }

        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] /= norm;
        }

        return vector;
    }

    private static string? BearerToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..] : null;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var error = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = code, ["param"] = null, ["code"] = code },
        };
        await context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted);
    }

    // About four characters a token, as OpenAI documents for English; exact counts are not the fake's job.
    private static int EstimateTokens(string text) => Math.Max(1, (text.Length + 3) / 4);
}

/// <summary>What the fake does with one request.</summary>
/// <param name="StatusCode">200 to reply, otherwise the error status to send.</param>
/// <param name="Text">The reply text (null: <see cref="FakeOpenAiServer.Responder"/>).</param>
/// <param name="RetryAfter">A <c>Retry-After</c> header to send with an error.</param>
/// <param name="Delay">How long to wait before answering (a hang, when longer than the client's timeout).</param>
/// <param name="PromptTokens">The <c>usage.prompt_tokens</c> to report (null: estimated).</param>
/// <param name="CompletionTokens">The <c>usage.completion_tokens</c> to report (null: estimated).</param>
public sealed record FakeChatBehavior(int StatusCode, string? Text, TimeSpan? RetryAfter, TimeSpan Delay, int? PromptTokens, int? CompletionTokens)
{
    /// <summary>Reply with <paramref name="text"/> and the given usage.</summary>
    public static FakeChatBehavior Reply(string? text, int? promptTokens = null, int? completionTokens = null) =>
        new(200, text, null, TimeSpan.Zero, promptTokens, completionTokens);

    /// <summary>Fail with <paramref name="status"/>, optionally with <c>Retry-After</c>.</summary>
    public static FakeChatBehavior Status(int status, TimeSpan? retryAfter = null) =>
        new(status, null, retryAfter, TimeSpan.Zero, null, null);

    /// <summary>Wait <paramref name="delay"/>, then reply.</summary>
    public static FakeChatBehavior Hang(TimeSpan delay) => new(200, null, null, delay, null, null);
}

/// <summary>A message of a recorded request.</summary>
/// <param name="Role">system, user or assistant.</param>
/// <param name="Content">Its text.</param>
public sealed record RecordedMessage(string Role, string Content);

/// <summary>A request the fake received.</summary>
/// <param name="Number">1-based arrival number.</param>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="Path">The request path.</param>
/// <param name="Deployment">The Azure deployment from the path; null for the OpenAI form.</param>
/// <param name="ApiVersion">The <c>api-version</c> query value (Azure).</param>
/// <param name="Authorization">The Authorization header (OpenAI form).</param>
/// <param name="ApiKeyHeader">The <c>api-key</c> header (Azure form).</param>
/// <param name="Model">The <c>model</c> field.</param>
/// <param name="Messages">The messages.</param>
/// <param name="Temperature">The <c>temperature</c> field.</param>
/// <param name="MaxTokens">The <c>max_completion_tokens</c> or <c>max_tokens</c> field.</param>
/// <param name="Body">The raw JSON body.</param>
public sealed record RecordedChatRequest(
    int Number,
    DateTimeOffset ReceivedAt,
    string Path,
    string? Deployment,
    string? ApiVersion,
    string Authorization,
    string? ApiKeyHeader,
    string? Model,
    IReadOnlyList<RecordedMessage> Messages,
    double? Temperature,
    int? MaxTokens,
    string Body)
{
    /// <summary>The text of the last user message.</summary>
    public string UserText => Messages.LastOrDefault(m => m.Role == "user")?.Content ?? string.Empty;
}

/// <summary>An embeddings request the fake received.</summary>
/// <param name="Number">1-based arrival number (shared with chat requests).</param>
/// <param name="Path">The request path.</param>
/// <param name="Deployment">The Azure deployment from the path; null for the OpenAI form.</param>
/// <param name="ApiVersion">The <c>api-version</c> query value (Azure).</param>
/// <param name="Authorization">The Authorization header (OpenAI form).</param>
/// <param name="ApiKeyHeader">The <c>api-key</c> header (Azure form).</param>
/// <param name="Model">The <c>model</c> field.</param>
/// <param name="Inputs">The texts to embed.</param>
/// <param name="Dimensions">The <c>dimensions</c> field.</param>
/// <param name="EncodingFormat">The <c>encoding_format</c> field (<c>float</c> or <c>base64</c>).</param>
/// <param name="Body">The raw JSON body.</param>
public sealed record RecordedEmbeddingRequest(
    int Number,
    string Path,
    string? Deployment,
    string? ApiVersion,
    string Authorization,
    string? ApiKeyHeader,
    string? Model,
    IReadOnlyList<string> Inputs,
    int? Dimensions,
    string? EncodingFormat,
    string Body);
