using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Chatbot.Retrieval;
using Platform.Fakes;

namespace Platform.UnitTests.Retrieval;

/// <summary>The real Pinecone client, registered by <c>AddVectorStore</c>, against the local fake data plane.</summary>
public sealed class PineconeVectorStoreTests
{
    private FakePineconeServer server = null!;

    [SetUp]
    public async Task StartServer() => server = await FakePineconeServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await server.DisposeAsync();

    [Test]
    public async Task Upsert_SendsBatchesOf100_IntoTheOrganisationsNamespace_WithHeadersAndDocumentMetadata()
    {
        using var host = Host(server);
        var org = Guid.NewGuid();
        var document = Guid.NewGuid();
        var records = Records([document], 250, 8, seed: 1);

        await host.Store.UpsertAsync(org, records);

        var upserts = server.Requests.Where(r => r.Path == "/vectors/upsert").ToList();
        Assert.That(upserts.Select(r => r.Json["vectors"]!.AsArray().Count), Is.EqualTo(new[] { 100, 100, 50 }));
        Assert.That(upserts.Select(r => r.Json["namespace"]!.GetValue<string>()), Is.All.EqualTo(org.ToString()));
        Assert.That(upserts.Select(r => r.ApiKey), Is.All.EqualTo(server.ApiKey));
        Assert.That(upserts.Select(r => r.ApiVersion), Is.All.EqualTo("2025-04"));
        Assert.That(server.Ids(org.ToString()), Has.Count.EqualTo(250));
        Assert.That(server.Metadata(org.ToString(), records[42].Id)?["document_id"]?.GetValue<string>(), Is.EqualTo(document.ToString()));
    }

    [Test]
    public async Task Upsert_OfLargeVectors_StaysUnder2MBARequest()
    {
        using var host = Host(server);
        var org = Guid.NewGuid();
        var records = Records([Guid.NewGuid()], 100, 3072, seed: 2);

        await host.Store.UpsertAsync(org, records);

        var upserts = server.Requests.Where(r => r.Path == "/vectors/upsert").ToList();
        Assert.That(upserts, Has.Count.GreaterThan(1), "100 vectors of 3072 floats are more than 2 MB of JSON");
        Assert.That(upserts.Select(r => r.Bytes), Is.All.LessThanOrEqualTo(FakePineconeServer.MaxRequestBytes));
        Assert.That(server.Ids(org.ToString()), Has.Count.EqualTo(100));
    }

    [Test]
    public async Task Query_ReturnsTheNearest_WithCosineScoresAndDocuments()
    {
        using var host = Host(server);
        var org = Guid.NewGuid();
        var documents = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var records = Records(documents, 10, 16, seed: 3);
        await host.Store.UpsertAsync(org, records);

        var matches = await host.Store.QueryAsync(org, records[13].Values, topK: 4);

        Assert.That(matches, Has.Count.EqualTo(4));
        Assert.That(matches[0].Id, Is.EqualTo(records[13].Id));
        Assert.That(matches[0].DocumentId, Is.EqualTo(documents[1]));
        Assert.That(matches[0].Score, Is.EqualTo(1.0).Within(1e-5));
        Assert.That(matches.Select(m => m.Score), Is.Ordered.Descending);
        var query = server.Requests.Last(r => r.Path == "/query").Json;
        Assert.That(query["topK"]!.GetValue<int>(), Is.EqualTo(4));
        Assert.That(query["namespace"]!.GetValue<string>(), Is.EqualTo(org.ToString()));
        Assert.That(query["includeMetadata"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task Query_WithDocuments_SendsAnInFilter_AndGetsOnlyThose()
    {
        using var host = Host(server);
        var org = Guid.NewGuid();
        var documents = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var records = Records(documents, 5, 16, seed: 4);
        await host.Store.UpsertAsync(org, records);

        var matches = await host.Store.QueryAsync(org, records[0].Values, topK: 100, documentIds: [documents[1], documents[2]]);

        Assert.That(matches, Has.Count.EqualTo(10));
        Assert.That(matches.Select(m => m.DocumentId), Is.All.AnyOf(documents[1], documents[2]));
        var filter = server.Requests.Last(r => r.Path == "/query").Json["filter"]!["document_id"]!["$in"]!.AsArray();
        Assert.That(filter.Select(d => d!.GetValue<string>()), Is.EquivalentTo(new[] { documents[1].ToString(), documents[2].ToString() }));
    }

    [Test]
    public async Task TenantIsolation_OrgBNeverGetsOrgAsVectors()
    {
        using var host = Host(server);
        var orgA = Guid.NewGuid();
        var orgB = Guid.NewGuid();
        var recordsA = Records([Guid.NewGuid()], 5, 16, seed: 5);
        await host.Store.UpsertAsync(orgA, recordsA);
        Assert.That(await host.Store.QueryAsync(orgB, recordsA[0].Values, 10), Is.Empty);

        var recordsB = Records([Guid.NewGuid()], 5, 16, seed: 6);
        await host.Store.UpsertAsync(orgB, recordsB);
        var matches = await host.Store.QueryAsync(orgB, recordsA[0].Values, 100);

        Assert.That(matches.Select(m => m.Id), Is.EquivalentTo(recordsB.Select(r => r.Id)));
    }

    [Test]
    public async Task Delete_RemovesOnlyThatDocumentsVectors_ByMetadataFilter()
    {
        using var host = Host(server);
        var org = Guid.NewGuid();
        var documents = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var records = Records(documents, 6, 16, seed: 7);
        await host.Store.UpsertAsync(org, records);

        await host.Store.DeleteDocumentAsync(org, documents[0]);

        Assert.That(server.Ids(org.ToString()), Is.EquivalentTo(records.Where(r => r.DocumentId == documents[1]).Select(r => r.Id)));
        var delete = server.Requests.Single(r => r.Path == "/vectors/delete").Json;
        Assert.That(delete["filter"]!["document_id"]!["$eq"]!.GetValue<string>(), Is.EqualTo(documents[0].ToString()));
        Assert.That(delete["namespace"]!.GetValue<string>(), Is.EqualTo(org.ToString()));
    }

    [Test]
    public async Task RateLimited_IsRetried_AfterTheRetryAfterWait()
    {
        using var host = Host(server);
        var org = Guid.NewGuid();
        var records = Records([Guid.NewGuid()], 3, 16, seed: 8);
        server.FailNext(429, TimeSpan.FromSeconds(1));

        var watch = Stopwatch.StartNew();
        await host.Store.UpsertAsync(org, records);
        watch.Stop();

        Assert.That(server.Requests.Count(r => r.Path == "/vectors/upsert"), Is.EqualTo(2));
        Assert.That(server.Ids(org.ToString()), Has.Count.EqualTo(3));
        // Retry-After (1 s) wins over the configured 10 ms back-off: a lower bound on the wait, not a speed check.
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900)));
    }

