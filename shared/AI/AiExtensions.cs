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

/// <summary>Registers the AI layer: the configured chat model behind <see cref="IChatClient"/>, and <see cref="IPromptRunner"/>.</summary>
public static class AiExtensions
{
    /// <summary>The activity source and meter the chat telemetry is written to (listened to by ServiceDefaults).</summary>
    public const string TelemetrySourceName = "Platform";

    /// <summary>
    /// Adds <see cref="AiOptions"/> (section <c>AI</c>, validated at start), a singleton <see cref="IChatClient"/> for the
    /// configured provider (offline by default) wrapped in the resilience pipeline and OpenTelemetry, and the singleton
    /// <see cref="IPromptRunner"/>. Register <see cref="ITokenUsageSink"/> implementations to store token usage.
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

    private static IChatClient CreateOpenAIClient(AiOptions options)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.OpenAI.BaseUrl),
            RetryPolicy = NoRetries(),
            NetworkTimeout = NetworkTimeout(options),
        };
        return new OpenAIClient(new ApiKeyCredential(options.OpenAI.ApiKey!), clientOptions)
            .GetChatClient(options.OpenAI.Model)
            .AsIChatClient();
    }

    private static IChatClient CreateAzureClient(AiOptions options)
    {
        var clientOptions = new AzureOpenAIClientOptions
        {
            RetryPolicy = NoRetries(),
            NetworkTimeout = NetworkTimeout(options),
        };
        return new AzureOpenAIClient(new Uri(options.Azure.Endpoint!), new AzureKeyCredential(options.Azure.ApiKey!), clientOptions)
            .GetChatClient(options.Azure.Deployment!)
            .AsIChatClient();
    }

    // Polly is the only retry layer: SDK retries would multiply with it and ignore the circuit breaker.
    private static ClientRetryPolicy NoRetries() => new(maxRetries: 0);

    // The pipeline's timeout decides; the SDK's own network timeout only guards against a pipeline that has none.
    private static TimeSpan NetworkTimeout(AiOptions options) => options.Timeout + TimeSpan.FromSeconds(30);
}
