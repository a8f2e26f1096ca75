using System.ComponentModel.DataAnnotations;

namespace Platform.AI;

/// <summary>The model provider and its limits, from the <c>AI</c> configuration section.</summary>
/// <remarks>Keys are secrets: they are never logged, and validation messages name the setting, never its value.</remarks>
public sealed class AiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AI";

    /// <summary>
    /// Which provider answers: <see cref="AiProviders.Offline"/> (the default, no network),
    /// <see cref="AiProviders.OpenAI"/> (OpenAI or any OpenAI-compatible base URL) or <see cref="AiProviders.Azure"/>.
    /// </summary>
    public string Provider { get; set; } = AiProviders.Offline;

    /// <summary>Settings for <see cref="AiProviders.OpenAI"/>.</summary>
    public OpenAIProviderOptions OpenAI { get; set; } = new();

    /// <summary>Settings for <see cref="AiProviders.Azure"/>.</summary>
    public AzureOpenAIProviderOptions Azure { get; set; } = new();

    /// <summary>
    /// The model's context window in tokens. A prompt that would not fit with its output budget is split into chunks
    /// (map-reduce). The offline provider has no such limit.
    /// </summary>
    [Range(512, 10_000_000, ErrorMessage = "AI:ContextTokens must be between 512 and 10000000.")]
    public int ContextTokens { get; set; } = 16_000;

    /// <summary>The most model calls in flight at once for this app's provider; further calls wait their turn.</summary>
    [Range(1, 1024, ErrorMessage = "AI:MaxConcurrency must be between 1 and 1024.")]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>The longest one model call may take, retries and their waits included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "AI:Timeout must be between 00:00:00.050 and 01:00:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a call that failed with 408, 429, 5xx or a network error is tried again.</summary>
    [Range(0, 10, ErrorMessage = "AI:MaxRetries must be between 0 and 10.")]
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// The first wait between tries when the provider sends no <c>Retry-After</c>; it doubles with each retry, with jitter.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "AI:RetryDelay must be between 00:00:00 and 00:05:00.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the circuit stays open (calls fail at once) after at least half of the last calls failed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00", ErrorMessage = "AI:BreakDuration must be between 00:00:00.500 and 01:00:00.")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The length of the embedding vectors asked of a remote provider (models such as text-embedding-3 can shorten
    /// them); null keeps the model's own. The offline model always gives 384.
    /// </summary>
    [Range(1, 16_384, ErrorMessage = "AI:EmbeddingDimensions must be between 1 and 16384.")]
    public int? EmbeddingDimensions { get; set; }

    /// <summary>The provider name normalised to lower case.</summary>
    internal string ProviderName => (Provider ?? string.Empty).Trim().ToLowerInvariant();

    /// <summary>The model (OpenAI) or deployment (Azure) that answers, or the offline engine's name.</summary>
    internal string ModelName => ProviderName switch
    {
        AiProviders.OpenAI => OpenAI.Model,
        AiProviders.Azure => Azure.Deployment ?? string.Empty,
        _ => OfflineChatClient.ModelId,
    };
}

/// <summary>Settings for an OpenAI or OpenAI-compatible Chat Completions endpoint.</summary>
public sealed class OpenAIProviderOptions
{
    /// <summary>The API base URL, up to and including the version segment (<c>https://api.openai.com/v1</c>).</summary>
    public string BaseUrl { get; set; } = "https://api.openai.com/v1";

    /// <summary>The API key (a secret: from the environment or a secret store, never the repository).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model name sent with each request.</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>The embedding model (<c>POST /embeddings</c>).</summary>
    public string EmbeddingModel { get; set; } = "text-embedding-3-small";
}

/// <summary>Settings for an Azure OpenAI resource.</summary>
public sealed class AzureOpenAIProviderOptions
{
    /// <summary>The resource endpoint, without deployment or path (<c>https://my-resource.openai.azure.com</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>The resource key, sent as the <c>api-key</c> header (a secret).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model deployment name.</summary>
    public string? Deployment { get; set; }

    /// <summary>The embedding model's deployment name (needed only by apps that embed text).</summary>
    public string? EmbeddingDeployment { get; set; }
}

/// <summary>The values of <see cref="AiOptions.Provider"/>.</summary>
public static class AiProviders
{
    /// <summary>The deterministic, extractive engine that needs no network (<see cref="OfflineChatClient"/>).</summary>
    public const string Offline = "offline";

    /// <summary>OpenAI or any OpenAI-compatible Chat Completions server.</summary>
    public const string OpenAI = "openai";

    /// <summary>Azure OpenAI (Azure.AI.OpenAI).</summary>
    public const string Azure = "azure";
}
