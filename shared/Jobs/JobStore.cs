using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data;
using Platform.Jobs.Webhooks;

namespace Platform.Jobs;

/// <summary>PostgreSQL <see cref="IJobStore"/> in the owner's schema (Dapper over the app's data source).</summary>
public sealed class JobStore : IJobStore
{
    private const int MaxErrorLength = 4000;

    // A claim: attempts counts deliveries, so a retry of the same delivery (same worker) re-claims without counting again.
    private const string ClaimSet = """
        UPDATE jobs
        SET status = 'running',
            attempts = attempts + CASE WHEN status = 'queued' OR worker IS DISTINCT FROM @job_worker THEN 1 ELSE 0 END,
            worker = @job_worker,
            lease_until = now() + @job_lease_ms * interval '1 millisecond',
            started_at = COALESCE(started_at, now()),
            updated_at = now()
        """;

    // What a claim may take: a queued job, or a running one whose lease expired or that this worker holds.
    private const string Claimable = "AND (status = 'queued' OR (status = 'running' AND (lease_until < now() OR worker = @job_worker)))";

    private const string ClaimSql = $"{ClaimSet} WHERE id = @job_id AND org_id = @job_org_id {Claimable}";

    // input and result travel as text so the record gets independent JsonElements.
    private const string Columns = """
        id, org_id, kind, status, progress_done, progress_total, input::text AS input, result::text AS result, error,
        callback_url, attempts, lease_until, worker, created_at, started_at, finished_at, updated_at
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly JobRegistry registry;
    private readonly IOptions<JobsOptions> options;
    private readonly JobsSignals signals;
    private readonly JobsMetrics metrics;

    internal JobStore(NpgsqlDataSource dataSource, JobRegistry registry, IOptions<JobsOptions> options, JobsSignals signals, JobsMetrics metrics)
    {
        DataExtensions.ConfigureDapper();
        this.dataSource = dataSource;
        this.registry = registry;
        this.options = options;
        this.signals = signals;
        this.metrics = metrics;
    }

    /// <inheritdoc />
    public Task<Job> EnqueueAsync(
        Guid orgId, string kind, object input, object message, string? callbackUrl, CancellationToken cancellationToken = default) =>
        EnqueueAsync(orgId, kind, input, message, callbackUrl, [], cancellationToken);

    /// <inheritdoc />
    public Task<Job> EnqueueAsync(
        Guid orgId, string kind, object input, object message, string? callbackUrl, JobWrite alongside, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alongside);
        return EnqueueAsync(orgId, kind, input, message, callbackUrl, [alongside], cancellationToken);
    }

    private async Task<Job> EnqueueAsync(
        Guid orgId, string kind, object input, object message, string? callbackUrl, IReadOnlyList<JobWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(message);
        var registered = registry.Kind(kind);
        if (message.GetType() != registered.CommandType)
        {
            throw new ArgumentException($"Jobs of kind '{kind}' are run by {registered.CommandType.Name}, not {message.GetType().Name}.", nameof(message));
        }

        var (jobId, messageOrg) = JobMessage.Read(message);
        if (jobId == Guid.Empty || messageOrg != orgId)
        {
            throw new ArgumentException("The command must carry the new job's id and the submitting organisation.", nameof(message));
        }

        if (callbackUrl is not null)
        {
            if (CallbackUrlValidator.CheckSyntax(callbackUrl, out _) is { } problem)
            {
                throw new ArgumentException(problem, nameof(callbackUrl));
            }

            if (string.IsNullOrEmpty(options.Value.WebhookSecret))
            {
                throw new InvalidOperationException("Set Jobs:WebhookSecret (at least 32 characters) to accept jobs with a callback_url.");
            }
        }

        // The job, its command and the service's own writes in one statement (one round trip, one implicit
        // transaction): the command row exists exactly when the job row was inserted by this call.
        var sql = new System.Text.StringBuilder($"""
            WITH job_new AS (
                INSERT INTO jobs (id, org_id, kind, input, callback_url, command_type, command)
                VALUES (@job_id, @job_org_id, @job_kind, @job_input::jsonb, @job_callback_url, @job_command_type, @job_command::jsonb)
                ON CONFLICT (id) DO NOTHING
                RETURNING {Columns}
            ), job_command AS (
                INSERT INTO outbox (message_id, message_type, kind, destination, payload, job_id)
                SELECT @job_message_id, @job_command_type, 'command', @job_queue, @job_command::jsonb, id FROM job_new
            )
            """);
        var parameters = new StatementParameters();
        JobWrite.Append(sql, parameters, writes);
        sql.Append("SELECT * FROM job_new");
        parameters.Add("job_id", jobId);
        parameters.Add("job_org_id", orgId);
        parameters.Add("job_kind", kind);
        parameters.Add("job_input", JsonSerializer.Serialize(input, input.GetType(), Jsonb.Options));
        parameters.Add("job_callback_url", callbackUrl, System.Data.DbType.String);
        parameters.Add("job_command_type", JobRegistry.TypeName(registered.CommandType));
        parameters.Add("job_command", JsonSerializer.Serialize(message, message.GetType(), JobRegistry.MessageJson));
        parameters.Add("job_message_id", Guid.CreateVersion7());
        parameters.Add("job_queue", registered.Queue);
        const string existing = $"SELECT {Columns} FROM jobs WHERE id = @Id AND org_id = @OrgId";

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken));
        if (row is null)
        {
            // Same id again (a client retry): the first one stands and its command is already in the outbox.
            row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
                      existing, new { Id = jobId, OrgId = orgId }, cancellationToken: cancellationToken))
                  ?? throw new InvalidOperationException($"Job {jobId} already exists in another organisation.");
            return row.ToJob();
        }

        signals.Outbox.Notify();
        metrics.Enqueued(kind);
        return row.ToJob();
    }

    /// <inheritdoc />
    public async Task<Job?> GetAsync(Guid orgId, Guid jobId, CancellationToken cancellationToken = default)
    {
        const string sql = $"SELECT {Columns} FROM jobs WHERE id = @Id AND org_id = @OrgId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(
            new CommandDefinition(sql, new { Id = jobId, OrgId = orgId }, cancellationToken: cancellationToken));
        return row?.ToJob();
    }

    /// <inheritdoc />
    public async Task<bool> TryClaimAsync(Guid jobId, string worker, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            $"{ClaimSet} WHERE id = @job_id {Claimable}", new { job_id = jobId, job_worker = worker, job_lease_ms = lease.TotalMilliseconds },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <inheritdoc />
    public async Task<Job?> ClaimAsync(Guid orgId, Guid jobId, string worker, TimeSpan lease, CancellationToken cancellationToken = default) =>
        (await ClaimAsync(orgId, jobId, worker, lease, null, cancellationToken))?.Job;

    /// <inheritdoc />
    public async Task<ClaimedJob?> ClaimAsync(
        Guid orgId, Guid jobId, string worker, TimeSpan lease, JobWrite? alongside, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        var parameters = new StatementParameters()
            .Add("job_id", jobId).Add("job_org_id", orgId).Add("job_worker", worker).Add("job_lease_ms", lease.TotalMilliseconds);
        string sql;
        if (alongside is null)
        {
            sql = $"{ClaimSql} RETURNING {Columns}";
        }
        else
        {
            // The claim and the service's write in one statement; the write's first returned value comes back with the job.
            var text = new System.Text.StringBuilder("WITH job_claimed AS (\n").Append(ClaimSql).Append(" RETURNING *\n)\n");
            JobWrite.Append(text, parameters, [alongside]);
            text.Append("SELECT ").Append(Columns).Append(", (SELECT w.claimed_value::text FROM job_write_0 w LIMIT 1) AS claimed_value FROM job_claimed");
            sql = text.ToString();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return row is null ? null : new ClaimedJob(row.ToJob(), row.ClaimedValue);
    }

    /// <inheritdoc />
    public async Task<bool> RenewLeaseAsync(Guid jobId, string worker, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        const string sql = """
            UPDATE jobs SET lease_until = now() + @LeaseMs * interval '1 millisecond', updated_at = now()
            WHERE id = @Id AND status = 'running' AND worker = @Worker
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            sql, new { Id = jobId, Worker = worker, LeaseMs = lease.TotalMilliseconds }, cancellationToken: cancellationToken)) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(Guid jobId, string worker, CancellationToken cancellationToken = default)
    {
        // Still running, with a lease in the past: the redelivered message claims it, or else the reaper sends it again.
        const string sql = """
            UPDATE jobs SET lease_until = now() - interval '1 millisecond', updated_at = now()
            WHERE id = @Id AND status = 'running' AND worker = @Worker
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            sql, new { Id = jobId, Worker = worker }, cancellationToken: cancellationToken)) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> ReportProgressAsync(Guid jobId, int done, int total, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        ArgumentOutOfRangeException.ThrowIfLessThan(total, done);
        const string sql = """
            UPDATE jobs SET progress_done = @Done, progress_total = @Total, updated_at = now()
            WHERE id = @Id AND status = 'running'
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            sql, new { Id = jobId, Done = done, Total = total }, cancellationToken: cancellationToken)) == 1;
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(Guid jobId, object result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        return FinishAsync(jobId, JobStatus.Succeeded, JsonSerializer.Serialize(result, result.GetType(), Jsonb.Options), null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> FailAsync(Guid jobId, string error, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return FinishAsync(jobId, JobStatus.Failed, null, error, cancellationToken);
    }

    /// <summary>
    /// The consumer's completion of a job it claimed: as <see cref="CompleteAsync"/> (result, completion event, webhook;
    /// only the first completion counts), with the last <paramref name="progress"/> and the service's own
    /// <paramref name="writes"/>, all in one statement, so one round trip. The event and webhook are built here from
    /// the claimed job, with the completion time taken once for the row, the event and the webhook. The row keeps
    /// <paramref name="stored"/> when given (the service keeps the result itself), else the result.
    /// </summary>
    internal async Task<bool> CompleteClaimedAsync(
        Job job, object result, object? stored, (int Done, int Total)? progress, IReadOnlyList<JobWrite> writes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(result);
        var kind = registry.Kind(job.Kind);
        var resultJson = JsonSerializer.SerializeToUtf8Bytes(result, result.GetType(), Jsonb.Options);
        using var resultDocument = JsonDocument.Parse(resultJson);
        // PostgreSQL keeps microseconds: the same instant in the row, the event and the webhook.
        var now = DateTimeOffset.UtcNow;
        now = now.AddTicks(-(now.Ticks % 10));
        var outcome = new JobOutcome(job.Id, job.OrgId, job.Kind, JobStatus.Succeeded, resultDocument.RootElement, null, now);
        var completed = kind.CreateCompleted(outcome);
        string? webhook = job.CallbackUrl is null
            ? null
            : JsonSerializer.Serialize(
                new WebhookPayload(outcome.JobId, outcome.OrgId, outcome.Kind, outcome.Status, outcome.Result, null, outcome.CompletedAt), Jsonb.Options);

        var sql = new System.Text.StringBuilder("""
            WITH job_finished AS (
                UPDATE jobs
                SET status = 'succeeded',
                    result = @job_result::jsonb,
                    error = NULL,
                    progress_total = COALESCE(@job_total, progress_total),
                    progress_done = COALESCE(@job_total, progress_total),
                    lease_until = NULL,
                    finished_at = @job_at,
                    updated_at = @job_at
                WHERE id = @job_id AND status IN ('queued', 'running')
                RETURNING id, callback_url
            ), job_event AS (
                INSERT INTO outbox (message_id, message_type, kind, destination, payload, job_id)
                SELECT @job_message_id, @job_message_type, 'event', NULL, @job_event::jsonb, id FROM job_finished
            ), job_webhook AS (
                INSERT INTO webhook_deliveries (job_id, url, payload)
                SELECT id, callback_url, @job_webhook::jsonb FROM job_finished WHERE callback_url IS NOT NULL AND @job_webhook::text IS NOT NULL
            )
            """);
        var parameters = new StatementParameters();
        JobWrite.Append(sql, parameters, writes);

        sql.Append("SELECT count(*)::int FROM job_finished");
        parameters.Add("job_id", job.Id);
        parameters.Add("job_result", stored is null
            ? System.Text.Encoding.UTF8.GetString(resultJson)
            : JsonSerializer.Serialize(stored, stored.GetType(), Jsonb.Options));
        parameters.Add("job_total", progress?.Total, System.Data.DbType.Int32);
        parameters.Add("job_at", now);
        parameters.Add("job_message_id", Guid.CreateVersion7());
        parameters.Add("job_message_type", JobRegistry.TypeName(kind.CompletedType));
        parameters.Add("job_event", JsonSerializer.Serialize(completed, kind.CompletedType, JobRegistry.MessageJson));
        parameters.Add("job_webhook", webhook, System.Data.DbType.String);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var finished = await connection.ExecuteScalarAsync<int>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken));
        if (finished == 0)
        {
            return false;
        }

        signals.Outbox.Notify();
        if (job.CallbackUrl is not null)
        {
            signals.Webhooks.Notify();
        }

        metrics.Finished(job.Kind, JobStatus.Succeeded);
        return true;
    }

    /// <summary>
    /// Running jobs whose lease expired (their worker died): sent again through the outbox, or failed once they have
    /// had <paramref name="maxAttempts"/> deliveries. Several instances can reap at once (SKIP LOCKED).
    /// </summary>
    internal async Task<(int Requeued, int Failed)> ReapExpiredLeasesAsync(int maxAttempts, int batchSize, CancellationToken cancellationToken)
    {
        const string expired = """
            SELECT id, kind, attempts, command_type, command::text AS command
            FROM jobs
            WHERE status = 'running' AND lease_until < now()
            ORDER BY lease_until
            LIMIT @BatchSize
            FOR UPDATE SKIP LOCKED
            """;
        const string requeue = """
            UPDATE jobs SET status = 'queued', worker = NULL, lease_until = NULL, updated_at = now() WHERE id = @Id
            """;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var jobs = (await connection.QueryAsync<ExpiredJob>(new CommandDefinition(
            expired, new { BatchSize = batchSize }, transaction, cancellationToken: cancellationToken))).AsList();
        var requeued = new List<string>();
        var failed = new List<string>();
        foreach (var job in jobs)
        {
            if (job.Attempts >= maxAttempts)
            {
                var reason = $"The job's worker stopped (its lease expired) on each of {job.Attempts} attempts; it was given up after {maxAttempts}.";
                if (await FinishAsync(connection, transaction, job.Id, JobStatus.Failed, null, reason, cancellationToken) is { } kind)
                {
                    failed.Add(kind);
                }

                continue;
            }

            var route = registry.Route(job.CommandType)
                        ?? throw new InvalidOperationException($"Command type {job.CommandType} of job {job.Id} is not registered (AddJobs).");
            await connection.ExecuteAsync(new CommandDefinition(requeue, new { job.Id }, transaction, cancellationToken: cancellationToken));
            await InsertOutboxAsync(connection, transaction, job.CommandType, job.Command, route.Queue, job.Id, cancellationToken);
            requeued.Add(job.Kind);
        }

        await transaction.CommitAsync(cancellationToken);
        if (jobs.Count > 0)
        {
            signals.Outbox.Notify();
            signals.Webhooks.Notify();
        }

        requeued.ForEach(metrics.Requeued);
        failed.ForEach(kind => metrics.Finished(kind, JobStatus.Failed));
        return (requeued.Count, failed.Count);
    }

    /// <summary>
    /// Queued jobs untouched for <paramref name="requeueAfter"/> whose command is no longer waiting in the outbox: the
    /// command was delivered but never led to a claim (it went to the error queue while the database was down, or
    /// was lost with a broker). Their command is sent again.
    /// </summary>
    internal async Task<int> ResendStaleQueuedAsync(TimeSpan requeueAfter, int batchSize, CancellationToken cancellationToken)
    {
        const string stale = """
            SELECT j.id, j.kind, j.attempts, j.command_type, j.command::text AS command
            FROM jobs j
            WHERE j.status = 'queued' AND j.updated_at < now() - @AfterMs * interval '1 millisecond'
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_id = j.id AND o.sent_at IS NULL)
            ORDER BY j.updated_at
            LIMIT @BatchSize
            FOR UPDATE OF j SKIP LOCKED
            """;
        const string touch = "UPDATE jobs SET updated_at = now() WHERE id = @Id";

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var jobs = (await connection.QueryAsync<ExpiredJob>(new CommandDefinition(
            stale, new { AfterMs = requeueAfter.TotalMilliseconds, BatchSize = batchSize }, transaction, cancellationToken: cancellationToken))).AsList();
        foreach (var job in jobs)
        {
            var route = registry.Route(job.CommandType)
                        ?? throw new InvalidOperationException($"Command type {job.CommandType} of job {job.Id} is not registered (AddJobs).");
            await connection.ExecuteAsync(new CommandDefinition(touch, new { job.Id }, transaction, cancellationToken: cancellationToken));
            await InsertOutboxAsync(connection, transaction, job.CommandType, job.Command, route.Queue, job.Id, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (jobs.Count > 0)
        {
            signals.Outbox.Notify();
            jobs.ForEach(job => metrics.Requeued(job.Kind));
        }

        return jobs.Count;
    }

    private async Task<bool> FinishAsync(Guid jobId, string status, string? result, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var kind = await FinishAsync(connection, transaction, jobId, status, result, error, cancellationToken);
        if (kind is null)
        {
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        signals.Outbox.Notify();
        signals.Webhooks.Notify();
        metrics.Finished(kind, status);
        return true;
    }

    /// <summary>
    /// Finishes a job that has not finished yet, with its completion event and webhook, inside the caller's
    /// transaction. Whoever finishes first wins; later attempts change nothing (null). Returns the job's kind.
    /// </summary>
    private async Task<string?> FinishAsync(
        NpgsqlConnection connection, DbTransaction transaction, Guid jobId, string status, string? result, string? error,
        CancellationToken cancellationToken)
    {
        const string finish = """
            UPDATE jobs
            SET status = @Status,
                result = @Result::jsonb,
                error = @Error,
                progress_done = CASE WHEN @Succeeded THEN progress_total ELSE progress_done END,
                lease_until = NULL,
                finished_at = now(),
                updated_at = now()
            WHERE id = @Id AND status IN ('queued', 'running')
            RETURNING id, org_id, kind, callback_url, result::text AS result, error, finished_at
            """;
        const string webhook = """
            INSERT INTO webhook_deliveries (job_id, url, payload) VALUES (@JobId, @Url, @Payload::jsonb)
            """;

        if (error is { Length: > MaxErrorLength })
        {
            error = error[..MaxErrorLength];
        }

        var finished = await connection.QuerySingleOrDefaultAsync<FinishedJob>(new CommandDefinition(finish, new
        {
            Id = jobId,
            Status = status,
            Result = result,
            Error = error,
            Succeeded = status == JobStatus.Succeeded,
        }, transaction, cancellationToken: cancellationToken));
        if (finished is null)
        {
            return null;
        }

        var kind = registry.Kind(finished.Kind);
        var outcome = new JobOutcome(
            finished.Id, finished.OrgId, finished.Kind, status, ParseJson(finished.Result), finished.Error, Utc(finished.FinishedAt));
        var completed = kind.CreateCompleted(outcome);
        await InsertOutboxAsync(
            connection, transaction, JobRegistry.TypeName(kind.CompletedType),
            JsonSerializer.Serialize(completed, kind.CompletedType, JobRegistry.MessageJson), queue: null, jobId, cancellationToken);

        if (finished.CallbackUrl is not null)
        {
            var payload = new WebhookPayload(outcome.JobId, outcome.OrgId, outcome.Kind, outcome.Status, outcome.Result, outcome.Error, outcome.CompletedAt);
            await connection.ExecuteAsync(new CommandDefinition(webhook, new
            {
                JobId = jobId,
                Url = finished.CallbackUrl,
                Payload = JsonSerializer.Serialize(payload, Jsonb.Options),
            }, transaction, cancellationToken: cancellationToken));
        }

        return finished.Kind;
    }

    private static Task InsertOutboxAsync(
        NpgsqlConnection connection, DbTransaction transaction, string messageType, string payload, string? queue, Guid jobId,
        CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO outbox (message_id, message_type, kind, destination, payload, job_id)
            VALUES (@MessageId, @MessageType, @Kind, @Destination, @Payload::jsonb, @JobId)
            """;
        return connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            MessageId = Guid.CreateVersion7(),
            MessageType = messageType,
            Kind = queue is null ? "event" : "command",
            Destination = queue,
            Payload = payload,
            JobId = jobId,
        }, transaction, cancellationToken: cancellationToken));
    }

    private static JsonElement? ParseJson(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<JsonElement>(json);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;

    /// <summary>The body POSTed to a callback URL (snake_case).</summary>
    private sealed record WebhookPayload(
        Guid JobId, Guid OrgId, string Kind, string Status, JsonElement? Result, string? Error, DateTimeOffset CompletedAt);

    private sealed class JobRow
    {
        public Guid Id { get; init; }
        public Guid OrgId { get; init; }
        public string Kind { get; init; } = "";
        public string Status { get; init; } = "";
        public int ProgressDone { get; init; }
        public int ProgressTotal { get; init; }
        public string Input { get; init; } = "{}";
        public string? Result { get; init; }
        public string? Error { get; init; }
        public string? CallbackUrl { get; init; }
        public int Attempts { get; init; }
        public DateTime? LeaseUntil { get; init; }
        public string? Worker { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? StartedAt { get; init; }
        public DateTime? FinishedAt { get; init; }
        public DateTime UpdatedAt { get; init; }

        /// <summary>The first value a claim's <see cref="JobWrite.OnClaim"/> returned (claims only).</summary>
        public string? ClaimedValue { get; init; }

        public Job ToJob() => new(
            Id, OrgId, Kind, Status, ProgressDone, ProgressTotal, JsonSerializer.Deserialize<JsonElement>(Input), ParseJson(Result),
            Error, CallbackUrl, Attempts, Utc(LeaseUntil), Worker, Utc(CreatedAt), Utc(StartedAt), Utc(FinishedAt), Utc(UpdatedAt));
    }

    private sealed class FinishedJob
    {
        public Guid Id { get; init; }
        public Guid OrgId { get; init; }
        public string Kind { get; init; } = "";
        public string? CallbackUrl { get; init; }
        public string? Result { get; init; }
        public string? Error { get; init; }
        public DateTime FinishedAt { get; init; }
    }

    private sealed class ExpiredJob
    {
        public Guid Id { get; init; }
        public string Kind { get; init; } = "";
        public int Attempts { get; init; }
        public string CommandType { get; init; } = "";
        public string Command { get; init; } = "";
    }
}
