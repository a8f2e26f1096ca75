using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.AI;
using Platform.Fakes;

namespace Platform.UnitTests.AI;

public sealed class PromptRunnerTests
{
    [Test]
    public void Template_FillsPlaceholders_KeepsEscapedBraces_AndEmptiesUnknownOnes()
    {
        var rendered = PromptTemplate.Render(
            "Hello {name}, {{literal}} {unknown}! JSON: {\"a\": 1} {doc.title} {{{name}}}",
            new Dictionary<string, string> { ["name"] = "Ann", ["doc.title"] = "Plan" });

        Assert.That(rendered, Is.EqualTo("Hello Ann, {literal} ! JSON: {\"a\": 1} Plan {Ann}"));
    }

    [Test]
    public void Template_ListsPlaceholdersInOrder_IgnoringEscapes()
    {
        Assert.That(PromptTemplate.Placeholders("{b} {{x}} {a} {b}"), Is.EqualTo(new[] { "b", "a" }));
    }

    [TestCase("gpt-4o-mini", "o200k_base")]
    [TestCase("gpt-4.1", "o200k_base")]
    [TestCase("my-gpt4o-deployment", "o200k_base")]
    [TestCase("gpt-4", "cl100k_base")]
    [TestCase("gpt-3.5-turbo", "cl100k_base")]
    [TestCase("llama-3.1-8b-instruct", "cl100k_base")]
    [TestCase(null, "cl100k_base")]
    public void TokenCounter_PicksTheEncodingByModel(string? model, string encoding)
    {
        Assert.That(TokenCounter.ForModel(model).EncodingName, Is.EqualTo(encoding));
    }

    [Test]
    public void TokenCounter_CountsLikeTiktoken()
    {
        Assert.That(TokenCounter.ForModel("gpt-4").Count("hello world"), Is.EqualTo(2));
        Assert.That(TokenCounter.ForModel("gpt-4o").Count("hello world"), Is.EqualTo(2));
        Assert.That(TokenCounter.ForModel("gpt-4o").Count(""), Is.Zero);
    }

