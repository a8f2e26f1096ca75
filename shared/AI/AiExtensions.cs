using System.ClientModel;
using System.ClientModel.Primitives;
using Azure;
using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Platform.AI;

/// <summary>
/// Registers the AI layer: the configured chat model behind <see cref="IChatClient"/>, the embedding model behind
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, and <see cref="IPromptRunner"/>.
/// </summary>
public static class AiExtensions
{
    /// <summary>The activity source and meter the chat telemetry is written to (listened to by ServiceDefaults).</summary>
    public const string TelemetrySourceName = "Platform";

    /// <summary>
    /// Adds <see cref="AiOptions"/> (section <c>AI</c>, validated at start), a singleton <see cref="IChatClient"/> for the
    /// configured provider (offline by default) wrapped in the resilience pipeline and OpenTelemetry, a singleton
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings for the same provider (offline: the local
    /// all-MiniLM model, loaded on first use), and the singleton <see cref="IPromptRunner"/>. Register
    /// <see cref="ITokenUsageSink"/> implementations to store token usage.
    /// </summary>
    public static IHostApplicationBuilder AddAI(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AiOptions>()
            .BindConfiguration(AiOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AiOptions>, AiOptionsValidator>());
        services.TryAddSingleton(CreateChatClient);
        services.TryAddSingleton(CreateEmbeddingGenerator);
        services.TryAddSingleton<IPromptRunner, PromptRunner>();
        return builder;
    }

    /// <summary>Builds the chat client for the configured provider, as registered by <see cref="AddAI"/>.</summary>
    internal static IChatClient CreateChatClient(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<AiOptions>>().Value;
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Platform.AI.Resilience");
        var remote = options.ProviderName != AiProviders.Offline;

        var provider = options.ProviderName switch
        {
            AiProviders.OpenAI => CreateOpenAIClient(options),
            AiProviders.Azure => CreateAzureClient(options),
            _ => new OfflineChatClient(),
        };

        IChatClient client = new ResilientChatClient(provider, AiResilience.Build(options, logger));
        client = new ChatClientBuilder(client)
            .UseOpenTelemetry(loggerFactory, TelemetrySourceName)
            .Build(services);
        return remote ? new PlatformPropertiesFilter(client) : client;
    }

    /// <summary>Builds the embedding generator for the configured provider, as registered by <see cref="AddAI"/>.</summary>
    internal static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<AiOptions>>().Value;
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        IEmbeddingGenerator<string, Embedding<float>> generator = options.ProviderName switch
        {
            AiProviders.OpenAI => new ResilientEmbeddingGenerator(
                OpenAIClientFor(options).GetEmbeddingClient(options.OpenAI.EmbeddingModel).AsIEmbeddingGenerator(options.EmbeddingDimensions),
                AiResilience.Build(options, loggerFactory.CreateLogger("Platform.AI.Resilience"))),
            AiProviders.Azure => new ResilientEmbeddingGenerator(
                AzureClientFor(options).GetEmbeddingClient(AzureEmbeddingDeployment(options)).AsIEmbeddingGenerator(options.EmbeddingDimensions),
                AiResilience.Build(options, loggerFactory.CreateLogger("Platform.AI.Resilience"))),
            _ => new MiniLmEmbeddingGenerator(),
        };
        return new EmbeddingGeneratorBuilder<string, Embedding<float>>(generator)
            .UseOpenTelemetry(loggerFactory, TelemetrySourceName)
            .Build(services);
    }

    private static IChatClient CreateOpenAIClient(AiOptions options) =>
        OpenAIClientFor(options).GetChatClient(options.OpenAI.Model).AsIChatClient();

    private static IChatClient CreateAzureClient(AiOptions options) =>
        AzureClientFor(options).GetChatClient(options.Azure.Deployment!).AsIChatClient();

    private static OpenAIClient OpenAIClientFor(AiOptions options) =>
        new(new ApiKeyCredential(options.OpenAI.ApiKey!), new OpenAIClientOptions
        {
            Endpoint = new Uri(options.OpenAI.BaseUrl),
            RetryPolicy = NoRetries(),
            NetworkTimeout = NetworkTimeout(options),
        });

    private static AzureOpenAIClient AzureClientFor(AiOptions options) =>
        new(new Uri(options.Azure.Endpoint!), new AzureKeyCredential(options.Azure.ApiKey!), new AzureOpenAIClientOptions
        {
            RetryPolicy = NoRetries(),
            NetworkTimeout = NetworkTimeout(options),
        });

    // Only apps that embed need the deployment, so it is checked when the generator is first built, not at start.
    private static string AzureEmbeddingDeployment(AiOptions options) =>
        string.IsNullOrWhiteSpace(options.Azure.EmbeddingDeployment)
            ? throw new InvalidOperationException("AI:Azure:EmbeddingDeployment is required for embeddings when AI:Provider is 'azure'.")
            : options.Azure.EmbeddingDeployment;

    // Polly is the only retry layer: SDK retries would multiply with it and ignore the circuit breaker.
    private static ClientRetryPolicy NoRetries() => new(maxRetries: 0);

    // The pipeline's timeout decides; the SDK's own network timeout only guards against a pipeline that has none.
    private static TimeSpan NetworkTimeout(AiOptions options) => options.Timeout + TimeSpan.FromSeconds(30);
}
