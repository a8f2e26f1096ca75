using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Chatbot.Retrieval;

namespace Platform.IntegrationTests.Chatbot.Retrieval;

/// <summary>The local vector store against the real PostgreSQL: storage, search, isolation and instances in step.</summary>
public sealed class LocalVectorStoreTests
{
    private const int Dimensions = 384;
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(15);

    [Test]
    public async Task Upsert_ThenQuery_NearestFirst_WithCosineScores()
    {
        var store = RetrievalDatabase.Store();
        var org = Guid.NewGuid();
        var documents = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var records = Records(documents, perDocument: 20, seed: 1);
        await store.UpsertAsync(org, records);

        var target = records[27];
        var matches = await store.QueryAsync(org, Noisy(target.Values, 0.05f, seed: 2), topK: 5);

        Assert.That(matches, Has.Count.EqualTo(5));
        Assert.That(matches[0].Id, Is.EqualTo(target.Id));
        Assert.That(matches[0].DocumentId, Is.EqualTo(target.DocumentId));
        Assert.That(matches[0].Score, Is.GreaterThan(0.9).And.LessThanOrEqualTo(1.0));
        Assert.That(matches.Select(m => m.Score), Is.Ordered.Descending);
        Assert.That(matches.Select(m => m.Id), Is.Unique);
    }

    [Test]
    public async Task Query_WithDocumentFilter_ReturnsOnlyThoseDocuments()
    {
        var store = RetrievalDatabase.Store();
        var org = Guid.NewGuid();
        var documents = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var records = Records(documents, perDocument: 10, seed: 3);
        await store.UpsertAsync(org, records);

        var matches = await store.QueryAsync(org, records[0].Values, topK: 50, documentIds: [documents[1], documents[2]]);

        Assert.That(matches, Has.Count.EqualTo(20));
        Assert.That(matches.Select(m => m.DocumentId), Is.All.AnyOf(documents[1], documents[2]));
        Assert.That(await store.QueryAsync(org, records[0].Values, topK: 5, documentIds: []), Is.Empty);
    }

    [Test]
    public async Task Upsert_SameId_ReplacesTheVector()
    {
        var store = RetrievalDatabase.Store();
        var org = Guid.NewGuid();
        var document = Guid.NewGuid();
        var first = Random(4);
        var second = Random(5);
        await store.UpsertAsync(org, [new VectorRecord($"{document}#0", document, first)]);
        Assert.That((await store.QueryAsync(org, first, 1))[0].Score, Is.EqualTo(1.0).Within(1e-4));

        await store.UpsertAsync(org, [new VectorRecord($"{document}#0", document, second)]);

        var matches = await store.QueryAsync(org, second, 5);
        Assert.That(matches, Has.Count.EqualTo(1));
        Assert.That(matches[0].Score, Is.EqualTo(1.0).Within(1e-4));
        Assert.That(await CountRowsAsync(org), Is.EqualTo(1));
    }

    [Test]
    public async Task Delete_RemovesTheDocumentsVectors_FromSearchAndStorage()
    {
        var store = RetrievalDatabase.Store();
        var org = Guid.NewGuid();
        var documents = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var records = Records(documents, perDocument: 8, seed: 6);
        await store.UpsertAsync(org, records);
        Assert.That(await store.QueryAsync(org, records[0].Values, 100), Has.Count.EqualTo(16));

        await store.DeleteDocumentAsync(org, documents[0]);

        var matches = await store.QueryAsync(org, records[0].Values, 100);
        Assert.That(matches, Has.Count.EqualTo(8));
        Assert.That(matches.Select(m => m.DocumentId), Is.All.EqualTo(documents[1]));
        Assert.That(await CountRowsAsync(org), Is.EqualTo(8));
    }

    [Test]
    public async Task TenantIsolation_OrgBNeverGetsOrgAsVectors()
    {
        var store = RetrievalDatabase.Store();
        var orgA = Guid.NewGuid();
        var orgB = Guid.NewGuid();
        var recordsA = Records([Guid.NewGuid()], perDocument: 10, seed: 7);
        await store.UpsertAsync(orgA, recordsA);

        Assert.That(await store.QueryAsync(orgB, recordsA[0].Values, 10), Is.Empty, "org B has no vectors at all");

        var recordsB = Records([Guid.NewGuid()], perDocument: 10, seed: 8);
        await store.UpsertAsync(orgB, recordsB);
        var idsA = recordsA.Select(r => r.Id).ToHashSet();
        foreach (var record in recordsA)
        {
            var matches = await store.QueryAsync(orgB, record.Values, 100, documentIds: [recordsA[0].DocumentId, recordsB[0].DocumentId]);
            Assert.That(matches.Select(m => m.Id), Has.None.Matches<string>(idsA.Contains));
            Assert.That(matches, Has.Count.EqualTo(10));
        }

        // Deleting in B a document id of A leaves A untouched.
        await store.DeleteDocumentAsync(orgB, recordsA[0].DocumentId);
        Assert.That(await store.QueryAsync(orgA, recordsA[0].Values, 100), Has.Count.EqualTo(10));
    }