    [Test]
    public void TokenCounter_Chunks_StayWithinBudget_CoverTheText_AndOverlap()
    {
        var counter = TokenCounter.ForModel("gpt-4o-mini");
        var text = ProposalFixture.Text;

        var chunks = counter.Chunk(text, maxTokens: 800, overlapTokens: 80);

        Assert.That(chunks, Has.Count.GreaterThan(3));
        Assert.That(chunks.Select(c => counter.Count(c.Text)), Has.All.LessThanOrEqualTo(800));
        Assert.That(chunks[0].Start, Is.Zero);
        Assert.That(chunks[^1].Start + chunks[^1].Length, Is.EqualTo(text.Length));
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.That(chunks[i].Start, Is.LessThan(chunks[i - 1].Start + chunks[i - 1].Length), "chunks overlap");
            Assert.That(chunks[i].Start, Is.GreaterThan(chunks[i - 1].Start), "chunks advance");
        }
    }

    [Test]
    public async Task LongDocument_IsChunked_MappedAndMerged_WithinTheContext_AndUsageTotalled()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.DefaultPromptTokens = 1000;
        server.DefaultCompletionTokens = 50;
        server.Responder = r => r.UserText.Contains("## Partial answers", StringComparison.Ordinal)
            ? "Merged analysis of the whole proposal."
            : $"Partial finding {r.Number}.";
        var sink = new RecordingUsageSink();
        using var host = AiHost.OpenAI(
            server,
            new Dictionary<string, string?> { ["AI:ContextTokens"] = "2000" },
            s => s.AddSingleton<ITokenUsageSink>(sink));
        var orgId = Guid.NewGuid();
        var sessionId = Guid.NewGuid();

        var result = await host.Runner.RunAsync(
            new PromptRequest("analyzer.p1", "Summarise this proposal for a funder:\n\n{document}\n\nAnswer in Markdown.", 0.3, 300,
                new Dictionary<string, string> { ["document"] = ProposalFixture.Text }, orgId, sessionId),
            CancellationToken.None);

        var requests = server.Requests;
        var counter = TokenCounter.ForModel("gpt-4o-mini");
        Assert.That(requests, Has.Count.GreaterThanOrEqualTo(4), "several chunks plus the merge");
        Assert.That(requests.Select(r => counter.Count(r.UserText)), Has.All.LessThanOrEqualTo(2000 - 300));
        var merge = requests[^1];
        Assert.That(merge.UserText, Does.Contain("## Partial answers"));
        var maps = requests.Take(requests.Count - 1).ToList();
        Assert.That(maps.Select(m => m.UserText), Has.All.StartWith("Summarise this proposal for a funder:"));
        foreach (var map in maps)
        {
            Assert.That(merge.UserText, Does.Contain($"Partial finding {map.Number}."));
        }

        // Chunks run concurrently, so arrival order is not document order.
        Assert.That(maps.Count(m => m.UserText.Contains("Climate-Smart Agriculture for Resilient Livelihoods", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(maps.Count(m => m.UserText.Contains("all final evaluations are available on request", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(requests.Select(r => r.Temperature), Has.All.EqualTo(0.3).Within(1e-6));
        Assert.That(requests.Select(r => r.MaxTokens), Has.All.EqualTo(300));

        Assert.That(result.Text, Is.EqualTo("Merged analysis of the whole proposal."));
        Assert.That(result.InputTokens, Is.EqualTo(1000 * requests.Count));
        Assert.That(result.OutputTokens, Is.EqualTo(50 * requests.Count));
        Assert.That(result.Provider, Is.EqualTo("openai"));
        Assert.That(result.Model, Is.EqualTo("gpt-4o-mini"));
        Assert.That(result.Duration, Is.GreaterThan(TimeSpan.Zero));

        var usage = sink.Records.Single();
        Assert.That(usage, Is.EqualTo(new TokenUsage(orgId, sessionId, "analyzer.p1", "openai", "gpt-4o-mini", 1000 * requests.Count, 50 * requests.Count)));
    }

    [Test]
    public async Task ShortPrompt_IsOneCall_AndEverySinkIsCalled_EvenAfterOneFails()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(FakeChatBehavior.Reply("Short answer.", promptTokens: 25, completionTokens: 4));
        var sink = new RecordingUsageSink();
        using var host = AiHost.OpenAI(server, services: s =>
        {
            s.AddSingleton<ITokenUsageSink>(new ThrowingSink());
            s.AddSingleton<ITokenUsageSink>(sink);
        });
        var orgId = Guid.NewGuid();

        var result = await host.Runner.RunAsync(
            new PromptRequest("analyzer.followup", "Q: {question}", null, null, new Dictionary<string, string> { ["question"] = "Why?" }, orgId, null),
            CancellationToken.None);

        Assert.That(result.Text, Is.EqualTo("Short answer."));
        Assert.That(server.Requests, Has.Count.EqualTo(1));
        Assert.That(sink.Records.Single(), Is.EqualTo(new TokenUsage(orgId, null, "analyzer.followup", "openai", "gpt-4o-mini", 25, 4)));
    }

    [Test]
    public async Task PromptKeyAndRawVariables_ReachTheChatClient()
    {
        var chat = new CapturingChatClient();
        var runner = new PromptRunner(chat, Options.Create(new AiOptions()), [], NullLogger<PromptRunner>.Instance);
        var variables = new Dictionary<string, string> { ["document"] = "Text.", ["question"] = "What?" };

        await runner.RunAsync(new PromptRequest("analyzer.followup", "{question} {document}", 0.5, 64, variables, Guid.NewGuid(), null), CancellationToken.None);

        var options = chat.Options.Single()!;
        Assert.That(options.AdditionalProperties![PromptProperties.PromptKey], Is.EqualTo("analyzer.followup"));
        Assert.That(options.AdditionalProperties[PromptProperties.Variables], Is.EqualTo(variables));
        Assert.That(options.Temperature, Is.EqualTo(0.5f));
        Assert.That(options.MaxOutputTokens, Is.EqualTo(64));
        Assert.That(chat.Prompts.Single(), Is.EqualTo("What? Text."));
    }

    [Test]
    public async Task Offline_IsTheDefault_AndNeverChunks()
    {
        var sink = new RecordingUsageSink();
        using var host = AiHost.Create(new Dictionary<string, string?> { ["AI:ContextTokens"] = "1000" }, s => s.AddSingleton<ITokenUsageSink>(sink));

        var result = await host.Runner.RunAsync(
            new PromptRequest("analyzer.p1", "Summarise:\n{document}", null, null, new Dictionary<string, string> { ["document"] = ProposalFixture.Text }, Guid.NewGuid(), null),
            CancellationToken.None);

        Assert.That(result.Provider, Is.EqualTo("offline"));
        Assert.That(result.Model, Is.EqualTo(OfflineChatClient.ModelId));
        Assert.That(result.Text, Does.StartWith(OfflineChatClient.Disclaimer));
        Assert.That(result.InputTokens, Is.GreaterThan(5000), "the whole document went in one call");
        Assert.That(result.OutputTokens, Is.GreaterThan(100));
        Assert.That(sink.Records.Single().InputTokens, Is.EqualTo(result.InputTokens));
    }

    private sealed class ThrowingSink : ITokenUsageSink
    {
        public ValueTask RecordAsync(TokenUsage usage, CancellationToken ct) => throw new InvalidOperationException("database down");
    }

    private sealed class CapturingChatClient : IChatClient
    {
        public List<ChatOptions?> Options { get; } = [];

        public List<string> Prompts { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Options.Add(options);
            Prompts.Add(messages.Last().Text);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
