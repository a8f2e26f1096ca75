using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.AI;
using Platform.Fakes;

namespace Platform.UnitTests.AI;

/// <summary>A host with <c>AddAI()</c> and in-memory configuration, as a service would build it.</summary>
public sealed class AiHost : IDisposable
{
    private readonly IHost host;

    private AiHost(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public IChatClient ChatClient => Services.GetRequiredService<IChatClient>();

    public IPromptRunner Runner => Services.GetRequiredService<IPromptRunner>();

    public static AiHost Create(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAI();
        services?.Invoke(builder.Services);
        return new AiHost(builder.Build());
    }

    /// <summary>Provider <c>openai</c> pointing at the fake, with quick retries for tests.</summary>
    public static AiHost OpenAI(FakeOpenAiServer server, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null) =>
        Create(Merge(new Dictionary<string, string?>
        {
            ["AI:Provider"] = "openai",
            ["AI:OpenAI:BaseUrl"] = server.OpenAiBaseUrl.ToString(),
            ["AI:OpenAI:ApiKey"] = server.OpenAiApiKey,
            ["AI:OpenAI:Model"] = "gpt-4o-mini",
            ["AI:RetryDelay"] = "00:00:00.050",
            ["AI:Timeout"] = "00:00:10",
        }, extra), services);

    /// <summary>Provider <c>azure</c> pointing at the fake.</summary>
    public static AiHost Azure(FakeOpenAiServer server, string deployment, IDictionary<string, string?>? extra = null) =>
        Create(Merge(new Dictionary<string, string?>
        {
            ["AI:Provider"] = "azure",
            ["AI:Azure:Endpoint"] = server.BaseUri.ToString(),
            ["AI:Azure:ApiKey"] = server.AzureApiKey,
            ["AI:Azure:Deployment"] = deployment,
            ["AI:RetryDelay"] = "00:00:00.050",
            ["AI:Timeout"] = "00:00:10",
        }, extra));

    public Task StartAsync() => host.StartAsync();

    public void Dispose() => host.Dispose();

    private static Dictionary<string, string?> Merge(Dictionary<string, string?> settings, IDictionary<string, string?>? extra)
    {
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}

/// <summary>Collects token usage records.</summary>
public sealed class RecordingUsageSink : ITokenUsageSink
{
    private readonly List<TokenUsage> records = [];

    public IReadOnlyList<TokenUsage> Records
    {
        get
        {
            lock (records)
            {
                return [.. records];
            }
        }
    }

    public ValueTask RecordAsync(TokenUsage usage, CancellationToken ct)
    {
        lock (records)
        {
            records.Add(usage);
        }

        return ValueTask.CompletedTask;
    }
}
