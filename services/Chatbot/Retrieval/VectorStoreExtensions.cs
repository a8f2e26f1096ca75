using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Platform.Chatbot.Retrieval;

public static class VectorStoreExtensions
{
    /// <summary>
    /// Adds <see cref="VectorStoreOptions"/> (section <c>VectorStore</c>, validated at start) and the singleton
    /// <see cref="IVectorStore"/> it names: <c>local</c> (the default; needs the app's <c>NpgsqlDataSource</c> with the
    /// chatbot migrations, and starts the change listener) or <c>pinecone</c> (an HttpClient with resilience).
    /// </summary>
    public static IHostApplicationBuilder AddVectorStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<VectorStoreOptions>()
            .BindConfiguration(VectorStoreOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VectorStoreOptions>, VectorStoreOptionsValidator>());

        var provider = builder.Configuration[$"{VectorStoreOptions.Section}:{nameof(VectorStoreOptions.Provider)}"]?.Trim().ToLowerInvariant();
        switch (string.IsNullOrEmpty(provider) ? VectorStoreProviders.Local : provider)
        {
            case VectorStoreProviders.Pinecone:
                services.AddPineconeVectorStore();
                break;
            case VectorStoreProviders.Local:
                services.TryAddSingleton<LocalVectorStore>();
                services.TryAddSingleton<IVectorStore>(sp => sp.GetRequiredService<LocalVectorStore>());
                services.AddHostedService<LocalVectorStoreListener>();
                break;
            default:
                // Nothing to register: validation stops the app at start with the allowed values.
                break;
        }

        return builder;
    }
}
