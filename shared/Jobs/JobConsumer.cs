using MassTransit;
using Microsoft.Extensions.Logging;

namespace Platform.Jobs;

/// <summary>
/// Base of the consumer of a job command (<c>AnalyzeDocument</c>, <c>EvaluateProposal</c>; anything with
/// <c>Guid JobId</c> and <c>Guid OrgId</c>). It claims the job (a redelivered or duplicate message whose job is
/// finished or held by a live worker does nothing), keeps the lease alive while <see cref="ExecuteAsync"/> runs, and
/// completes the job with its result. A failure is retried by MassTransit (<see cref="JobConsumerDefinition{TConsumer}"/>);
/// on the last attempt the job is failed with the reason and the message goes on to the <c>_error</c> queue.
/// Register it with <see cref="JobsExtensions.AddJobConsumer{TConsumer}"/>.
/// </summary>
public abstract partial class JobConsumer<TMessage> : IConsumer<TMessage>
    where TMessage : class
{
    private readonly JobServices services;

    /// <summary>Creates the consumer; subclasses take <see cref="JobServices"/> from dependency injection.</summary>
    protected JobConsumer(JobServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        JobMessage.EnsureShape(typeof(TMessage));
        this.services = services;
    }

    /// <summary>
    /// The service's own write made with every claim of a job, in the claim's statement (<see cref="JobWrite.OnClaim"/>;
    /// e.g. the job's session marked running and its document read); what it returns is
    /// <see cref="JobContext{TMessage}.ClaimedValue"/>. None by default.
    /// </summary>
    protected virtual JobWrite? ClaimWrite => null;

    /// <summary>Does the work of one job and returns its result (stored as snake_case JSON).</summary>
    protected abstract Task<object> ExecuteAsync(JobContext<TMessage> context, CancellationToken cancellationToken);

    /// <summary>The reason stored (and shown to the client) when the job fails; by default the exception's message.</summary>
    protected virtual string DescribeFailure(Exception exception) => exception.Message;

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var (jobId, orgId) = JobMessage.Read(context.Message);
        var options = services.Options;
        var store = services.Store;
        var logger = services.Logger;
        // One identity per delivery, kept across MassTransit's retries of it: a retry re-claims the job, a duplicate
        // delivery of the same command does not.
        var worker = $"{options.WorkerName}/{context.ReceiveContext.GetOrAddPayload(() => new DeliveryToken()).Value}";

        var claimed = await store.ClaimAsync(orgId, jobId, worker, options.LeaseDuration, ClaimWrite, context.CancellationToken);
        if (claimed is null)
        {
            LogSkipped(logger, jobId);
            return;
        }

        var job = claimed.Job;

        using var execution = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        using var stopRenewing = new CancellationTokenSource();
        var lease = new LeaseState();
        var renewal = KeepLeaseAsync(jobId, worker, lease, execution, stopRenewing.Token);
        var progress = new JobProgressReporter(store, jobId, options.ProgressInterval);
        var jobContext = new JobContext<TMessage>(context.Message, job, progress, claimed.ClaimedValue);
        object result;
        try
        {
            result = await ExecuteAsync(jobContext, execution.Token);
        }
        catch (Exception) when (lease.Lost)
        {
            // Another delivery owns the job now; it will finish it.
            LogLeaseLost(logger, jobId);
            return;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // Shutting down: give the job back at once rather than after the lease runs out (else the reaper will).
            try
            {
                await store.ReleaseAsync(jobId, worker, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReleaseFailed(logger, jobId, ex);
            }

            throw;
        }
        catch (Exception ex)
        {
            if (context.GetRetryAttempt() >= options.RetryLimit)
            {
                var reason = DescribeFailure(ex);
                await store.FailAsync(jobId, string.IsNullOrWhiteSpace(reason) ? ex.GetType().Name : reason, CancellationToken.None);
                LogFailed(logger, jobId, context.GetRetryAttempt() + 1, ex);
            }
            else
            {
                LogAttemptFailed(logger, jobId, context.GetRetryAttempt() + 1, ex);
            }

            throw;
        }
        finally
        {
            await progress.DisposeAsync();
            await stopRenewing.CancelAsync();
            await renewal;
        }

        // Only the first completion counts, so a worker that lost its lease may still finish first; nobody finishes twice.
        // One round trip: the result, the last progress, the event, the webhook and the service's own writes.
        await services.Jobs.CompleteClaimedAsync(
            job, result, jobContext.StoredResult, progress.Last, jobContext.CompletionWrites, CancellationToken.None);
    }

    private async Task KeepLeaseAsync(Guid jobId, string worker, LeaseState lease, CancellationTokenSource execution, CancellationToken stop)
    {
        var period = services.Options.LeaseDuration / 3;
        while (true)
        {
            try
            {
                // Stopped is the common end (the job finished first): no exception thrown and caught for it.
                await Task.Delay(period, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                if (!await services.Store.RenewLeaseAsync(jobId, worker, services.Options.LeaseDuration, stop))
                {
                    lease.Lost = true;
                    await execution.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be back before the lease runs out; if not, the reaper hands the job to another worker.
                LogRenewFailed(services.Logger, jobId, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: nothing to do (finished, held by a live worker, or not found)")]
    private static partial void LogSkipped(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: lease lost to another worker; stopped")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: attempt {Attempt} failed; it will be retried")]
    private static partial void LogAttemptFailed(ILogger logger, Guid jobId, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: attempt {Attempt} failed, no retries left; job failed")]
    private static partial void LogFailed(ILogger logger, Guid jobId, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: could not give the lease back while stopping; the reaper will take the job")]
    private static partial void LogReleaseFailed(ILogger logger, Guid jobId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: lease renewal failed")]
    private static partial void LogRenewFailed(ILogger logger, Guid jobId, Exception exception);

    private sealed class LeaseState
    {
        public volatile bool Lost;
    }
}

/// <summary>Identifies one delivery of a message across its in-process retries.</summary>
internal sealed class DeliveryToken
{
    public string Value { get; } = Guid.NewGuid().ToString("N")[..12];
}
