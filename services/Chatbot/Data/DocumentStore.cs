using Dapper;
using Npgsql;
using Platform.Chatbot.Model;
using Platform.Documents.Chunking;
using Platform.ServiceDefaults.Http;

namespace Platform.Chatbot.Data;

/// <summary>Knowledge-base documents and their chunks; every query is scoped to an organisation.</summary>
public sealed class DocumentStore(NpgsqlDataSource db)
{
    private const string Columns = "id, title, file_name, content_type, size_bytes, status, error, chunk_count, created_at, updated_at";

    public async Task InsertAsync(Guid orgId, DocumentView document, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO documents (id, org_id, title, file_name, content_type, size_bytes, status, chunk_count, created_at, updated_at)
            VALUES (@Id, @orgId, @Title, @FileName, @ContentType, @SizeBytes, @Status, 0, @CreatedAt, @UpdatedAt)
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            document.Id,
            orgId,
            document.Title,
            document.FileName,
            document.ContentType,
            document.SizeBytes,
            document.Status,
            document.CreatedAt,
            document.UpdatedAt,
        }, cancellationToken: ct));
    }

    /// <summary>Sets the status (and error, and chunk count when given); false when the document is gone.</summary>
    public async Task<bool> MarkAsync(Guid orgId, Guid id, string status, string? error, int? chunkCount, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            UPDATE documents SET status = @status, error = @error, chunk_count = COALESCE(@chunkCount, chunk_count), updated_at = @now
            WHERE id = @id AND org_id = @orgId
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { orgId, id, status, error, chunkCount, now }, cancellationToken: ct)) > 0;
    }

    public async Task<DocumentView?> GetAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} FROM documents WHERE id = @id AND org_id = @orgId";
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<DocumentView>(new CommandDefinition(sql, new { orgId, id }, cancellationToken: ct));
    }

    public async Task<Page<DocumentView>> ListAsync(Guid orgId, string? status, int pageSize, Cursor? after, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {Columns} FROM documents
            WHERE org_id = @orgId AND (@status::text IS NULL OR status = @status)
              AND (@afterAt::timestamptz IS NULL OR (created_at, id) < (@afterAt, @afterId))
            ORDER BY created_at DESC, id DESC
            LIMIT @take
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<DocumentView>(new CommandDefinition(sql,
            new { orgId, status, afterAt = after?.At, afterId = after?.Id, take = pageSize + 1 }, cancellationToken: ct))).AsList();
        return Page.From(rows, pageSize, d => new Cursor(d.CreatedAt, d.Id));
    }

    /// <summary>Deletes the document and its chunks; false when the organisation has no such document.</summary>
    public async Task<bool> DeleteAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("DELETE FROM documents WHERE id = @id AND org_id = @orgId",
            new { orgId, id }, cancellationToken: ct)) > 0;
    }

    /// <summary>Replaces the document's chunks (a re-run of an ingestion writes the same ones again).</summary>
    public async Task ReplaceChunksAsync(Guid orgId, Guid documentId, IReadOnlyList<DocumentChunk> chunks, CancellationToken ct)
    {
        const string delete = "DELETE FROM chunks WHERE document_id = @documentId AND org_id = @orgId";
        const string insert = """
            INSERT INTO chunks (id, document_id, org_id, n, text, page, paragraph, token_count)
            SELECT id, @documentId, @orgId, n, text, page, paragraph, token_count
            FROM unnest(@ids, @ns, @texts, @pages, @paragraphs, @tokens) AS c(id, n, text, page, paragraph, token_count)
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(delete, new { orgId, documentId }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(insert, new
        {
            orgId,
            documentId,
            ids = chunks.Select(_ => Guid.CreateVersion7()).ToArray(),
            ns = chunks.Select(c => c.Index).ToArray(),
            texts = chunks.Select(c => c.Text).ToArray(),
            pages = chunks.Select(c => c.Page).ToArray(),
            paragraphs = chunks.Select(c => (int?)c.Paragraph).ToArray(),
            tokens = chunks.Select(c => c.Tokens).ToArray(),
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// A fingerprint of the organisation's ready documents: it changes whenever one becomes ready, changes or goes, so
    /// an in-memory keyword index built from them knows when to rebuild (in this process and every other).
    /// </summary>
    public async Task<string> ReadyFingerprintAsync(Guid orgId, CancellationToken ct)
    {
        const string sql = """
            SELECT count(*)::text || ':' || coalesce(sum(chunk_count), 0)::text || ':' || coalesce(max(updated_at)::text, '-')
                || ':' || coalesce(max(id::text), '-')
            FROM documents WHERE org_id = @orgId AND status = 'ready'
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<string>(new CommandDefinition(sql, new { orgId }, cancellationToken: ct)) ?? string.Empty;
    }

    /// <summary>Every chunk of the organisation's ready documents.</summary>
    public async Task<IReadOnlyList<StoredChunk>> ReadyChunksAsync(Guid orgId, CancellationToken ct)
    {
        const string sql = """
            SELECT c.document_id, c.n, d.title, d.file_name, c.text, c.page, c.paragraph
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.org_id = @orgId AND d.org_id = @orgId AND d.status = 'ready'
            ORDER BY d.created_at, d.id, c.n
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<StoredChunk>(new CommandDefinition(sql, new { orgId }, cancellationToken: ct))).AsList();
    }
}
