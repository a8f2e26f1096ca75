using Microsoft.Extensions.Options;

namespace Platform.Chatbot.Retrieval;

/// <summary>Where chunk vectors live, from the <c>VectorStore</c> configuration section.</summary>
public sealed class VectorStoreOptions
{
    public const string Section = "VectorStore";

    /// <summary><see cref="VectorStoreProviders.Local"/> (default) or <see cref="VectorStoreProviders.Pinecone"/>.</summary>
    public string Provider { get; set; } = VectorStoreProviders.Local;

    public LocalVectorStoreOptions Local { get; set; } = new();

    public PineconeOptions Pinecone { get; set; } = new();

    internal string ProviderName => (Provider ?? string.Empty).Trim().ToLowerInvariant();
}

/// <summary>The values of <see cref="VectorStoreOptions.Provider"/>.</summary>
public static class VectorStoreProviders
{
    /// <summary>PostgreSQL (schema <c>chatbot</c>) plus an in-memory SIMD index per organisation.</summary>
    public const string Local = "local";

    /// <summary>Pinecone's REST data plane, one namespace per organisation.</summary>
    public const string Pinecone = "pinecone";
}

/// <summary>Settings of <see cref="LocalVectorStore"/>.</summary>
public sealed class LocalVectorStoreOptions
{
    /// <summary>
    /// How often an instance checks the version of the organisations it holds in memory, in case a change
    /// notification was missed (notifications normally bring changes within milliseconds).
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many recent versions per organisation keep their list of changed documents for catching up.</summary>
    public int ChangeLogLength { get; set; } = 1000;

    /// <summary>
    /// How much memory the organisations' in-memory indexes may take together (vectors x dimensions x 4 bytes), in
    /// megabytes. Past it, the organisations queried least recently are dropped from memory (they load again from
    /// PostgreSQL at their next query). One organisation larger than this on its own is still held while it is used.
    /// </summary>
    public int MaxMemoryMegabytes { get; set; } = 1024;
}

/// <summary>Settings of <see cref="PineconeVectorStore"/>.</summary>
public sealed class PineconeOptions
{
    /// <summary>The index's data-plane URL (<c>https://my-index-abc123.svc.us-east1-gcp.pinecone.io</c>).</summary>
    public string? IndexHost { get; set; }

    /// <summary>The API key, sent as <c>Api-Key</c> (a secret: from the environment, e.g. VectorStore__Pinecone__ApiKey).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API version, sent as <c>X-Pinecone-Api-Version</c>.</summary>
    public string ApiVersion { get; set; } = "2025-04";

    /// <summary>The longest one call may take, retries and their waits included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest one try may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a call that failed with 429, 5xx or a network error is tried again.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first wait between tries when Pinecone sends no <c>Retry-After</c> (doubling, with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the circuit stays open after most recent calls failed.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Vectors per upsert request (Pinecone allows up to 1,000 and 2 MB; it recommends 100).</summary>
    public int UpsertBatchSize { get; set; } = 100;
}

/// <summary>Checks the section at start; messages name settings, never their values.</summary>
internal sealed class VectorStoreOptionsValidator : IValidateOptions<VectorStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, VectorStoreOptions options)
    {
        var failures = new List<string>();
        switch (options.ProviderName)
        {
            case VectorStoreProviders.Local:
                var local = options.Local;
                if (local.RefreshInterval < TimeSpan.FromMilliseconds(100) || local.RefreshInterval > TimeSpan.FromHours(1))
                {
                    failures.Add("VectorStore:Local:RefreshInterval must be between 00:00:00.100 and 01:00:00.");
                }

                if (local.ChangeLogLength is < 1 or > 1_000_000)
                {
                    failures.Add("VectorStore:Local:ChangeLogLength must be between 1 and 1000000.");
                }

                if (local.MaxMemoryMegabytes < 1)
                {
                    failures.Add("VectorStore:Local:MaxMemoryMegabytes must be at least 1.");
                }

                break;
            case VectorStoreProviders.Pinecone:
                var pinecone = options.Pinecone;
                if (!Uri.TryCreate(pinecone.IndexHost, UriKind.Absolute, out var host) || (host.Scheme != Uri.UriSchemeHttps && host.Scheme != Uri.UriSchemeHttp))
                {
                    failures.Add("VectorStore:Pinecone:IndexHost is required when VectorStore:Provider is 'pinecone' and must be an absolute http(s) URL (the index's host).");
                }

                if (string.IsNullOrWhiteSpace(pinecone.ApiKey))
                {
                    failures.Add("VectorStore:Pinecone:ApiKey is required when VectorStore:Provider is 'pinecone' (set it from the environment, e.g. VectorStore__Pinecone__ApiKey).");
                }

                if (string.IsNullOrWhiteSpace(pinecone.ApiVersion))
                {
                    failures.Add("VectorStore:Pinecone:ApiVersion must not be empty (e.g. 2025-04).");
                }

                if (pinecone.AttemptTimeout < TimeSpan.FromMilliseconds(10) || pinecone.Timeout < pinecone.AttemptTimeout || pinecone.Timeout > TimeSpan.FromMinutes(10))
                {
                    failures.Add("VectorStore:Pinecone:AttemptTimeout must be at least 00:00:00.010 and at most VectorStore:Pinecone:Timeout, which must be at most 00:10:00.");
                }

                if (pinecone.MaxRetries is < 0 or > 10)
                {
                    failures.Add("VectorStore:Pinecone:MaxRetries must be between 0 and 10.");
                }

                if (pinecone.RetryDelay < TimeSpan.Zero || pinecone.RetryDelay > TimeSpan.FromMinutes(1))
                {
                    failures.Add("VectorStore:Pinecone:RetryDelay must be between 00:00:00 and 00:01:00.");
                }

                if (pinecone.BreakDuration < TimeSpan.FromMilliseconds(500) || pinecone.BreakDuration > TimeSpan.FromHours(1))
                {
                    failures.Add("VectorStore:Pinecone:BreakDuration must be between 00:00:00.500 and 01:00:00.");
                }

                if (pinecone.UpsertBatchSize is < 1 or > 1000)
                {
                    failures.Add("VectorStore:Pinecone:UpsertBatchSize must be between 1 and 1000.");
                }

                break;
            default:
                failures.Add("VectorStore:Provider must be 'local' or 'pinecone'.");
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
