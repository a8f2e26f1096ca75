using Dapper;
using Npgsql;
using Platform.Data;
using Platform.Data.Sessions;
using Platform.Evaluator.Evaluation;
using Platform.Evaluator.Model;
using Platform.Jobs;
using Platform.ServiceDefaults.Http;

namespace Platform.Evaluator.Data;

/// <summary>Evaluation sessions, their follow-ups and feedback; every query is scoped to the caller's organisation.</summary>
public sealed class SessionStore(NpgsqlDataSource db)
{
    private const string InsertColumns = """
        id, org_id, user_id, proposal_name, proposal_text, proposal_passages, tor_name, tor_text, language, status, created_at, updated_at
        """;

    private const string InsertValues = """
        @Id, @OrgId, @UserId, @ProposalName, @ProposalText, @passages::jsonb, @TorName, @TorText, @Language, @status, @now, @now
        """;

    public async Task InsertAsync(NewSession session, string status, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = $"INSERT INTO sessions ({InsertColumns}) VALUES ({InsertValues})";
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, InsertParameters(session, status, now), cancellationToken: ct));
    }

    /// <summary>
    /// A queued session as a statement for <c>IJobStore.EnqueueAsync</c>: inserted with its job, in the same round
    /// trip, so there is never a job without its session or a session left behind by a job that was not accepted.
    /// </summary>
    public static JobWrite QueuedWrite(NewSession session, DateTimeOffset now) =>
        JobWrite.OnEnqueue($"INSERT INTO sessions ({InsertColumns}) SELECT {InsertValues} FROM job_new", InsertParameters(session, "queued", now));

    private static object InsertParameters(NewSession session, string status, DateTimeOffset now) => new
    {
        session.Id,
        session.OrgId,
        session.UserId,
        session.ProposalName,
        session.ProposalText,
        passages = Jsonb.Serialize(session.ProposalPassages),
        session.TorName,
        session.TorText,
        session.Language,
        status,
        now,
    };

    private const string CompleteSql = """
        UPDATE sessions SET internal_analysis = @internal::jsonb, external_analysis = @external::jsonb, delta_analysis = @delta::jsonb,
            alignment = @alignment::jsonb, guidelines = @guidelines::jsonb, token_usage = @usage::jsonb, provider = @Provider, status = 'completed', error = NULL,
            updated_at = @now
        WHERE id = @id
        """;

    public async Task CompleteAsync(Guid id, EvaluationResult result, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(CompleteSql, CompleteParameters(id, result, now), cancellationToken: ct));
    }

    /// <summary>
    /// The session's completion as a statement for <c>JobContext.WriteOnCompletion</c>: written with the job's result,
    /// in the same round trip, and only by the completion that finishes the job.
    /// </summary>
    public static (string Sql, object Parameters) CompletionWrite(Guid id, EvaluationResult result, DateTimeOffset now) =>
        (CompleteSql + " AND EXISTS (SELECT 1 FROM job_finished)", CompleteParameters(id, result, now));

    private static object CompleteParameters(Guid id, EvaluationResult result, DateTimeOffset now) => new
    {
        id,
        @internal = Jsonb.Serialize(result.Internal),
        external = Jsonb.Serialize(result.External),
        delta = Jsonb.Serialize(result.Delta),
        alignment = Jsonb.Serialize(result.Alignment),
        guidelines = Jsonb.Serialize(result.Guidelines),
        usage = Jsonb.Serialize(result.TokenUsage),
        result.Provider,
        now,
    };

    public async Task MarkAsync(Guid id, string status, string? error, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = "UPDATE sessions SET status = @status, error = @error, updated_at = @now WHERE id = @id";
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, status, error, now }, cancellationToken: ct));
    }

    public async Task<Session?> GetAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        const string sql = """
            SELECT id, user_id, proposal_name, tor_name, status, internal_analysis, external_analysis, delta_analysis, alignment,
                guidelines, token_usage, provider, error, created_at, updated_at
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
        return new Session(row.Id, row.UserId, row.ProposalName, row.TorName, row.Status, row.InternalAnalysis, row.ExternalAnalysis,
            row.DeltaAnalysis, row.Alignment, row.Guidelines, row.TokenUsage ?? new TokenTotals(0, 0), row.Provider, row.Error, followups,
            row.CreatedAt, row.UpdatedAt);
    }

    /// <summary>
    /// A succeeded evaluation job's result, composed from its session (the job row keeps only the reference): the
    /// session id and the five analyses, as the job's completion event and webhook carry them; null when the session
    /// is gone.
    /// </summary>
    public async Task<string?> GetJobResultJsonAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        const string sql = """
            SELECT jsonb_build_object('session_id', id, 'internal_analysis', internal_analysis, 'external_analysis', external_analysis,
                'delta_analysis', delta_analysis, 'alignment', alignment, 'guidelines', guidelines)::text
            FROM sessions WHERE id = @id AND org_id = @orgId
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(sql, new { id, orgId }, cancellationToken: ct));
    }

    /// <summary>The columns of <see cref="SessionDocuments"/>.</summary>
    private const string DocumentColumns =
        "id, status, proposal_text, proposal_passages, tor_text, language, internal_analysis, external_analysis, delta_analysis, alignment";

    /// <summary>Marks the organisation's session running and reads its documents, in one round trip (null if it is gone).</summary>
    public async Task<SessionDocuments?> StartAsync(Guid orgId, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = $"""
            UPDATE sessions SET status = 'running', error = NULL, updated_at = @now WHERE id = @id AND org_id = @orgId
            RETURNING {DocumentColumns}
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<SessionDocuments>(new CommandDefinition(sql, new { id, orgId, now }, cancellationToken: ct));
    }

    /// <summary>The proposal, the ToR and the analyses, for the worker and for follow-up questions.</summary>
    public async Task<SessionDocuments?> GetDocumentsAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        const string sql = $"SELECT {DocumentColumns} FROM sessions WHERE id = @id AND org_id = @orgId";
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<SessionDocuments>(new CommandDefinition(sql, new { id, orgId }, cancellationToken: ct));
    }

    public async Task<bool> ExistsAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = @id AND org_id = @orgId)", new { id, orgId }, cancellationToken: ct));
    }

    public async Task<Page<SessionSummary>> ListAsync(Guid orgId, string? userId, int pageSize, Cursor? after, CancellationToken ct)
    {
        var rows = await SessionTables.ListSessionsAsync<SessionSummary>(db, "id, user_id, proposal_name, tor_name, status, created_at, updated_at", orgId, userId, pageSize, after?.At, after?.Id, ct);
        return Page.From(rows, pageSize, s => new Cursor(s.CreatedAt, s.Id));
    }

    public Task<bool> DeleteAsync(Guid orgId, Guid id, CancellationToken ct) =>
        SessionTables.DeleteSessionAsync(db, orgId, id, ct);

    public Task<IReadOnlyList<Followup>> FollowupsAsync(Guid sessionId, CancellationToken ct) =>
        SessionTables.FollowupsAsync(db, sessionId, ct);

    public Task<Followup> AddFollowupAsync(Guid sessionId, string question, string answer, DateTimeOffset now, CancellationToken ct) =>
        SessionTables.AddFollowupAsync(db, sessionId, question, answer, now, ct);

    public async Task<FeedbackRecord> AddFeedbackAsync(Guid sessionId, int rating, string? comment, string? part, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO feedback (id, session_id, rating, comment, part, created_at) VALUES (@id, @sessionId, @rating, @comment, @part, @now)
            """;
        var record = new FeedbackRecord(Guid.CreateVersion7(now), sessionId, rating, comment, part, now);
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { record.Id, sessionId, rating, comment, part, now }, cancellationToken: ct));
        return record;
    }

    private sealed record SessionRow(
        Guid Id, string UserId, string? ProposalName, string? TorName, string Status, AnalysisPart? InternalAnalysis,
        AnalysisPart? ExternalAnalysis, AnalysisPart? DeltaAnalysis, AlignmentTable? Alignment, GuidelinesUsed? Guidelines,
        TokenTotals? TokenUsage,
        string? Provider, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
}

public sealed record NewSession(
    Guid Id, Guid OrgId, string UserId, string? ProposalName, string ProposalText, IReadOnlyList<Passage> ProposalPassages,
    string? TorName, string TorText, string? Language);

public sealed record SessionDocuments(
    Guid Id, string Status, string ProposalText, Passage[] ProposalPassages, string TorText, string? Language,
    AnalysisPart? InternalAnalysis, AnalysisPart? ExternalAnalysis, AnalysisPart? DeltaAnalysis, AlignmentTable? Alignment);