    [Test]
    public async Task ServerErrors_AreRetriedUpToTheLimit_ThenFailWithoutTheKey_AndWithoutTheAppWideRetriesOnTop()
    {
        // As in the app: ServiceDefaults adds the standard resilience handler to every HttpClient.
        using var host = Host(server, ("VectorStore:Pinecone:MaxRetries", "2"), services: s => s.ConfigureHttpClientDefaults(h => h.AddStandardResilienceHandler()));
        server.FailNext(503, times: 20);

        var ex = Assert.ThrowsAsync<HttpRequestException>(() => host.Store.QueryAsync(Guid.NewGuid(), new float[] { 1, 0 }, 3));

        Assert.That(ex!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.ServiceUnavailable));
        Assert.That(ex.Message, Does.Not.Contain(server.ApiKey));
        Assert.That(server.Requests, Has.Count.EqualTo(3), "one try and two retries, from one pipeline only");
    }

    [Test]
    public async Task WrongKey_Fails401_WithoutRetries()
    {
        using var host = Host(server, ("VectorStore:Pinecone:ApiKey", "wrong-key"));

        var ex = Assert.ThrowsAsync<HttpRequestException>(() => host.Store.QueryAsync(Guid.NewGuid(), new float[] { 1, 0 }, 3));

        Assert.That(ex!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Unauthorized));
        Assert.That(ex.Message, Does.Not.Contain("wrong-key"));
        Assert.That(server.Requests, Has.Count.EqualTo(1));
    }

    [TestCase("pinecone", null, "k", "VectorStore:Pinecone:IndexHost")]
    [TestCase("pinecone", "http://127.0.0.1:1/", null, "VectorStore:Pinecone:ApiKey")]
    [TestCase("pinecone", "not a url", "k", "VectorStore:Pinecone:IndexHost")]
    [TestCase("faiss", null, null, "VectorStore:Provider")]
    public void BadConfiguration_StopsTheAppAtStart_NamingTheSetting(string provider, string? indexHost, string? apiKey, string setting)
    {
        using var host = Build(
            ("VectorStore:Provider", provider),
            ("VectorStore:Pinecone:IndexHost", indexHost),
            ("VectorStore:Pinecone:ApiKey", apiKey));

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain(setting));
    }

    [Test]
    public void LocalProvider_IsTheDefault()
    {
        using var host = Build();

        var options = host.Services.GetRequiredService<IOptions<VectorStoreOptions>>().Value;

        Assert.That(options.Provider, Is.EqualTo(VectorStoreProviders.Local));
        var registered = host.Services.GetRequiredService<IServiceProviderIsService>();
        Assert.That(registered.IsService(typeof(LocalVectorStore)), Is.True);
        Assert.That(registered.IsService(typeof(PineconeVectorStore)), Is.False);
    }

    private static VectorRecord[] Records(IReadOnlyList<Guid> documents, int perDocument, int dimensions, int seed)
    {
        var random = new Random(seed);
        return [.. documents.SelectMany(d => Enumerable.Range(0, perDocument).Select(n =>
        {
            var values = new float[dimensions];
            for (var i = 0; i < dimensions; i++)
            {
                values[i] = (float)((random.NextDouble() * 2) - 1);
            }

            return new VectorRecord($"{d}#{n}", d, values);
        }))];
    }

    private static StoreHost Host(FakePineconeServer server, params (string Key, string? Value)[] extra) => Host(server, extra, null);

    private static StoreHost Host(FakePineconeServer server, (string Key, string? Value) extra, Action<IServiceCollection> services) => Host(server, [extra], services);

    private static StoreHost Host(FakePineconeServer server, (string Key, string? Value)[] extra, Action<IServiceCollection>? services)
    {
        (string, string?)[] settings =
        [
            ("VectorStore:Provider", "pinecone"),
            ("VectorStore:Pinecone:IndexHost", server.IndexHost.ToString()),
            ("VectorStore:Pinecone:ApiKey", server.ApiKey),
            ("VectorStore:Pinecone:RetryDelay", "00:00:00.010"),
            .. extra,
        ];
        return new StoreHost(Build(services, settings));
    }

    private static IHost Build(params (string Key, string? Value)[] settings) => Build(null, settings);

    private static IHost Build(Action<IServiceCollection>? services, params (string Key, string? Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var values = new Dictionary<string, string?>();
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        services?.Invoke(builder.Services);
        builder.AddVectorStore();
        return builder.Build();
    }

    private sealed class StoreHost(IHost host) : IDisposable
    {
        public IVectorStore Store => host.Services.GetRequiredService<IVectorStore>();

        public void Dispose() => host.Dispose();
    }
}
