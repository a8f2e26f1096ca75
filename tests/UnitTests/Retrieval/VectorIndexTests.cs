using System.Numerics.Tensors;
using Platform.Chatbot.Retrieval;

namespace Platform.UnitTests.Retrieval;

/// <summary>The in-memory index: SIMD cosine top-k against a plain brute force, filters, and copy-on-write changes.</summary>
public sealed class VectorIndexTests
{
    [TestCase(50, 16, 5)]
    [TestCase(1000, 384, 10)]
    [TestCase(40_000, 64, 7)] // above the threshold where the scan is split across cores
    public void Search_MatchesBruteForce(int count, int dimensions, int topK)
    {
        var (index, vectors, ids) = Build(count, dimensions, documents: 10, seed: count);
        var query = RandomUnit(new Random(99), dimensions);

        var matches = index.Search(query, topK);

        var expected = Enumerable.Range(0, count)
            .Select(i => (Id: ids[i], Score: Dot(query, vectors[i])))
            .OrderByDescending(e => e.Score)
            .Take(topK)
            .ToList();
        Assert.That(matches.Select(m => m.Id), Is.EqualTo(expected.Select(e => e.Id)));
        Assert.That(matches.Select(m => m.Score), Is.EqualTo(expected.Select(e => e.Score)).Within(1e-5));
    }

    [Test]
    public void Search_ScoresAreCosine_EvenForVectorsNotOfUnitLength()
    {
        var document = Guid.NewGuid();
        var rows = new VectorRows(0);
        float[] a = [3, 4, 0];
        float[] b = [0, 0, 2];
        VectorIndex.Normalize(a);
        VectorIndex.Normalize(b);
        rows.Add("a", document, a);
        rows.Add("b", document, b);
        float[] query = [6, 8, 0.0001f];
        VectorIndex.Normalize(query);

        var matches = rows.ToIndex(1).Search(query, 2);

        Assert.That(matches[0].Id, Is.EqualTo("a"));
        Assert.That(matches[0].Score, Is.EqualTo(1.0).Within(1e-4));
        Assert.That(matches[1].Score, Is.EqualTo(0.0).Within(1e-4));
    }

    [Test]
    public void Search_WithDocumentFilter_SkipsOtherDocuments()
    {
        var (index, _, _) = Build(300, 32, documents: 3, seed: 1);
        var documentIds = DocumentIds(3);
        var query = RandomUnit(new Random(5), 32);

        var matches = index.Search(query, 1000, new HashSet<Guid> { documentIds[1] });

        Assert.That(matches, Has.Count.EqualTo(100));
        Assert.That(matches.Select(m => m.DocumentId), Is.All.EqualTo(documentIds[1]));
    }

    [Test]
    public void Search_WrongDimension_IsRefusedClearly()
    {
        var (index, _, _) = Build(10, 32, documents: 1, seed: 2);

        var ex = Assert.Throws<ArgumentException>(() => index.Search(new float[16], 3));

        Assert.That(ex!.Message, Does.Contain("16").And.Contain("32"));
    }

    [Test]
    public void Apply_ReplacesChangedDocuments_AndLeavesTheOldIndexAsItWas()
    {
        var (index, _, ids) = Build(30, 8, documents: 3, seed: 3);
        var documentIds = DocumentIds(3);
        var replacement = new VectorRows(8);
        var random = new Random(4);
        replacement.Add($"{documentIds[0]}#0", documentIds[0], RandomUnit(random, 8));
        replacement.Add($"{documentIds[0]}#1", documentIds[0], RandomUnit(random, 8));

        var changed = index.Apply(7, new HashSet<Guid> { documentIds[0], documentIds[2] }, replacement);

        Assert.That(changed.Version, Is.EqualTo(7));
        Assert.That(changed.Count, Is.EqualTo(12), "document 0 now has 2 vectors, document 1 keeps 10, document 2 is gone");
        var all = changed.Search(RandomUnit(random, 8), 100);
        Assert.That(all.Count(m => m.DocumentId == documentIds[0]), Is.EqualTo(2));
        Assert.That(all.Count(m => m.DocumentId == documentIds[1]), Is.EqualTo(10));
        Assert.That(all.Count(m => m.DocumentId == documentIds[2]), Is.Zero);
        Assert.That(index.Count, Is.EqualTo(30));
        Assert.That(index.Search(RandomUnit(random, 8), 100).Select(m => m.Id), Is.EquivalentTo(ids));
    }

    [Test]
    public void StoredBytes_RoundTrip()
    {
        var vector = RandomUnit(new Random(6), 384);

        var back = new float[384];
        VectorIndex.FromBytes(VectorIndex.ToBytes(vector), back);

        Assert.That(back, Is.EqualTo(vector));
    }

    [Test]
    public void Empty_FindsNothing()
    {
        Assert.That(VectorIndex.Empty(0).Search(new float[] { 1, 0 }, 5), Is.Empty);
    }

    private static (VectorIndex Index, float[][] Vectors, string[] Ids) Build(int count, int dimensions, int documents, int seed)
    {
        var random = new Random(seed);
        var documentIds = DocumentIds(documents);
        var rows = new VectorRows(dimensions);
        var vectors = new float[count][];
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var document = documentIds[i * documents / count];
            vectors[i] = RandomUnit(random, dimensions);
            ids[i] = $"{document}#{i}";
            rows.Add(ids[i], document, vectors[i]);
        }

        return (rows.ToIndex(1), vectors, ids);
    }

    // Fixed ids so a test can name the documents Build used.
    private static Guid[] DocumentIds(int count) => [.. Enumerable.Range(1, count).Select(i => new Guid(i, 0, 0, new byte[8]))];

    private static float[] RandomUnit(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        VectorIndex.Normalize(vector);
        return vector;
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * (double)b[i];
        }

        return sum;
    }

    [Test]
    public void Normalize_GivesUnitLength_AndLeavesZeroAlone()
    {
        float[] vector = [1, 2, 3, 4];
        float[] zero = [0, 0, 0];

        VectorIndex.Normalize(vector);
        VectorIndex.Normalize(zero);

        Assert.That(TensorPrimitives.Norm<float>(vector), Is.EqualTo(1f).Within(1e-6));
        Assert.That(zero, Is.All.EqualTo(0f));
    }
}
