using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.ServiceDefaults.Identity;

namespace Platform.ServiceDefaults.Prompts;

/// <summary>Where Admin lives and how long resolved prompts are reused.</summary>
public sealed class PromptClientOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Prompts";

    /// <summary>Admin's base address.</summary>
    [Required(ErrorMessage = "Set Prompts:AdminAddress (the Admin service's base address).")]
    [Url]
    public string? AdminAddress { get; set; }

    /// <summary>How long a resolved prompt is reused before asking Admin again.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Resolves prompt keys for an organisation from Admin (<c>/internal/prompts/resolve</c>), signed as an internal call,
/// through the standard resilience handler, with a short cache so a burst of analyses asks once.
/// </summary>
public sealed class PromptClient(HttpClient http, IOptions<PromptClientOptions> options, TimeProvider clock)
{
    private static readonly ConcurrentDictionary<(Guid, string), (ResolvedPrompt Prompt, DateTimeOffset Until)> Cache = new();
    private static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    /// <summary>The organisation's active prompt for <paramref name="key"/> (or the global one); null if none exists.</summary>
    public async Task<ResolvedPrompt?> ResolveAsync(Guid orgId, string key, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (Cache.TryGetValue((orgId, key), out var cached) && cached.Until > now)
        {
            return cached.Prompt;
        }

        using var response = await http.GetAsync($"internal/prompts/resolve?org={orgId}&key={Uri.EscapeDataString(key)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var prompt = await response.Content.ReadFromJsonAsync<ResolvedPrompt>(JsonOptions, ct)
            ?? throw new InvalidOperationException("Admin answered an empty prompt.");
        Cache[(orgId, key)] = (prompt, now + options.Value.CacheFor);
        return prompt;
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Extensions.ConfigureJson(json);
        return json;
    }
}

/// <summary>Registration of <see cref="PromptClient"/>.</summary>
public static class PromptClientExtensions
{
    /// <summary>Adds <see cref="PromptClient"/> and <see cref="GuidelineClient"/> (options validated at start).</summary>
    public static IHostApplicationBuilder AddPromptClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PromptClientOptions>().BindConfiguration(PromptClientOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient<PromptClient>((sp, http) =>
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<PromptClientOptions>>().Value.AdminAddress!))
            .AddInternalCallSigning();
        builder.Services.AddHttpClient<GuidelineClient>((sp, http) =>
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<PromptClientOptions>>().Value.AdminAddress!))
            .AddInternalCallSigning();
        return builder;
    }
}
