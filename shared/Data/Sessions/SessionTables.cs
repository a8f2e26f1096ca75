using Dapper;
using Npgsql;

namespace Platform.Data.Sessions;

/// <summary>A question asked about a session and the answer given.</summary>
public sealed record Followup(Guid Id, string Question, string Answer, DateTimeOffset CreatedAt);

/// <summary>
/// The parts every session-keeping service (Analyzer, Evaluator) stores the same way in its own schema: a
/// <c>sessions</c> table with <c>id</c> and <c>org_id</c>, and a <c>followups</c> table keyed by session.
/// </summary>
public static class SessionTables
{
    /// <summary>
    /// One keyset page of the organisation's sessions, newest first, optionally of one user: at most
    /// <paramref name="pageSize"/> + 1 rows (the extra one tells there is a next page), after the cursor
    /// (<paramref name="afterAt"/>, <paramref name="afterId"/>) when given. <paramref name="columns"/> is the service's
    /// own column list (a constant of the service, never input).
    /// </summary>
    public static async Task<IReadOnlyList<T>> ListSessionsAsync<T>(
        NpgsqlDataSource db, string columns, Guid orgId, string? userId, int pageSize, DateTimeOffset? afterAt, Guid? afterId, CancellationToken ct)
    {
        var sql = $"""
            SELECT {columns} FROM sessions
            WHERE org_id = @orgId AND (@userId::text IS NULL OR user_id = @userId)
              AND (@afterAt::timestamptz IS NULL OR (created_at, id) < (@afterAt, @afterId))
            ORDER BY created_at DESC, id DESC
            LIMIT @take
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<T>(new CommandDefinition(sql,
            new { orgId, userId, afterAt, afterId, take = pageSize + 1 }, cancellationToken: ct))).AsList();
    }

    /// <summary>Deletes one of the organisation's sessions (follow-ups and feedback go with it); false if none.</summary>
    public static async Task<bool> DeleteSessionAsync(NpgsqlDataSource db, Guid orgId, Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("DELETE FROM sessions WHERE id = @id AND org_id = @orgId",
            new { id, orgId }, cancellationToken: ct)) > 0;
    }

    /// <summary>A session's follow-ups, oldest first (the caller has checked the session is the organisation's).</summary>
    public static async Task<IReadOnlyList<Followup>> FollowupsAsync(NpgsqlDataSource db, Guid sessionId, CancellationToken ct)
    {
        const string sql = "SELECT id, question, answer, created_at FROM followups WHERE session_id = @sessionId ORDER BY created_at, id";
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Followup>(new CommandDefinition(sql, new { sessionId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Stores a follow-up and answers it as stored.</summary>
    public static async Task<Followup> AddFollowupAsync(
        NpgsqlDataSource db, Guid sessionId, string question, string answer, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO followups (id, session_id, question, answer, created_at) VALUES (@id, @sessionId, @question, @answer, @now)
            """;
        var followup = new Followup(Guid.CreateVersion7(now), question, answer, now);
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { followup.Id, sessionId, question, answer, now }, cancellationToken: ct));
        return followup;
    }
}
