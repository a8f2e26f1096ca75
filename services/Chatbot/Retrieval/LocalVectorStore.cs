using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Chatbot.Retrieval;

/// <summary>
/// The default <see cref="IVectorStore"/>: vectors are stored in PostgreSQL (table <c>vectors</c>) and searched in
/// memory, one <see cref="VectorIndex"/> per organisation, loaded on its first query.
/// </summary>
/// <remarks>
/// Every change raises the organisation's version (<c>vector_versions</c>), records which documents it touched
/// (<c>vector_changes</c>) and sends <c>NOTIFY chatbot_vectors '{org}:{version}'</c> in the same transaction. Each
/// instance listens (<see cref="LocalVectorStoreListener"/>) and, at the next query of an organisation whose version
/// moved on, reloads only the changed documents; a missed notification is caught by the periodic version check.
/// Writers take the organisation's version row first, so changes of one organisation are serialised and versions
/// follow commit order.
/// </remarks>
public sealed partial class LocalVectorStore(NpgsqlDataSource db, IOptions<VectorStoreOptions> options, ILogger<LocalVectorStore> logger) : IVectorStore
{
    /// <summary>The notification channel (one per database; the payload is <c>{org:N}:{version}</c>).</summary>
    public const string Channel = "chatbot_vectors";

    // Rows per INSERT statement: keeps each parameter array moderate for large documents.
    private const int InsertBatch = 1000;

    private readonly ConcurrentDictionary<Guid, OrgState> orgs = new();

    /// <summary>The organisations held in memory.</summary>
    public IReadOnlyCollection<Guid> LoadedOrganizations => [.. orgs.Where(o => o.Value.Index is not null).Select(o => o.Key)];

    /// <summary>The bytes of vectors held in memory, all organisations together.</summary>
    public long LoadedBytes => orgs.Values.Sum(o => o.Index is { } index ? Bytes(index) : 0);

    /// <summary>The in-memory version of <paramref name="organizationId"/>, or null when not loaded.</summary>
    public long? LoadedVersion(Guid organizationId) => orgs.TryGetValue(organizationId, out var state) ? state.Index?.Version : null;

    public async Task UpsertAsync(Guid organizationId, IReadOnlyList<VectorRecord> vectors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count == 0)
        {
            return;
        }

        // The last record of an id wins; vectors are stored unit length.
        var byId = new Dictionary<string, (Guid Document, byte[] Bytes)>(StringComparer.Ordinal);
        var dimensions = vectors[0].Values.Length;
        foreach (var record in vectors)
        {
            Validate(record, dimensions);
            var values = record.Values.ToArray();
            VectorIndex.Normalize(values);
            byId[record.Id] = (record.DocumentId, VectorIndex.ToBytes(values));
        }

        var ids = byId.Keys.ToArray();
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var version = await NextVersionAsync(conn, tx, organizationId, cancellationToken);

        const string storedSql = """
            SELECT octet_length(embedding) / 4 FROM vectors WHERE org_id = @org AND NOT (id = ANY(@ids)) LIMIT 1
            """;
        var stored = await conn.ExecuteScalarAsync<int?>(new CommandDefinition(storedSql, new { org = organizationId, ids }, tx, cancellationToken: cancellationToken));
        if (stored is { } existing && existing != dimensions)
        {
            throw new ArgumentException(
                $"The organisation's vectors have {existing} dimensions, these {dimensions}: delete its documents before changing the embedding model.",
                nameof(vectors));
        }

