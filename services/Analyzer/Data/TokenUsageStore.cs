using System.Collections.Concurrent;
using Dapper;
using Npgsql;
using Platform.AI;

namespace Platform.Analyzer.Data;

/// <summary>
/// Records every model call's token usage per organisation and session. Within a <see cref="BeginBatch"/> (the prompts
/// of one analysis) the records are collected and written by <see cref="UsageBatch.FlushAsync"/> in one insert;
/// outside one, each is written at once.
/// </summary>
public sealed partial class TokenUsageStore(NpgsqlDataSource db, ILogger<TokenUsageStore> logger) : ITokenUsageSink
{
    private static readonly AsyncLocal<UsageBatch?> Current = new();

    private ILogger Logger => logger;

    /// <summary>Collects the usage recorded from here on in this asynchronous flow (and the tasks it starts).</summary>
    public UsageBatch BeginBatch()
    {
        var batch = new UsageBatch(this);
        Current.Value = batch;
        return batch;
    }

    public async ValueTask RecordAsync(TokenUsage usage, CancellationToken ct)
    {
        if (Current.Value is { } batch && batch.TryAdd(usage))
        {
            return;
        }

        await InsertAsync([usage], ct);
    }

    private const string InsertSql = """
        INSERT INTO token_usage (org_id, session_id, prompt_key, provider, model, input_tokens, output_tokens)
        SELECT * FROM unnest(@orgIds, @sessionIds, @promptKeys, @providers, @models, @inputTokens, @outputTokens)
        """;

    /// <summary>
    /// <paramref name="rows"/> as one statement for <c>JobContext.RecordOnCompletion</c> (written with the job's
    /// completion, whichever delivery completes: the tokens were used either way).
    /// </summary>
    public static (string Sql, object Parameters) InsertWrite(IReadOnlyList<TokenUsage> rows) => (InsertSql, InsertParameters(rows));

    private async Task InsertAsync(IReadOnlyList<TokenUsage> rows, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(InsertSql, InsertParameters(rows), cancellationToken: ct));
    }

    private static object InsertParameters(IReadOnlyList<TokenUsage> rows) => new
    {
        orgIds = rows.Select(r => r.OrgId).ToArray(),
        sessionIds = rows.Select(r => r.SessionId).ToArray(),
        promptKeys = rows.Select(r => r.PromptKey).ToArray(),
        providers = rows.Select(r => r.Provider).ToArray(),
        models = rows.Select(r => r.Model).ToArray(),
        inputTokens = rows.Select(r => r.InputTokens).ToArray(),
        outputTokens = rows.Select(r => r.OutputTokens).ToArray(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token usage of {Count} prompt run(s) could not be recorded")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);

    /// <summary>The usage records of one analysis, written together.</summary>
    public sealed class UsageBatch(TokenUsageStore store)
    {
        private readonly ConcurrentQueue<TokenUsage> records = new();
        private volatile bool flushed;

        internal bool TryAdd(TokenUsage usage)
        {
            if (flushed)
            {
                return false;
            }

            records.Enqueue(usage);
            return true;
        }

        /// <summary>Ends the batch without writing: what was collected is the caller's to write.</summary>
        public IReadOnlyList<TokenUsage> Take()
        {
            flushed = true;
            return records.ToArray();
        }

        /// <summary>Writes what was collected in one insert; a failure is logged (the answers are already paid for).</summary>
        public async Task FlushAsync(CancellationToken ct)
        {
            flushed = true;
            var rows = records.ToArray();
            if (rows.Length == 0)
            {
                return;
            }

            try
            {
                await store.InsertAsync(rows, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFlushFailed(store.Logger, ex, rows.Length);
            }
        }
    }
}
