using Dapper;
using Npgsql;
using Platform.Analyzer.Model;
using Platform.Data;
using Platform.Data.Sessions;
using Platform.Jobs;
using Platform.ServiceDefaults.Http;

namespace Platform.Analyzer.Data;

/// <summary>Analysis sessions, their follow-ups and feedback; every query is scoped to the caller's organisation.</summary>
public sealed class SessionStore(NpgsqlDataSource db)
{
    private const string SummaryColumns = "id, user_id, document_name, status, created_at, updated_at";

    private const string InsertColumns = "id, org_id, user_id, document_name, document_text, passages, status, created_at, updated_at";
    private const string InsertValues = "@id, @orgId, @userId, @documentName, @documentText, @passages::jsonb, @status, @now, @now";

    public async Task InsertAsync(
        Guid id, Guid orgId, string userId, string? documentName, string documentText, IReadOnlyList<Passage> passages,
        string status, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = $"INSERT INTO sessions ({InsertColumns}) VALUES ({InsertValues})";
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql,
            InsertParameters(id, orgId, userId, documentName, documentText, passages, status, now), cancellationToken: ct));
    }

    /// <summary>
    /// A queued session as a statement for <c>IJobStore.EnqueueAsync</c>: inserted with its job, in the same round
    /// trip, so there is never a job without its session or a session left behind by a job that was not accepted.
    /// </summary>
    public static JobWrite QueuedWrite(
        Guid id, Guid orgId, string userId, string? documentName, string documentText, IReadOnlyList<Passage> passages, DateTimeOffset now) =>
        JobWrite.OnEnqueue(
            $"INSERT INTO sessions ({InsertColumns}) SELECT {InsertValues} FROM job_new",
            InsertParameters(id, orgId, userId, documentName, documentText, passages, "queued", now));

    private static object InsertParameters(
        Guid id, Guid orgId, string userId, string? documentName, string documentText, IReadOnlyList<Passage> passages, string status,
        DateTimeOffset now) =>
        new { id, orgId, userId, documentName, documentText, passages = Jsonb.Serialize(passages), status, now };

    private const string CompleteSql = """
        UPDATE sessions SET sections = @sections::jsonb, status = 'completed', provider = @provider, error = NULL,
            token_usage = @usage::jsonb, updated_at = @now
        WHERE id = @id
        """;

    public async Task CompleteAsync(Guid id, IReadOnlyList<Section> sections, string provider, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(CompleteSql, CompleteParameters(id, sections, provider, now), cancellationToken: ct));
    }

    /// <summary>
    /// The session's completion as a statement for <c>JobContext.WriteOnCompletion</c>: written with the job's result,
    /// in the same round trip, and only by the completion that finishes the job.
    /// </summary>
    public static (string Sql, object Parameters) CompletionWrite(Guid id, IReadOnlyList<Section> sections, string provider, DateTimeOffset now) =>
        (CompleteSql + " AND EXISTS (SELECT 1 FROM job_finished)", CompleteParameters(id, sections, provider, now));

    private static object CompleteParameters(Guid id, IReadOnlyList<Section> sections, string provider, DateTimeOffset now) => new
    {
        id,
        sections = Jsonb.Serialize(sections),
        provider,
        usage = Jsonb.Serialize(new TokenTotals(sections.Sum(s => s.InputTokens), sections.Sum(s => s.OutputTokens))),
        now,
    };

    /// <summary>
    /// The job's session marked running and its document read, with the job's claim (<c>JobWrite.OnClaim</c>): in the
    /// claim's statement, and only when the claim succeeds. Its value is the document, null when the session is gone.
    /// </summary>
    public static readonly JobWrite StartWrite = JobWrite.OnClaim("""
        UPDATE sessions s SET status = 'running', error = NULL, updated_at = now()
        FROM job_claimed j
        WHERE s.id = (j.input ->> 'session_id')::uuid AND s.org_id = j.org_id
        RETURNING s.document_text AS claimed_value
        """);

    /// <summary>The organisation's session's sections as stored (a JSON array), or null when there is no such session.</summary>
    public async Task<string?> GetSectionsJsonAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        const string sql = "SELECT COALESCE(sections, '[]'::jsonb)::text FROM sessions WHERE id = @id AND org_id = @orgId";
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(sql, new { id, orgId }, cancellationToken: ct));
    }

    public async Task MarkAsync(Guid id, string status, string? error, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = "UPDATE sessions SET status = @status, error = @error, updated_at = @now WHERE id = @id";
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, status, error, now }, cancellationToken: ct));
    }

    public async Task<Session?> GetAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        const string sql = """
            SELECT id, user_id, document_name, status, sections, token_usage, provider, error, created_at, updated_at
            FROM sessions WHERE id = @id AND org_id = @orgId;
            SELECT f.id, f.question, f.answer, f.created_at FROM followups f
            JOIN sessions s ON s.id = f.session_id
            WHERE f.session_id = @id AND s.org_id = @orgId ORDER BY f.created_at, f.id;
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var grid = await conn.QueryMultipleAsync(new CommandDefinition(sql, new { id, orgId }, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<SessionRow>();
        if (row is null)
        {
            return null;
        }

        var followups = (await grid.ReadAsync<Followup>()).AsList();
        return new Session(row.Id, row.UserId, row.DocumentName, row.Status, row.Sections ?? [], row.TokenUsage ?? new TokenTotals(0, 0),
            row.Provider, row.Error, followups, row.CreatedAt, row.UpdatedAt);
    }

    /// <summary>The document and what the follow-up prompt needs, for one session of the organisation.</summary>
    public async Task<SessionDocument?> GetDocumentAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        const string sql = """
            SELECT id, document_name, document_text, passages, sections, status FROM sessions WHERE id = @id AND org_id = @orgId
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<SessionDocument>(new CommandDefinition(sql, new { id, orgId }, cancellationToken: ct));
    }

    public async Task<Page<SessionSummary>> ListAsync(Guid orgId, string? userId, int pageSize, Cursor? after, CancellationToken ct)
    {
        var rows = await SessionTables.ListSessionsAsync<SessionSummary>(db, SummaryColumns, orgId, userId, pageSize, after?.At, after?.Id, ct);
        return Page.From(rows, pageSize, s => new Cursor(s.CreatedAt, s.Id));
    }

    public Task<bool> DeleteAsync(Guid orgId, Guid id, CancellationToken ct) =>
        SessionTables.DeleteSessionAsync(db, orgId, id, ct);

    public Task<IReadOnlyList<Followup>> FollowupsAsync(Guid sessionId, CancellationToken ct) =>
        SessionTables.FollowupsAsync(db, sessionId, ct);

    public Task<Followup> AddFollowupAsync(Guid sessionId, string question, string answer, DateTimeOffset now, CancellationToken ct) =>
        SessionTables.AddFollowupAsync(db, sessionId, question, answer, now, ct);

    public async Task<FeedbackRecord> AddFeedbackAsync(Guid sessionId, int rating, string? comment, string? section, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO feedback (id, session_id, rating, comment, section, created_at) VALUES (@id, @sessionId, @rating, @comment, @section, @now)
            """;
        var record = new FeedbackRecord(Guid.CreateVersion7(now), sessionId, rating, comment, section, now);
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { record.Id, sessionId, rating, comment, section, now }, cancellationToken: ct));
        return record;
    }

    private sealed record SessionRow(
        Guid Id, string UserId, string? DocumentName, string Status, Section[]? Sections, TokenTotals? TokenUsage, string? Provider,
        string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
}


public sealed record SessionDocument(Guid Id, string? DocumentName, string DocumentText, Passage[] Passages, Section[] Sections, string Status);
