using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data;

namespace Platform.Jobs.Webhooks;

/// <summary>
/// POSTs finished jobs to their <c>callback_url</c>: JSON body, <c>X-Signature: sha256=...</c>, <c>X-Job-Id</c>.
/// A non-2xx answer or a network error is retried with exponential backoff up to
/// <see cref="JobsOptions.WebhookMaxAttempts"/>. The connection goes to the address that was resolved and checked
/// (<see cref="AddressPolicy"/>), never to one looked up again later, so DNS rebinding cannot reach an internal
/// address; redirects are not followed and no proxy is used. Deliveries are claimed with SKIP LOCKED, so every process
/// can send.
/// </summary>
public sealed partial class WebhookSender : BackgroundService
{
    private const int BatchSize = 16;
    private const int MaxErrorLength = 1000;

    private readonly NpgsqlDataSource dataSource;
    private readonly SchemaMigrations migrations;
    private readonly IOptions<JobsOptions> options;
    private readonly JobsSignals signals;
    private readonly JobsMetrics metrics;
    private readonly ILogger<WebhookSender> logger;
    private readonly HttpClient http;

    internal WebhookSender(
        NpgsqlDataSource dataSource, SchemaMigrations migrations, IOptions<JobsOptions> options, JobsSignals signals,
        JobsMetrics metrics, ILogger<WebhookSender> logger)
    {
        this.dataSource = dataSource;
        this.migrations = migrations;
        this.options = options;
        this.signals = signals;
        this.metrics = metrics;
        this.logger = logger;
        http = CreateClient(options.Value);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await JobsExtensions.WaitForSchemaAsync(migrations, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.Value;
            var claimed = 0;
            try
            {
                var due = await ClaimDueAsync(settings, stoppingToken);
                claimed = due.Count;
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = stoppingToken },
                    async (delivery, ct) => await DeliverAsync(delivery, settings, ct));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, ex);
            }

            if (claimed < BatchSize)
            {
                try
                {
                    await signals.Webhooks.WaitAsync(settings.WebhookPollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<List<Delivery>> ClaimDueAsync(JobsOptions settings, CancellationToken cancellationToken)
    {
        // Claimed by pushing next_attempt_at past the call's timeout: a process that dies mid-call leaves it due again.
        const string sql = """
            UPDATE webhook_deliveries d
            SET attempts = d.attempts + 1, next_attempt_at = now() + @ClaimMs * interval '1 millisecond'
            FROM (
                SELECT id FROM webhook_deliveries
                WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                ORDER BY next_attempt_at
                LIMIT @BatchSize
                FOR UPDATE SKIP LOCKED
            ) due
            WHERE d.id = due.id
            RETURNING d.id, d.job_id, d.url, d.payload::text AS payload, d.attempts
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var claimMs = (settings.WebhookTimeout * 2 + TimeSpan.FromSeconds(5)).TotalMilliseconds;
        return (await connection.QueryAsync<Delivery>(new CommandDefinition(
            sql, new { ClaimMs = claimMs, BatchSize }, cancellationToken: cancellationToken))).AsList();
    }

    private async Task DeliverAsync(Delivery delivery, JobsOptions settings, CancellationToken cancellationToken)
    {
        int? status = null;
        string? error;
        if (string.IsNullOrEmpty(settings.WebhookSecret))
        {
            error = "Jobs:WebhookSecret is not configured; webhooks cannot be signed.";
        }
        else if (CallbackUrlValidator.CheckSyntax(delivery.Url, out var uri) is { } problem)
        {
            error = problem;
        }
        else
        {
            var body = Encoding.UTF8.GetBytes(delivery.Payload);
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Compute(settings.WebhookSecret, body));
            request.Headers.TryAddWithoutValidation(WebhookSignature.JobIdHeader, delivery.JobId.ToString());
            request.Headers.TryAddWithoutValidation("X-Webhook-Attempt", delivery.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.WebhookTimeout);
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    await MarkDeliveredAsync(delivery.Id, status.Value);
                    metrics.Webhook("delivered");
                    return;
                }

                error = (int)response.StatusCode is >= 300 and < 400
                    ? $"The callback answered {status} (redirect); redirects are not followed."
                    : $"The callback answered {status}.";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"The callback did not answer within {settings.WebhookTimeout.TotalSeconds:0.#} s.";
            }
            catch (HttpRequestException ex)
            {
                error = ex.InnerException is CallbackRefusedException refused ? refused.Message : ex.Message;
            }
        }

        var giveUp = delivery.Attempts >= settings.WebhookMaxAttempts;
        var delay = Backoff(delivery.Attempts, settings);
        await MarkFailedAsync(delivery.Id, status, error, giveUp, delay);
        metrics.Webhook(giveUp ? "failed" : "retry");
        LogDeliveryFailed(logger, delivery.JobId, delivery.Attempts, giveUp, error);
    }

    internal static TimeSpan Backoff(int attempts, JobsOptions settings)
    {
        var ms = settings.WebhookRetryInterval.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempts - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, settings.WebhookRetryMaxInterval.TotalMilliseconds));
    }

    private async Task MarkDeliveredAsync(long id, int status)
    {
        const string sql = """
            UPDATE webhook_deliveries SET delivered_at = now(), last_status = @Status, last_error = NULL WHERE id = @Id
            """;
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, new { Id = id, Status = status });
    }

    private async Task MarkFailedAsync(long id, int? status, string error, bool giveUp, TimeSpan delay)
    {
        const string sql = """
            UPDATE webhook_deliveries
            SET last_status = @Status, last_error = @Error,
                next_attempt_at = now() + @DelayMs * interval '1 millisecond',
                failed_at = CASE WHEN @GiveUp THEN now() END
            WHERE id = @Id
            """;
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, new
        {
            Id = id,
            Status = status,
            Error = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error,
            DelayMs = delay.TotalMilliseconds,
            GiveUp = giveUp,
        });
    }

    private static HttpClient CreateClient(JobsOptions settings)
    {
        var allowPrivate = settings.AllowPrivateCallbacks;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = settings.WebhookTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = (context, cancellationToken) => ConnectCheckedAsync(context.DnsEndPoint, allowPrivate, cancellationToken),
        };
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Platform-Jobs-Webhook/1.0");
        return client;
    }

    /// <summary>Resolves the host once, refuses it unless every address is allowed, and connects to those addresses.</summary>
    internal static async ValueTask<Stream> ConnectCheckedAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken cancellationToken)
    {
        var host = endpoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (AddressPolicy.Refusal(addresses, allowPrivate) is { } reason)
        {
            throw new CallbackRefusedException($"Refused to call {host}: {reason}. Callbacks go only to public addresses.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook round failed")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook for job {JobId}: attempt {Attempt} failed (given up: {GivenUp}): {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, Guid jobId, int attempt, bool givenUp, string reason);

    private sealed class Delivery
    {
        public long Id { get; init; }
        public Guid JobId { get; init; }
        public string Url { get; init; } = "";
        public string Payload { get; init; } = "{}";
        public int Attempts { get; init; }
    }
}

/// <summary>A callback address that the SSRF policy does not allow.</summary>
internal sealed class CallbackRefusedException(string message) : IOException(message);
