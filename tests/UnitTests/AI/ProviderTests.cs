using Microsoft.Extensions.AI;
using Platform.AI;
using Platform.Fakes;

namespace Platform.UnitTests.AI;

/// <summary>The real OpenAI and Azure.AI.OpenAI clients, configured by <c>AddAI</c>, against the local fake.</summary>
public sealed class ProviderTests
{
    private FakeOpenAiServer server = null!;

    [SetUp]
    public async Task StartServer() => server = await FakeOpenAiServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await server.DisposeAsync();

    [Test]
    public async Task OpenAI_ReplyAndUsage_AreParsed_AndRequestCarriesModelAndSettings()
    {
        server.Enqueue(FakeChatBehavior.Reply("The proposal is sound.", promptTokens: 42, completionTokens: 7));
        using var host = AiHost.OpenAI(server);

        var response = await host.ChatClient.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "Assess the proposal.")],
            new ChatOptions { Temperature = 0.2f, MaxOutputTokens = 300 });

        Assert.That(response.Text, Is.EqualTo("The proposal is sound."));
        Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(42));
        Assert.That(response.Usage?.OutputTokenCount, Is.EqualTo(7));
        var request = server.Requests.Single();
        Assert.That(request.Path, Is.EqualTo("/v1/chat/completions"));
        Assert.That(request.Authorization, Is.EqualTo("Bearer sk-test-openai"));
        Assert.That(request.Model, Is.EqualTo("gpt-4o-mini"));
        Assert.That(request.UserText, Is.EqualTo("Assess the proposal."));
        Assert.That(request.Temperature, Is.EqualTo(0.2).Within(1e-6));
        Assert.That(request.MaxTokens, Is.EqualTo(300));
    }

    [Test]
    public async Task Azure_UsesDeploymentPath_ApiVersion_AndApiKeyHeader()
    {
        server.Enqueue(FakeChatBehavior.Reply("Azure says hello.", promptTokens: 11, completionTokens: 3));
        using var host = AiHost.Azure(server, "gpt4o-prod");

        var response = await host.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello?")]);

        Assert.That(response.Text, Is.EqualTo("Azure says hello."));
        Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(11));
        Assert.That(response.Usage?.OutputTokenCount, Is.EqualTo(3));
        var request = server.Requests.Single();
        Assert.That(request.Path, Is.EqualTo("/openai/deployments/gpt4o-prod/chat/completions"));
        Assert.That(request.Deployment, Is.EqualTo("gpt4o-prod"));
        Assert.That(request.ApiVersion, Is.Not.Null.And.Not.Empty);
        Assert.That(request.ApiKeyHeader, Is.EqualTo("azure-test-key"));
        Assert.That(request.Authorization, Is.Empty, "Azure key auth sends api-key, not a bearer token");
    }

    [Test]
    public async Task Azure_WrongKey_FailsWith401_WithoutRetries()
    {
        using var host = AiHost.Azure(server, "gpt4o-prod", new Dictionary<string, string?> { ["AI:Azure:ApiKey"] = "wrong-key" });

        var ex = Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => host.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello?")]));

        Assert.That(ex!.Status, Is.EqualTo(401));
        Assert.That(ex.Message, Does.Not.Contain("wrong-key"));
        Assert.That(server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task PromptRunner_OverAzure_ReportsProviderModelAndUsage()
    {
        server.Enqueue(FakeChatBehavior.Reply("Five sections.", promptTokens: 120, completionTokens: 30));
        using var host = AiHost.Azure(server, "gpt4o-prod");

        var result = await host.Runner.RunAsync(
            new PromptRequest("analyzer.p1", "Summarise: {document}", 0.1, 200, new Dictionary<string, string> { ["document"] = "A short proposal." }, Guid.NewGuid(), null),
            CancellationToken.None);

        Assert.That(result.Text, Is.EqualTo("Five sections."));
        Assert.That(result.Provider, Is.EqualTo("azure"));
        Assert.That(result.Model, Is.EqualTo("gpt4o-prod"));
        Assert.That((result.InputTokens, result.OutputTokens), Is.EqualTo((120, 30)));
        Assert.That(server.Requests.Single().UserText, Is.EqualTo("Summarise: A short proposal."));
    }

    [Test]
    public async Task PlatformProperties_NeverLeaveForARemoteProvider()
    {
        using var host = AiHost.OpenAI(server);

        await host.Runner.RunAsync(
            new PromptRequest("analyzer.p2", "Review: {document}", null, null, new Dictionary<string, string> { ["document"] = "Secret-ish document body." }, Guid.NewGuid(), Guid.NewGuid()),
            CancellationToken.None);

        var body = server.Requests.Single().Body;
        Assert.That(body, Does.Not.Contain("platform."));
        Assert.That(body, Does.Contain("Review: Secret-ish document body."));
    }
}