    [Test]
    public async Task Loading_IsLazy_PerOrganisation()
    {
        var writer = RetrievalDatabase.Store();
        var orgA = Guid.NewGuid();
        var orgB = Guid.NewGuid();
        var recordsA = Records([Guid.NewGuid()], perDocument: 5, seed: 9);
        await writer.UpsertAsync(orgA, recordsA);
        await writer.UpsertAsync(orgB, Records([Guid.NewGuid()], perDocument: 5, seed: 10));
        var reader = RetrievalDatabase.Store();
        Assert.That(reader.LoadedOrganizations, Is.Empty);

        var matches = await reader.QueryAsync(orgA, recordsA[3].Values, 1);

        Assert.That(matches.Single().Id, Is.EqualTo(recordsA[3].Id));
        Assert.That(reader.LoadedOrganizations, Is.EqualTo(new[] { orgA }));
        Assert.That(reader.LoadedVersion(orgA), Is.EqualTo(1));
    }

    [Test]
    public async Task Memory_Limit_DropsTheLeastRecentlyQueriedOrganisation_WhichLoadsAgainWhenQueried()
    {
        // 1 MB holds one of these organisations (600 x 384 floats = 0.88 MB), not two.
        var writer = RetrievalDatabase.Store();
        var (orgA, orgB) = (Guid.NewGuid(), Guid.NewGuid());
        var recordsA = Records([Guid.NewGuid()], perDocument: 600, seed: 21);
        var recordsB = Records([Guid.NewGuid()], perDocument: 600, seed: 22);
        await writer.UpsertAsync(orgA, recordsA);
        await writer.UpsertAsync(orgB, recordsB);
        var reader = RetrievalDatabase.Store(new VectorStoreOptions { Local = { MaxMemoryMegabytes = 1 } });

        Assert.That((await reader.QueryAsync(orgA, recordsA[7].Values, 1)).Single().Id, Is.EqualTo(recordsA[7].Id));
        Assert.That(reader.LoadedOrganizations, Is.EqualTo(new[] { orgA }));

        Assert.That((await reader.QueryAsync(orgB, recordsB[8].Values, 1)).Single().Id, Is.EqualTo(recordsB[8].Id));
        Assert.That(reader.LoadedOrganizations, Is.EqualTo(new[] { orgB }), "A, queried least recently, made room for B");
        Assert.That(reader.LoadedBytes, Is.LessThanOrEqualTo(1024 * 1024));

        Assert.That((await reader.QueryAsync(orgA, recordsA[9].Values, 1)).Single().Id, Is.EqualTo(recordsA[9].Id), "A loads again, complete");
        Assert.That(reader.LoadedOrganizations, Is.EqualTo(new[] { orgA }));
    }

    [Test]
    public async Task TwoInstances_StayInStep_AfterInsertsAndDeletes()
    {
        var options = new VectorStoreOptions { Local = { RefreshInterval = TimeSpan.FromMinutes(10) } };
        var one = RetrievalDatabase.Store(options);
        var two = RetrievalDatabase.Store(options);
        await using var listening = await ListenAsync(two, options);
        var org = Guid.NewGuid();
        var first = Records([Guid.NewGuid()], perDocument: 5, seed: 11);
        await one.UpsertAsync(org, first);
        Assert.That(await two.QueryAsync(org, first[0].Values, 100), Has.Count.EqualTo(5), "two loads what one wrote");

        var secondDocument = Guid.NewGuid();
        var second = Records([secondDocument], perDocument: 7, seed: 12);
        await one.UpsertAsync(org, second);
        var afterInsert = await PollAsync(() => two.QueryAsync(org, second[2].Values, 100), m => m.Count == 12);
        Assert.That(afterInsert[0].Id, Is.EqualTo(second[2].Id));

        await one.DeleteDocumentAsync(org, secondDocument);
        var afterDelete = await PollAsync(() => two.QueryAsync(org, second[2].Values, 100), m => m.Count == 5);
        Assert.That(afterDelete.Select(m => m.DocumentId), Is.All.EqualTo(first[0].DocumentId));

        // And the other way round.
        var third = Records([Guid.NewGuid()], perDocument: 3, seed: 13);
        await two.UpsertAsync(org, third);
        var seenByOne = await PollAsync(() => one.QueryAsync(org, third[1].Values, 1), m => m.Count == 1 && m[0].Id == third[1].Id);
        Assert.That(seenByOne[0].Score, Is.EqualTo(1.0).Within(1e-4));
    }

