using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Data;

namespace Platform.Jobs;

/// <summary>
/// Finds running jobs whose lease expired (the worker died or lost the database) and sends their command again
/// through the outbox so another worker takes them; after <see cref="JobsOptions.MaxAttempts"/> deliveries the job is
/// failed with the reason instead. Queued jobs whose command was delivered but never claimed for
/// <see cref="JobsOptions.RequeueAfter"/> get it sent again too. Safe in every process at once (SKIP LOCKED).
/// </summary>
public sealed partial class LeaseReaper : BackgroundService
{
    private const int BatchSize = 100;

    private readonly JobStore store;
    private readonly SchemaMigrations migrations;
    private readonly IOptions<JobsOptions> options;
    private readonly ILogger<LeaseReaper> logger;

    internal LeaseReaper(JobStore store, SchemaMigrations migrations, IOptions<JobsOptions> options, ILogger<LeaseReaper> logger)
    {
        this.store = store;
        this.migrations = migrations;
        this.options = options;
        this.logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await JobsExtensions.WaitForSchemaAsync(migrations, stoppingToken);
        long? lastResend = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.Value;
            var more = false;
            try
            {
                var (requeued, failed) = await store.ReapExpiredLeasesAsync(settings.MaxAttempts, BatchSize, stoppingToken);
                if (requeued + failed > 0)
                {
                    LogReaped(logger, requeued, failed);
                }

                var resent = 0;
                if (lastResend is null || Stopwatch.GetElapsedTime(lastResend.Value) >= ResendInterval(settings))
                {
                    resent = await store.ResendStaleQueuedAsync(settings.RequeueAfter, BatchSize, stoppingToken);
                    if (resent > 0)
                    {
                        LogResent(logger, resent, settings.RequeueAfter);
                    }

                    // A full batch: look again at once.
                    lastResend = resent == BatchSize ? null : Stopwatch.GetTimestamp();
                }

                more = requeued + failed == BatchSize || resent == BatchSize;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogReapFailed(logger, ex);
            }

            if (!more)
            {
                try
                {
                    await Task.Delay(settings.ReaperInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// How often queued jobs are checked for a command that never led to a claim: a tenth of
    /// <see cref="JobsOptions.RequeueAfter"/> (so one is sent again at most 10% later than that), and never more often
    /// than the leases are checked. That search walks the queued jobs' index, which holds an entry for every job
    /// queued since the table was last vacuumed; at the lease check's pace (every 5 s, in every process) it was a
    /// sixth of what PostgreSQL spent on a busy queue, for jobs that are only looked for after 15 minutes.
    /// </summary>
    internal static TimeSpan ResendInterval(JobsOptions settings) =>
        settings.RequeueAfter / 10 > settings.ReaperInterval ? settings.RequeueAfter / 10 : settings.ReaperInterval;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Jobs with an expired lease: {Requeued} sent again, {Failed} failed after too many attempts")]
    private static partial void LogReaped(ILogger logger, int requeued, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} job(s) still queued {After} after their command was sent: command sent again")]
    private static partial void LogResent(ILogger logger, int count, TimeSpan after);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease reaper round failed")]
    private static partial void LogReapFailed(ILogger logger, Exception exception);
}
