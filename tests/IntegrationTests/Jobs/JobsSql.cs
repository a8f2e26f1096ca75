using Dapper;

namespace Platform.IntegrationTests.Jobs;

/// <summary>Direct looks at a scope's job tables, below the store.</summary>
public static class JobsSql
{
    public static async Task<long> OutboxCountAsync(this JobsScope scope, Guid jobId, string kind, bool? sent = null)
    {
        await using var connection = await scope.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(
            """
            SELECT count(*) FROM outbox
            WHERE job_id = @JobId AND kind = @Kind AND (@AnySent OR (sent_at IS NOT NULL) = @Sent)
            """,
            new { JobId = jobId, Kind = kind, AnySent = sent is null, Sent = sent ?? false });
    }

    /// <summary>As if the job's commands had all been delivered (to workers that then died).</summary>
    public static async Task MarkCommandsSentAsync(this JobsScope scope, Guid jobId)
    {
        await using var connection = await scope.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE outbox SET sent_at = now() WHERE job_id = @JobId AND sent_at IS NULL", new { JobId = jobId });
    }

    public static async Task<WebhookRow?> WebhookAsync(this JobsScope scope, Guid jobId)
    {
        await using var connection = await scope.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<WebhookRow>(
            """
            SELECT attempts, delivered_at IS NOT NULL AS delivered, failed_at IS NOT NULL AS given_up, last_status, last_error
            FROM webhook_deliveries WHERE job_id = @JobId
            """,
            new { JobId = jobId });
    }

    public sealed class WebhookRow
    {
        public int Attempts { get; init; }
        public bool Delivered { get; init; }
        public bool GivenUp { get; init; }
        public int? LastStatus { get; init; }
        public string? LastError { get; init; }
    }
}
