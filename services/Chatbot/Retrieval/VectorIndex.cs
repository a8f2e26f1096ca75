using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Platform.Chatbot.Retrieval;

/// <summary>
/// One organisation's vectors in memory, immutable: every vector's floats side by side in one contiguous array (row
/// i at <c>[i * Dimensions, (i + 1) * Dimensions)</c>), searched by SIMD dot products (<see cref="TensorPrimitives"/>)
/// with a bounded heap for the top k. Vectors are unit length, so the dot product is the cosine similarity. A change
/// makes a new index (<see cref="Apply"/>), so searches never lock.
/// </summary>
public sealed class VectorIndex
{
    // Below this many vectors one core is quicker than splitting the scan.
    private const int ParallelThreshold = 32_768;

    private readonly float[] values;
    private readonly string[] ids;
    private readonly Guid[] documents;

    private VectorIndex(long version, int dimensions, float[] values, string[] ids, Guid[] documents, int count)
    {
        Version = version;
        Dimensions = dimensions;
        this.values = values;
        this.ids = ids;
        this.documents = documents;
        Count = count;
    }

    /// <summary>The organisation's change counter this index reflects.</summary>
    public long Version { get; }

    /// <summary>The length of every vector (0 while empty).</summary>
    public int Dimensions { get; }

    /// <summary>How many vectors it holds.</summary>
    public int Count { get; }

    internal static VectorIndex Create(long version, int dimensions, float[] values, string[] ids, Guid[] documents, int count) =>
        new(version, dimensions, values, ids, documents, count);

    /// <summary>An index with no vectors.</summary>
    public static VectorIndex Empty(long version) => new(version, 0, [], [], [], 0);

    /// <summary>
    /// A new index at <paramref name="version"/>: this one without the vectors of <paramref name="changedDocuments"/>
    /// (and without any id in <paramref name="rows"/>), plus <paramref name="rows"/> (the current vectors of those documents).
    /// </summary>
    public VectorIndex Apply(long version, IReadOnlySet<Guid> changedDocuments, VectorRows rows)
    {
        ArgumentNullException.ThrowIfNull(changedDocuments);
        ArgumentNullException.ThrowIfNull(rows);
        var dimensions = Count > 0 ? Dimensions : rows.Dimensions;
        if (rows.Count > 0 && Count > 0 && rows.Dimensions != Dimensions)
        {
            throw new InvalidOperationException($"Stored vectors have {rows.Dimensions} dimensions, the index {Dimensions}.");
        }

        var replaced = rows.Count > 0 ? new HashSet<string>(rows.Ids, StringComparer.Ordinal) : null;
        var builder = new VectorRows(dimensions, Count + rows.Count);
        for (var i = 0; i < Count; i++)
        {
            if (!changedDocuments.Contains(documents[i]) && replaced?.Contains(ids[i]) != true)
            {
                builder.Add(ids[i], documents[i], Row(i));
            }
        }

        for (var i = 0; i < rows.Count; i++)
        {
            builder.Add(rows.Ids[i], rows.Documents[i], rows.Row(i));
        }

        return builder.ToIndex(version);
    }

    /// <summary>
    /// The <paramref name="topK"/> vectors nearest <paramref name="query"/> (which must be unit length), best first,
    /// only from <paramref name="onlyDocuments"/> when given.
    /// </summary>
    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int topK, IReadOnlySet<Guid>? onlyDocuments = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        if (Count == 0)
        {
            return [];
        }

        if (query.Length != Dimensions)
        {
            throw new ArgumentException(
                $"The query has {query.Length} dimensions but the organisation's vectors have {Dimensions}: embed with the model the documents were indexed with.",
                nameof(query));
        }

