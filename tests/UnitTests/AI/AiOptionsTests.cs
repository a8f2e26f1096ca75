using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Platform.UnitTests.AI;

public sealed class AiOptionsTests
{
    [Test]
    public async Task Defaults_AreOffline_AndStart()
    {
        using var host = AiHost.Create(new Dictionary<string, string?>());

        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<Platform.AI.AiOptions>>().Value;
        Assert.That(options.Provider, Is.EqualTo("offline"));
        Assert.That(options.OpenAI.BaseUrl, Is.EqualTo("https://api.openai.com/v1"));
        Assert.That(options.OpenAI.Model, Is.EqualTo("gpt-4o-mini"));
        Assert.That(options.ContextTokens, Is.EqualTo(16000));
        Assert.That(options.MaxConcurrency, Is.EqualTo(4));
        Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(options.MaxRetries, Is.EqualTo(3));
        Assert.That(host.ChatClient.GetService(typeof(Microsoft.Extensions.AI.ChatClientMetadata)), Has.Property("ProviderName").EqualTo("offline"));
    }

    [Test]
    public void OpenAI_WithoutKey_StopsTheStart_NamingTheSetting()
    {
        using var host = AiHost.Create(new Dictionary<string, string?> { ["AI:Provider"] = "openai" });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.That(ex!.Message, Does.Contain("AI:OpenAI:ApiKey"));
    }

    [Test]
    public void Azure_Incomplete_NamesEveryMissingSetting_AndNeverTheKeyValue()
    {
        using var host = AiHost.Create(new Dictionary<string, string?>
        {
            ["AI:Provider"] = "Azure",
            ["AI:Azure:ApiKey"] = "super-secret-value",
            ["AI:Azure:Endpoint"] = "not a url",
        });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.That(ex!.Message, Does.Contain("AI:Azure:Endpoint").And.Contain("AI:Azure:Deployment"));
        Assert.That(ex.Message, Does.Not.Contain("super-secret-value"));
    }

    [TestCase("AI:Provider", "bedrock", "AI:Provider")]
    [TestCase("AI:MaxConcurrency", "0", "AI:MaxConcurrency")]
    [TestCase("AI:ContextTokens", "10", "AI:ContextTokens")]
    [TestCase("AI:MaxRetries", "-1", "AI:MaxRetries")]
    public void InvalidValues_StopTheStart(string key, string value, string named)
    {
        using var host = AiHost.Create(new Dictionary<string, string?> { [key] = value });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.That(ex!.Message, Does.Contain(named));
    }
}
