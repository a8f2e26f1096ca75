using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Platform.AI;
using Platform.Fakes;
using Platform.UnitTests.AI;

namespace Platform.UnitTests.Embeddings;

/// <summary>The embedding generator <c>AddAI</c> registers: the offline MiniLM model, and the real OpenAI/Azure clients against the fake.</summary>
public sealed class EmbeddingGeneratorTests
{
    private static readonly Lazy<AiHost> Offline = new(() => AiHost.Create(new Dictionary<string, string?>()));

    private FakeOpenAiServer server = null!;

    private static IEmbeddingGenerator<string, Embedding<float>> OfflineGenerator =>
        Offline.Value.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

    [OneTimeTearDown]
    public void DisposeOffline()
    {
        if (Offline.IsValueCreated)
        {
            Offline.Value.Dispose();
        }
    }

    [SetUp]
    public async Task StartServer() => server = await FakeOpenAiServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await server.DisposeAsync();

    [Test]
    public async Task Offline_IsMiniLm_WithUnitLength384DimensionVectors()
    {
        var embeddings = await OfflineGenerator.GenerateAsync(["The project budget is 2 million dollars.", string.Empty]);

        Assert.That(embeddings, Has.Count.EqualTo(2));
        foreach (var embedding in embeddings)
        {
            Assert.That(embedding.Vector.Length, Is.EqualTo(MiniLmEmbeddingGenerator.Dimensions));
            Assert.That(TensorPrimitives.Norm(embedding.Vector.Span), Is.EqualTo(1f).Within(1e-3));
            Assert.That(embedding.ModelId, Is.EqualTo(MiniLmEmbeddingGenerator.ModelId));
        }

        var metadata = OfflineGenerator.GetService<EmbeddingGeneratorMetadata>();
        Assert.That(metadata?.DefaultModelDimensions, Is.EqualTo(384));
    }

    [TestCase("project budget", "total cost of the project", "weather in Paris")]
    [TestCase("How many staff does the organisation employ?", "The organisation has 45 employees.", "The river floods every spring.")]
    [TestCase("When does the project end?", "The project will be completed in December 2026.", "Our logo is blue and green.")]
    [TestCase("risks of the programme", "The main threats are delays in procurement and currency fluctuation.", "A recipe for chocolate cake.")]
    public async Task Offline_IsSemantic_ParaphraseIsNearerThanUnrelatedText(string query, string paraphrase, string unrelated)
    {
        var embeddings = await OfflineGenerator.GenerateAsync([query, paraphrase, unrelated]);

        var near = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        var far = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span);
        Assert.That(near, Is.GreaterThan(far + 0.1f), $"paraphrase {near:F3}, unrelated {far:F3}");
    }

    [Test]
    public async Task Offline_ConcurrentCalls_GiveTheSameVectorsAsOneBatch()
    {
        var texts = Enumerable.Range(0, 40).Select(i => $"Chunk {i} of the annual report, section {i % 5}, on water and sanitation.").ToArray();
        var batch = await OfflineGenerator.GenerateAsync(texts);

        var parallel = await Task.WhenAll(texts.Select(t => Task.Run(() => OfflineGenerator.GenerateVectorAsync(t))));

        Assert.That(batch, Has.Count.EqualTo(texts.Length), "batches of 32 are joined in order");
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.That(parallel[i].ToArray(), Is.EqualTo(batch[i].Vector.ToArray()).Within(1e-5f), $"text {i}");
        }
    }

    [Test]
    public async Task OpenAI_EmbeddingsEndpoint_SendsModelAndKey_AndParsesVectors()
    {
        using var host = AiHost.OpenAI(server, new Dictionary<string, string?> { ["AI:OpenAI:EmbeddingModel"] = "text-embedding-3-large" });
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var embeddings = await generator.GenerateAsync(["project budget", "weather in Paris"]);

        var request = server.EmbeddingRequests.Single();
        Assert.That(request.Path, Is.EqualTo("/v1/embeddings"));
        Assert.That(request.Authorization, Is.EqualTo("Bearer sk-test-openai"));
        Assert.That(request.Model, Is.EqualTo("text-embedding-3-large"));
        Assert.That(request.Inputs, Is.EqualTo(new[] { "project budget", "weather in Paris" }));
        Assert.That(embeddings, Has.Count.EqualTo(2));
        Assert.That(embeddings[0].Vector.ToArray(), Is.EqualTo(server.Embedder("project budget", server.DefaultEmbeddingDimensions)).Within(1e-6f));
        Assert.That(embeddings[1].Vector.ToArray(), Is.EqualTo(server.Embedder("weather in Paris", server.DefaultEmbeddingDimensions)).Within(1e-6f));
    }

    [Test]
    public async Task OpenAI_ConfiguredDimensions_AreAskedFor()
    {
        using var host = AiHost.OpenAI(server, new Dictionary<string, string?> { ["AI:EmbeddingDimensions"] = "256" });
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var vector = await generator.GenerateVectorAsync("project budget");

        Assert.That(server.EmbeddingRequests.Single().Dimensions, Is.EqualTo(256));
        Assert.That(vector.Length, Is.EqualTo(256));
    }

    [Test]
    public async Task OpenAI_RateLimited_IsRetriedAfterRetryAfter()
    {
        server.Enqueue(FakeChatBehavior.Status(429, TimeSpan.FromSeconds(1)));
        using var host = AiHost.OpenAI(server);
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var vector = await generator.GenerateVectorAsync("total cost of the project");

        Assert.That(server.EmbeddingRequests, Has.Count.EqualTo(2));
        Assert.That(vector.ToArray(), Is.EqualTo(server.Embedder("total cost of the project", server.DefaultEmbeddingDimensions)).Within(1e-6f));
    }

    [Test]
    public async Task Azure_UsesEmbeddingDeploymentPath_ApiVersion_AndApiKeyHeader()
    {
        using var host = AiHost.Azure(server, "gpt4o-prod", new Dictionary<string, string?> { ["AI:Azure:EmbeddingDeployment"] = "embed-small" });
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var embeddings = await generator.GenerateAsync(["project budget"]);

        var request = server.EmbeddingRequests.Single();
        Assert.That(request.Path, Is.EqualTo("/openai/deployments/embed-small/embeddings"));
        Assert.That(request.ApiVersion, Is.Not.Null.And.Not.Empty);
        Assert.That(request.ApiKeyHeader, Is.EqualTo("azure-test-key"));
        Assert.That(embeddings.Single().Vector.ToArray(), Is.EqualTo(server.Embedder("project budget", server.DefaultEmbeddingDimensions)).Within(1e-6f));
    }

    [Test]
    public void Azure_WithoutEmbeddingDeployment_FailsWithTheSettingsName()
    {
        using var host = AiHost.Azure(server, "gpt4o-prod");

        var ex = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

        Assert.That(ex!.Message, Does.Contain("AI:Azure:EmbeddingDeployment"));
        Assert.That(ex.Message, Does.Not.Contain("azure-test-key"));
    }
}