        TopK heap;
        if (Count < ParallelThreshold || Environment.ProcessorCount == 1)
        {
            heap = new TopK(topK);
            Scan(query, 0, Count, onlyDocuments, heap);
        }
        else
        {
            // Each core scans a contiguous slice into its own heap; the heaps are merged at the end.
            var parts = Environment.ProcessorCount;
            var heaps = new TopK[parts];
            var queryCopy = query.ToArray();
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
            {
                var start = (int)((long)Count * p / parts);
                var end = (int)((long)Count * (p + 1) / parts);
                heaps[p] = new TopK(topK);
                Scan(queryCopy, start, end, onlyDocuments, heaps[p]);
            });
            heap = heaps[0];
            for (var p = 1; p < parts; p++)
            {
                heap.Merge(heaps[p]);
            }
        }

        var best = heap.Drain();
        var matches = new VectorMatch[best.Count];
        for (var i = 0; i < best.Count; i++)
        {
            var (row, score) = best[i];
            matches[i] = new VectorMatch(ids[row], documents[row], Math.Clamp(score, -1.0, 1.0));
        }

        return matches;
    }

    private void Scan(ReadOnlySpan<float> query, int start, int end, IReadOnlySet<Guid>? onlyDocuments, TopK heap)
    {
        var all = values.AsSpan();
        var dimensions = Dimensions;
        for (var i = start; i < end; i++)
        {
            if (onlyDocuments is not null && !onlyDocuments.Contains(documents[i]))
            {
                continue;
            }

            heap.Offer(i, TensorPrimitives.Dot(query, all.Slice(i * dimensions, dimensions)));
        }
    }

    private ReadOnlySpan<float> Row(int i) => values.AsSpan(i * Dimensions, Dimensions);

    /// <summary>Scales <paramref name="vector"/> to unit length in place (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0 && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    /// <summary>The stored form: float32 little-endian.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(vector).CopyTo(bytes);
        }
        else
        {
            for (var i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
            }
        }

        return bytes;
    }

    /// <summary>Reads the stored form into <paramref name="destination"/>.</summary>
    public static void FromBytes(ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
        }
        else
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
            }
        }
    }

    /// <summary>The k best (row, score) pairs seen, kept in a min-heap of size k: O(n log k) for n offers.</summary>
    private sealed class TopK(int k)
    {
        private readonly PriorityQueue<int, float> heap = new(k + 1);

        public void Offer(int row, float score)
        {
            if (float.IsNaN(score))
            {
                return;
            }

            if (heap.Count < k)
            {
                heap.Enqueue(row, score);
            }
            else if (heap.TryPeek(out _, out var worst) && score > worst)
            {
                heap.DequeueEnqueue(row, score);
            }
        }

        public void Merge(TopK other)
        {
            foreach (var (row, score) in other.heap.UnorderedItems)
            {
                Offer(row, score);
            }
        }

        /// <summary>Best first; equal scores in row order, so results are stable.</summary>
        public List<(int Row, float Score)> Drain()
        {
            var items = new List<(int Row, float Score)>(heap.Count);
            foreach (var (row, score) in heap.UnorderedItems)
            {
                items.Add((row, score));
            }

            items.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Row.CompareTo(b.Row));
            return items;
        }
    }
}

/// <summary>Vectors being collected (from the database or a change) into one contiguous array.</summary>
public sealed class VectorRows(int dimensions, int capacity = 16)
{
    private float[] values = new float[Math.Max(1, capacity) * Math.Max(1, dimensions)];
    private readonly List<string> ids = new(capacity);
    private readonly List<Guid> documents = new(capacity);

    /// <summary>The length of every vector (taken from the first one when created with 0).</summary>
    public int Dimensions { get; private set; } = dimensions;

    public int Count => ids.Count;

    public IReadOnlyList<string> Ids => ids;

    public IReadOnlyList<Guid> Documents => documents;

    public ReadOnlySpan<float> Row(int i) => values.AsSpan(i * Dimensions, Dimensions);

    /// <summary>Adds a vector (already unit length).</summary>
    public void Add(string id, Guid documentId, ReadOnlySpan<float> vector) => vector.CopyTo(Reserve(id, documentId, vector.Length));

    /// <summary>Adds a vector from its stored bytes.</summary>
    public void AddStored(string id, Guid documentId, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0 || bytes.Length % sizeof(float) != 0)
        {
            throw new InvalidOperationException($"Vector {id} is stored with {bytes.Length} bytes, not a whole number of floats.");
        }

        VectorIndex.FromBytes(bytes, Reserve(id, documentId, bytes.Length / sizeof(float)));
    }

    /// <summary>An index of these vectors at <paramref name="version"/> (the rows are handed over, not copied).</summary>
    public VectorIndex ToIndex(long version) => Count == 0
        ? VectorIndex.Empty(version)
        : VectorIndex.Create(version, Dimensions, values, [.. ids], [.. documents], Count);

    private Span<float> Reserve(string id, Guid documentId, int length)
    {
        if (Dimensions == 0)
        {
            Dimensions = length;
            values = new float[Math.Max(1, values.Length) * length];
        }
        else if (length != Dimensions)
        {
            throw new InvalidOperationException($"Vector {id} has {length} dimensions, the others {Dimensions}.");
        }

        var needed = (Count + 1) * Dimensions;
        if (needed > values.Length)
        {
            Array.Resize(ref values, Math.Max(needed, (int)Math.Min(Array.MaxLength, values.Length * 2L)));
        }

        var row = values.AsSpan(Count * Dimensions, Dimensions);
        ids.Add(id);
        documents.Add(documentId);
        return row;
    }
}