        const string insertSql = """
            INSERT INTO vectors (org_id, id, document_id, embedding)
            SELECT @org, v.id, v.document_id, v.embedding
            FROM unnest(@ids, @documents, @embeddings) AS v (id, document_id, embedding)
            ON CONFLICT (org_id, id) DO UPDATE SET document_id = excluded.document_id, embedding = excluded.embedding
            """;
        foreach (var batch in ids.Chunk(InsertBatch))
        {
            await using var insert = new NpgsqlCommand(insertSql, conn, tx);
            insert.Parameters.Add(new NpgsqlParameter<Guid>("org", organizationId));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("ids", batch));
            insert.Parameters.Add(new NpgsqlParameter<Guid[]>("documents", [.. batch.Select(id => byId[id].Document)]));
            insert.Parameters.Add(new NpgsqlParameter<byte[][]>("embeddings", [.. batch.Select(id => byId[id].Bytes)]));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await RecordChangeAsync(conn, tx, organizationId, version, [.. byId.Values.Select(v => v.Document).Distinct()], cancellationToken);
        await tx.CommitAsync(cancellationToken);
        Observe(organizationId, version);
        LogUpserted(logger, organizationId, byId.Count, version);
    }

    public async Task<IReadOnlyList<VectorMatch>> QueryAsync(
        Guid organizationId,
        ReadOnlyMemory<float> vector,
        int topK,
        IReadOnlyCollection<Guid>? documentIds = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        if (vector.IsEmpty)
        {
            throw new ArgumentException("The query vector is empty.", nameof(vector));
        }

        if (documentIds is { Count: 0 })
        {
            return [];
        }

        var query = vector.ToArray();
        VectorIndex.Normalize(query);
        var index = await CurrentAsync(organizationId, cancellationToken);
        var only = documentIds is null ? null : documentIds as IReadOnlySet<Guid> ?? new HashSet<Guid>(documentIds);
        return index.Search(query, topK, only);
    }

    public async Task DeleteDocumentAsync(Guid organizationId, Guid documentId, CancellationToken cancellationToken = default)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var version = await NextVersionAsync(conn, tx, organizationId, cancellationToken);
        const string sql = "DELETE FROM vectors WHERE org_id = @org AND document_id = @documentId";
        var deleted = await conn.ExecuteAsync(new CommandDefinition(sql, new { org = organizationId, documentId }, tx, cancellationToken: cancellationToken));
        if (deleted == 0)
        {
            // Nothing changed: no new version, nobody needs to reload.
            await tx.RollbackAsync(cancellationToken);
            return;
        }

        await RecordChangeAsync(conn, tx, organizationId, version, [documentId], cancellationToken);
        await tx.CommitAsync(cancellationToken);
        Observe(organizationId, version);
        LogDeleted(logger, organizationId, documentId, deleted, version);
    }

    /// <summary>
    /// Notes that <paramref name="organizationId"/> reached <paramref name="version"/> (from a notification or a
    /// version check); its next query catches up. Organisations not in memory are ignored: they load fresh.
    /// </summary>
    public void Observe(Guid organizationId, long version)
    {
        if (orgs.TryGetValue(organizationId, out var state))
        {
            state.Raise(version);
        }
    }

    /// <summary>Handles a notification payload <c>{org:N}:{version}</c>; anything else is ignored.</summary>
    public void Observe(string? payload)
    {
        var separator = payload?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (separator > 0
            && Guid.TryParse(payload.AsSpan(0, separator), out var org)
            && long.TryParse(payload.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            Observe(org, version);
        }
    }

    /// <summary>Reads the current version of every organisation in memory (catches missed notifications).</summary>
    public async Task RefreshVersionsAsync(CancellationToken cancellationToken)
    {
        var loaded = orgs.Where(o => o.Value.Index is not null).Select(o => o.Key).ToArray();
        if (loaded.Length == 0)
        {
            return;
        }

        const string sql = "SELECT org_id, version FROM vector_versions WHERE org_id = ANY(@loaded)";
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var versions = await conn.QueryAsync<(Guid OrgId, long Version)>(new CommandDefinition(sql, new { loaded }, cancellationToken: cancellationToken));
        foreach (var (org, version) in versions)
        {
            Observe(org, version);
        }
    }

    private static void Validate(VectorRecord record, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (string.IsNullOrWhiteSpace(record.Id))
        {
            throw new ArgumentException("Every vector needs an id.", nameof(record));
        }

        if (record.Values.Length == 0 || record.Values.Length != dimensions)
        {
            throw new ArgumentException($"Vector {record.Id} has {record.Values.Length} dimensions; all must have the same, non-zero length ({dimensions}).", nameof(record));
        }

        foreach (var value in record.Values.Span)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException($"Vector {record.Id} holds a value that is not a finite number.", nameof(record));
            }
        }
    }

    private static async Task<long> NextVersionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid org, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO vector_versions (org_id, version) VALUES (@org, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = vector_versions.version + 1
            RETURNING version
            """;
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { org }, tx, cancellationToken: ct));
    }

    private async Task RecordChangeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid org, long version, Guid[] documents, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO vector_changes (org_id, version, document_id) SELECT @org, @version, unnest(@documents);
            DELETE FROM vector_changes WHERE org_id = @org AND version <= @version - @keep;
            SELECT pg_notify(@channel, @payload);
            """;
        var args = new
        {
            org,
            version,
            documents,
            keep = (long)options.Value.Local.ChangeLogLength,
            channel = Channel,
            payload = $"{org:N}:{version.ToString(CultureInfo.InvariantCulture)}",
        };
        await conn.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));
    }

    private async Task<VectorIndex> CurrentAsync(Guid org, CancellationToken ct)
    {
        var state = orgs.GetOrAdd(org, static _ => new OrgState());
        state.Touch();
        var index = state.Index;
        if (index is not null && index.Version >= state.Known)
        {
            return index;
        }

        await state.Gate.WaitAsync(ct);
        try
        {
            index = state.Index;
            if (index is null)
            {
                index = await LoadAsync(org, ct);
                LogLoaded(logger, org, index.Count, index.Version);
            }
            else if (index.Version < state.Known)
            {
                index = await CatchUpAsync(org, index, ct);
            }

            state.Index = index;
            state.Raise(index.Version);
        }
        finally
        {
            state.Gate.Release();
        }

        EvictBeyondLimit(org);
        return index;
    }

    private static long Bytes(VectorIndex index) => (long)index.Count * index.Dimensions * sizeof(float);

    // Drops the least recently queried organisations from memory until the rest fit MaxMemoryMegabytes (never the one
    // just queried). Best effort under concurrency: an organisation being loaded or caught up right now is skipped.
    private void EvictBeyondLimit(Guid current)
    {
        var limit = (long)options.Value.Local.MaxMemoryMegabytes * 1024 * 1024;
        var loaded = orgs.Where(o => o.Value.Index is not null).Select(o => (Org: o.Key, State: o.Value, Bytes: Bytes(o.Value.Index!))).ToList();
        var total = loaded.Sum(o => o.Bytes);
        if (total <= limit)
        {
            return;
        }

        foreach (var (org, state, bytes) in loaded.Where(o => o.Org != current).OrderBy(o => o.State.LastUsed))
        {
            if (total <= limit)
            {
                break;
            }

            if (!state.Gate.Wait(0))
            {
                continue;
            }

            try
            {
                if (state.Index is null)
                {
                    continue;
                }

                state.Index = null;
                total -= bytes;
                LogEvicted(logger, org, bytes / (1024 * 1024), limit / (1024 * 1024));
            }
            finally
            {
                state.Gate.Release();
            }
        }
    }

    private async Task<VectorIndex> LoadAsync(Guid org, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        return await LoadAsync(conn, tx, org, ct);
    }

    private static async Task<VectorIndex> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid org, CancellationToken ct)
    {
        var version = await VersionAsync(conn, tx, org, ct);
        const string sql = "SELECT id, document_id, embedding FROM vectors WHERE org_id = @org";
        var rows = await ReadRowsAsync(conn, tx, sql, org, null, ct);
        return rows.ToIndex(version);
    }

    private async Task<VectorIndex> CatchUpAsync(Guid org, VectorIndex index, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var version = await VersionAsync(conn, tx, org, ct);
        if (version <= index.Version)
        {
            return index;
        }

        const string changesSql = """
            SELECT min(version) AS oldest, array_agg(DISTINCT document_id) FILTER (WHERE version > @from) AS documents
            FROM vector_changes WHERE org_id = @org
            """;
        var changes = await conn.QuerySingleAsync<(long? Oldest, Guid[]? Documents)>(
            new CommandDefinition(changesSql, new { org, from = index.Version }, tx, cancellationToken: ct));

        // The log no longer reaches back to this index: reload the organisation.
        if (changes.Oldest is not { } oldest || oldest > index.Version + 1 || changes.Documents is null)
        {
            return await LoadAsync(conn, tx, org, ct);
        }

        const string rowsSql = "SELECT id, document_id, embedding FROM vectors WHERE org_id = @org AND document_id = ANY(@documents)";
        var rows = await ReadRowsAsync(conn, tx, rowsSql, org, changes.Documents, ct);
        if (rows.Count > 0 && index.Count > 0 && rows.Dimensions != index.Dimensions)
        {
            return await LoadAsync(conn, tx, org, ct);
        }

        return index.Apply(version, changes.Documents.ToHashSet(), rows);
    }

    private static async Task<long> VersionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid org, CancellationToken ct)
    {
        const string sql = "SELECT version FROM vector_versions WHERE org_id = @org";
        return await conn.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new { org }, tx, cancellationToken: ct)) ?? 0;
    }

    // A plain reader, not Dapper: the embeddings are copied straight from the wire into the contiguous array.
    private static async Task<VectorRows> ReadRowsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, Guid org, Guid[]? documents, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, conn, tx);
        command.Parameters.Add(new NpgsqlParameter<Guid>("org", org));
        if (documents is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("documents", documents));
        }

        var rows = new VectorRows(0, 1024);
        var buffer = new byte[4096];
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(0);
            var document = reader.GetGuid(1);
            var length = (int)reader.GetBytes(2, 0, null, 0, 0);
            if (length > buffer.Length)
            {
                buffer = new byte[length];
            }

            reader.GetBytes(2, 0, buffer, 0, length);
            rows.AddStored(id, document, buffer.AsSpan(0, length));
        }

        return rows;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Vectors of organisation {OrgId} loaded: {Count} at version {Version}")]
    private static partial void LogLoaded(ILogger logger, Guid orgId, int count, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Vectors of organisation {OrgId} dropped from memory ({Megabytes} MB; the indexes exceeded VectorStore:Local:MaxMemoryMegabytes = {Limit} MB); they load again at its next query")]
    private static partial void LogEvicted(ILogger logger, Guid orgId, long megabytes, long limit);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upserted {Count} vectors of organisation {OrgId} (version {Version})")]
    private static partial void LogUpserted(ILogger logger, Guid orgId, int count, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleted {Count} vectors of document {DocumentId} of organisation {OrgId} (version {Version})")]
    private static partial void LogDeleted(ILogger logger, Guid orgId, Guid documentId, int count, long version);

    private sealed class OrgState
    {
        private long known;
        private long lastUsed;
        private volatile VectorIndex? index;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>The loaded index; replaced whole, read without locks.</summary>
        public VectorIndex? Index
        {
            get => index;
            set => index = value;
        }

        /// <summary>The newest version heard of.</summary>
        public long Known => Volatile.Read(ref known);

        /// <summary>When the organisation was last queried (<see cref="Environment.TickCount64"/>).</summary>
        public long LastUsed => Volatile.Read(ref lastUsed);

        public void Touch() => Volatile.Write(ref lastUsed, Environment.TickCount64);

        public void Raise(long version)
        {
            long seen;
            while (version > (seen = Volatile.Read(ref known)) && Interlocked.CompareExchange(ref known, version, seen) != seen)
            {
            }
        }
    }
}
