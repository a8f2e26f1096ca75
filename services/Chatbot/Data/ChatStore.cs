using Dapper;
using Npgsql;
using Platform.Chatbot.Model;
using Platform.Data;
using Platform.Data.Sessions;
using Platform.ServiceDefaults.Http;

namespace Platform.Chatbot.Data;

/// <summary>Conversations, their messages and feedback on them; every query is scoped to an organisation.</summary>
public sealed class ChatStore(NpgsqlDataSource db)
{
    public async Task<bool> SessionExistsAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = @id AND org_id = @orgId)", new { orgId, id }, cancellationToken: ct));
    }

    public async Task CreateSessionAsync(Guid orgId, Guid id, string userId, string title, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO sessions (id, org_id, user_id, channel, title, created_at, updated_at)
            VALUES (@id, @orgId, @userId, 'api', @title, @now, @now)
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, orgId, userId, title, now }, cancellationToken: ct));
    }

    /// <summary>The last <paramref name="messages"/> messages of a session, oldest first.</summary>
    public async Task<IReadOnlyList<Turn>> RecentTurnsAsync(Guid sessionId, int messages, CancellationToken ct)
    {
        const string sql = """
            SELECT role, content, refined_query FROM (
                SELECT role, content, refined_query, created_at, id FROM messages WHERE session_id = @sessionId
                ORDER BY created_at DESC, id DESC LIMIT @messages) m
            ORDER BY created_at, id
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Turn>(new CommandDefinition(sql, new { sessionId, messages }, cancellationToken: ct))).AsList();
    }

    /// <summary>Stores a question and its answer together and touches the session.</summary>
    public async Task AddExchangeAsync(
        Guid sessionId, Guid questionId, string question, Guid answerId, string answer, string refinedQuery, MessageContext context,
        DateTimeOffset askedAt, DateTimeOffset answeredAt, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO messages (id, session_id, role, content, refined_query, context, created_at) VALUES
                (@questionId, @sessionId, 'user', @question, @refinedQuery, '{}'::jsonb, @askedAt),
                (@answerId, @sessionId, 'assistant', @answer, @refinedQuery, @context::jsonb, @answeredAt);
            UPDATE sessions SET updated_at = @answeredAt WHERE id = @sessionId;
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            sessionId,
            questionId,
            question,
            answerId,
            answer,
            refinedQuery,
            context = Jsonb.Serialize(context),
            askedAt,
            answeredAt,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    public async Task<Page<SessionSummary>> ListSessionsAsync(Guid orgId, string? userId, int pageSize, Cursor? after, CancellationToken ct)
    {
        var rows = await SessionTables.ListSessionsAsync<SessionSummary>(db, "id, user_id, title, created_at, updated_at", orgId, userId, pageSize, after?.At, after?.Id, ct);
        return Page.From(rows, pageSize, s => new Cursor(s.CreatedAt, s.Id));
    }

    public async Task<Session?> GetSessionAsync(Guid orgId, Guid id, CancellationToken ct)
    {
        const string sql = """
            SELECT id, user_id, title, created_at, updated_at FROM sessions WHERE id = @id AND org_id = @orgId;
            SELECT m.id, m.role, m.content, m.refined_query, m.context, m.created_at FROM messages m
            JOIN sessions s ON s.id = m.session_id
            WHERE m.session_id = @id AND s.org_id = @orgId ORDER BY m.created_at, m.id;
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var grid = await conn.QueryMultipleAsync(new CommandDefinition(sql, new { id, orgId }, cancellationToken: ct));
        var summary = await grid.ReadSingleOrDefaultAsync<SessionSummary>();
        if (summary is null)
        {
            return null;
        }

        var messages = (await grid.ReadAsync<MessageRow>())
            .Select(m =>
            {
                var passages = CitedPassages(m.Context);
                return new MessageView(m.Id, m.Role, m.Content, m.RefinedQuery, [.. passages.Select(p => p.Source)], passages, m.CreatedAt);
            })
            .ToList();
        return new Session(summary.Id, summary.UserId, summary.Title, messages, summary.CreatedAt, summary.UpdatedAt);
    }

    public Task<bool> DeleteSessionAsync(Guid orgId, Guid id, CancellationToken ct) => SessionTables.DeleteSessionAsync(db, orgId, id, ct);

    /// <summary>The role of one of the organisation's messages, or null when it has no such message.</summary>
    public async Task<string?> MessageRoleAsync(Guid orgId, Guid messageId, CancellationToken ct)
    {
        const string sql = "SELECT m.role FROM messages m JOIN sessions s ON s.id = m.session_id WHERE m.id = @messageId AND s.org_id = @orgId";
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(sql, new { orgId, messageId }, cancellationToken: ct));
    }

    public async Task<FeedbackRecord> AddFeedbackAsync(Guid orgId, Guid messageId, int rating, string? comment, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO feedback (id, org_id, message_id, rating, comment, created_at) VALUES (@id, @orgId, @messageId, @rating, @comment, @now)
            """;
        var record = new FeedbackRecord(Guid.CreateVersion7(now), messageId, rating, comment, now);
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { record.Id, orgId, messageId, rating, comment, now }, cancellationToken: ct));
        return record;
    }

    // A question's context is '{}': no passages.
    private static IReadOnlyList<RetrievedPassage> CitedPassages(MessageContext? context) =>
        context?.Retrieved is { } retrieved && context.Cited is { } cited
            ? [.. retrieved.Where(r => cited.Contains(r.Source.Number))]
            : [];

    private sealed record MessageRow(Guid Id, string Role, string Content, string? RefinedQuery, MessageContext? Context, DateTimeOffset CreatedAt);
}
