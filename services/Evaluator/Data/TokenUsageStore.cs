using Dapper;
using Npgsql;
using Platform.AI;

namespace Platform.Evaluator.Data;

/// <summary>Records every model call's token usage per organisation and session.</summary>
public sealed class TokenUsageStore(NpgsqlDataSource db) : ITokenUsageSink
{
    public async ValueTask RecordAsync(TokenUsage usage, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO token_usage (org_id, session_id, prompt_key, provider, model, input_tokens, output_tokens)
            VALUES (@OrgId, @SessionId, @PromptKey, @Provider, @Model, @InputTokens, @OutputTokens)
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, usage, cancellationToken: ct));
    }
}