    [Test]
    public async Task MissedNotification_IsCaughtUpByTheVersionCheck()
    {
        var one = RetrievalDatabase.Store();
        var deaf = RetrievalDatabase.Store(); // never listens: every notification is missed
        var org = Guid.NewGuid();
        var first = Records([Guid.NewGuid()], perDocument: 4, seed: 14);
        await one.UpsertAsync(org, first);
        Assert.That(await deaf.QueryAsync(org, first[0].Values, 100), Has.Count.EqualTo(4));

        var second = Records([Guid.NewGuid()], perDocument: 4, seed: 15);
        await one.UpsertAsync(org, second);
        Assert.That(deaf.LoadedVersion(org), Is.EqualTo(1), "nothing told it yet");

        await deaf.RefreshVersionsAsync(CancellationToken.None);

        Assert.That(await deaf.QueryAsync(org, first[0].Values, 100), Has.Count.EqualTo(8));
        Assert.That(deaf.LoadedVersion(org), Is.EqualTo(2));
    }

    [Test]
    public async Task FarBehind_ReloadsTheOrganisation_WhenTheChangeLogNoLongerReachesBack()
    {
        var options = new VectorStoreOptions { Local = { ChangeLogLength = 1 } };
        var one = RetrievalDatabase.Store(options);
        var two = RetrievalDatabase.Store(options);
        var org = Guid.NewGuid();
        var documents = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var records = Records(documents, perDocument: 3, seed: 16);
        await one.UpsertAsync(org, records[..3]);
        Assert.That(await two.QueryAsync(org, records[0].Values, 100), Has.Count.EqualTo(3));

        await one.UpsertAsync(org, records[3..6]);
        await one.UpsertAsync(org, records[6..]);
        await one.DeleteDocumentAsync(org, documents[0]);
        await two.RefreshVersionsAsync(CancellationToken.None);

        var matches = await two.QueryAsync(org, records[0].Values, 100);
        Assert.That(matches, Has.Count.EqualTo(6));
        Assert.That(matches.Select(m => m.DocumentId), Has.None.EqualTo(documents[0]));
        Assert.That(two.LoadedVersion(org), Is.EqualTo(4));
    }

    [Test]
    public async Task Upsert_OfAnotherDimension_IsRefused()
    {
        var store = RetrievalDatabase.Store();
        var org = Guid.NewGuid();
        var document = Guid.NewGuid();
        await store.UpsertAsync(org, [new VectorRecord($"{document}#0", document, Random(17))]);

        var ex = Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(org, [new VectorRecord($"{document}#1", document, new float[] { 1, 0, 0 })]));

        Assert.That(ex!.Message, Does.Contain("384").And.Contain("3"));
        Assert.That(await CountRowsAsync(org), Is.EqualTo(1));
    }

    private static async Task<IReadOnlyList<VectorMatch>> PollAsync(
        Func<Task<IReadOnlyList<VectorMatch>>> query, Func<IReadOnlyList<VectorMatch>, bool> done)
    {
        var deadline = DateTime.UtcNow + Ceiling;
        while (true)
        {
            var matches = await query();
            if (done(matches) || DateTime.UtcNow > deadline)
            {
                return matches;
            }

            await Task.Delay(50);
        }
    }

    private static async Task<Listening> ListenAsync(LocalVectorStore store, VectorStoreOptions options)
    {
        var listener = new LocalVectorStoreListener(store, RetrievalDatabase.DataSource(), Options.Create(options), NullLogger<LocalVectorStoreListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        return new Listening(listener);
    }

    private static async Task<long> CountRowsAsync(Guid org)
    {
        await using var conn = new NpgsqlConnection(RetrievalDatabase.ConnectionString);
        await conn.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM chatbot.vectors WHERE org_id = @org", conn);
        count.Parameters.AddWithValue("org", org);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    internal static VectorRecord[] Records(IReadOnlyList<Guid> documents, int perDocument, int seed)
    {
        var random = new Random(seed);
        return [.. documents.SelectMany(d => Enumerable.Range(0, perDocument).Select(n => new VectorRecord($"{d}#{n}", d, Random(random))))];
    }

    internal static float[] Random(int seed) => Random(new Random(seed));

    private static float[] Random(Random random)
    {
        var vector = new float[Dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }

    private static float[] Noisy(ReadOnlyMemory<float> vector, float amount, int seed)
    {
        var random = new Random(seed);
        var noisy = vector.ToArray();
        for (var i = 0; i < noisy.Length; i++)
        {
            noisy[i] += (float)((random.NextDouble() * 2) - 1) * amount;
        }

        return noisy;
    }

    private sealed class Listening(LocalVectorStoreListener listener) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await listener.StopAsync(CancellationToken.None);
            listener.Dispose();
        }
    }
}
