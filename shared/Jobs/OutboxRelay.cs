using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data;

namespace Platform.Jobs;

/// <summary>
/// Hands committed outbox rows to RabbitMQ in id order and marks them sent: commands are sent to their queue
/// (declared on the way, so nothing is lost before a worker ever ran), events published to their type's exchange.
/// Rows are taken in batches with <c>FOR UPDATE SKIP LOCKED</c>, so every process of the service can relay at once.
/// A crash between publishing and marking leaves the rows unsent: they go out again (at least once, with the same
/// message id), and consumers are idempotent.
/// </summary>
public sealed partial class OutboxRelay : BackgroundService
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CleanupEvery = TimeSpan.FromMinutes(10);

    private readonly NpgsqlDataSource dataSource;
    private readonly SchemaMigrations migrations;
    private readonly IBus bus;
    private readonly JobRegistry registry;
    private readonly IOptions<JobsOptions> options;
    private readonly JobsSignals signals;
    private readonly JobsMetrics metrics;
    private readonly ILogger<OutboxRelay> logger;
    private readonly IHostApplicationLifetime lifetime;

    internal OutboxRelay(
        NpgsqlDataSource dataSource, SchemaMigrations migrations, IBus bus, JobRegistry registry, IOptions<JobsOptions> options,
        JobsSignals signals, JobsMetrics metrics, ILogger<OutboxRelay> logger, IHostApplicationLifetime lifetime)
    {
        this.lifetime = lifetime;
        this.dataSource = dataSource;
        this.migrations = migrations;
        this.bus = bus;
        this.registry = registry;
        this.options = options;
        this.signals = signals;
        this.metrics = metrics;
        this.logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await JobsExtensions.WaitForSchemaAsync(migrations, stoppingToken);
        // The bus is started by a hosted service registered after this one: publish once every service has started.
        using (var started = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStarted, stoppingToken))
        {
            await Task.Delay(Timeout.Infinite, started.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var failures = 0;
        var nextCleanup = DateTime.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.Value;
            try
            {
                var (relayed, complete) = await RelayBatchAsync(settings.RelayBatchSize, stoppingToken);
                failures = complete ? 0 : failures + 1;
                if (complete && relayed == settings.RelayBatchSize)
                {
                    continue;
                }

                if (DateTime.UtcNow >= nextCleanup)
                {
                    nextCleanup = DateTime.UtcNow + CleanupEvery;
                    await DeleteSentAsync(settings.OutboxRetention, stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                LogRelayFailed(logger, ex);
            }

            var wait = failures == 0
                ? settings.RelayInterval
                : TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, settings.RelayInterval.TotalMilliseconds * Math.Pow(2, failures)));
            try
            {
                if (failures == 0)
                {
                    await signals.Outbox.WaitAsync(wait, stoppingToken);
                }
                else
                {
                    await Task.Delay(wait, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Relays one batch; complete is false when a publish failed (the rest waits for the next round).</summary>
    internal async Task<(int Relayed, bool Complete)> RelayBatchAsync(int batchSize, CancellationToken cancellationToken)
    {
        const string pending = """
            SELECT id, message_id, message_type, destination, payload::text AS payload
            FROM outbox
            WHERE sent_at IS NULL
            ORDER BY id
            LIMIT @BatchSize
            FOR UPDATE SKIP LOCKED
            """;
        const string markSent = "UPDATE outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY(@Ids)";
        const string markFailed = "UPDATE outbox SET attempts = attempts + 1, last_error = @Error WHERE id = @Id";

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            pending, new { BatchSize = batchSize }, transaction, cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            return (0, true);
        }

        // Published all at once (in id order onto the channel), then awaited: one broker round trip for the batch
        // instead of one per row. What failed stays unsent for the next round; what got through is marked sent.
        var publishes = rows.Select(row => PublishAsync(row, cancellationToken)).ToList();
        var sent = new List<long>(rows.Count);
        (OutboxRow Row, Exception Error)? failure = null;
        for (var i = 0; i < rows.Count; i++)
        {
            try
            {
                await publishes[i];
                sent.Add(rows[i].Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failure ??= (rows[i], ex);
            }
            catch (OperationCanceledException)
            {
                // Stopping: what did get published is still marked below.
            }
        }

        // What was published is recorded even while stopping, or it would all go out a second time.
        if (sent.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(markSent, new { Ids = sent.ToArray() }, transaction));
        }

        if (failure is { } failed)
        {
            await connection.ExecuteAsync(new CommandDefinition(markFailed, new { failed.Row.Id, Error = failed.Error.Message }, transaction));
            LogPublishFailed(logger, failed.Row.Id, failed.Row.MessageType, failed.Error);
        }

        await transaction.CommitAsync(CancellationToken.None);
        metrics.Relayed(sent.Count);
        return (sent.Count, failure is null);
    }

    private async Task PublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var route = registry.Route(row.MessageType)
                    ?? throw new InvalidOperationException($"Message type {row.MessageType} is not registered with AddJobs.");
        var message = JsonSerializer.Deserialize(row.Payload, route.Type, JobRegistry.MessageJson)
                      ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty payload.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        if (row.Destination is null)
        {
            await bus.Publish(message, route.Type, Pipe.Execute<PublishContext>(c => c.MessageId = row.MessageId), timeout.Token);
        }
        else
        {
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{row.Destination}"));
            await endpoint.Send(message, route.Type, Pipe.Execute<SendContext>(c => c.MessageId = row.MessageId), timeout.Token);
        }
    }

    private async Task DeleteSentAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        const string sql = "DELETE FROM outbox WHERE sent_at < now() - @RetentionSeconds * interval '1 second'";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { RetentionSeconds = retention.TotalSeconds }, cancellationToken: cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay round failed; retrying with backoff")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {OutboxId} ({MessageType}) could not be published; it stays unsent")]
    private static partial void LogPublishFailed(ILogger logger, long outboxId, string messageType, Exception exception);

    private sealed class OutboxRow
    {
        public long Id { get; init; }
        public Guid MessageId { get; init; }
        public string MessageType { get; init; } = "";
        public string? Destination { get; init; }
        public string Payload { get; init; } = "{}";
    }
}
