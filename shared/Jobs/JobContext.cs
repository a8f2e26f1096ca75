using System.Text.Json;
using Platform.Data;

namespace Platform.Jobs;

/// <summary>What a <see cref="JobConsumer{TMessage}"/> works with: the message, the job and its input, and progress.</summary>
public sealed class JobContext<TMessage>
    where TMessage : class
{
    private readonly JobProgressReporter progress;
    private readonly List<JobWrite> completionWrites = [];

    internal JobContext(TMessage message, Job job, JobProgressReporter progress, string? claimedValue = null)
    {
        Message = message;
        Job = job;
        this.progress = progress;
        ClaimedValue = claimedValue;
    }

    /// <summary>
    /// What the consumer's <see cref="JobConsumer{TMessage}.ClaimWrite"/> returned with the claim (its
    /// <c>claimed_value</c>), or null when it has none or wrote nothing.
    /// </summary>
    public string? ClaimedValue { get; }

    /// <summary>The command that was delivered.</summary>
    public TMessage Message { get; }

    /// <summary>The job as claimed (status <c>running</c>).</summary>
    public Job Job { get; }

    /// <summary>The job id.</summary>
    public Guid JobId => Job.Id;

    /// <summary>The organisation the job belongs to; scope everything the job reads and writes to it.</summary>
    public Guid OrgId => Job.OrgId;

    /// <summary>Deliveries that started this job so far, this one included (2 or more after a worker died).</summary>
    public int Attempt => Job.Attempts;

    /// <summary>The submitted input as JSON.</summary>
    public JsonElement Input => Job.Input;

    /// <summary>Statements added with <see cref="WriteOnCompletion"/>.</summary>
    internal IReadOnlyList<JobWrite> CompletionWrites => completionWrites;

    /// <summary>What the job row keeps instead of the result (<see cref="StoreResultAs"/>), or null.</summary>
    internal object? StoredResult { get; private set; }

    /// <summary>The submitted input, deserialised (snake_case, as it was stored).</summary>
    public TInput GetInput<TInput>() =>
        Job.Input.Deserialize<TInput>(Jsonb.Options)
        ?? throw new InvalidOperationException($"Job {Job.Id} has no input of type {typeof(TInput).Name}.");

    /// <summary>
    /// Records that <paramref name="done"/> of <paramref name="total"/> steps are done (shown by <c>GET /jobs/{id}</c>).
    /// Reports are batched: one is written at most every <see cref="JobsOptions.ProgressInterval"/> (a report held back
    /// is written when the interval ends), and the last one is written with the job's completion, so a job that runs
    /// in milliseconds costs no progress writes at all.
    /// </summary>
    public Task ReportProgressAsync(int done, int total, CancellationToken cancellationToken = default) =>
        progress.ReportAsync(done, total, cancellationToken);

    /// <summary>
    /// Adds a statement of the service's own (an <c>UPDATE</c>, <c>INSERT</c> or <c>DELETE</c>, no trailing semicolon)
    /// to the job's completion, so that the service's record of the result (its session, say) is committed together
    /// with the job's result, its completion event and webhook, in one database round trip. It runs as a
    /// data-modifying CTE beside <c>job_finished</c>, the job row this completion finished: the statement must refer to
    /// it (e.g. <c>... WHERE id = @SessionId AND EXISTS (SELECT 1 FROM job_finished)</c>) so that a completion that
    /// comes second (the job had already finished) changes nothing. Parameters are <paramref name="parameters"/>'
    /// properties; names starting with <c>job_</c> are reserved. Added writes are dropped if the job fails.
    /// </summary>
    public void WriteOnCompletion(string sql, object? parameters = null) =>
        completionWrites.Add(JobWrite.Create(sql, parameters, "job_finished", nameof(sql)));

    /// <summary>
    /// Keeps <paramref name="stored"/> in the job row instead of the result <c>ExecuteAsync</c> returns, for a service
    /// that stores the result itself (with <see cref="WriteOnCompletion"/>, in the same statement): a reference to it
    /// (<c>{ session_id }</c>), so that a large result is not written twice. The completion event and the webhook are
    /// still built from the whole result; <c>GET /jobs/{id}</c> reads the job row, so the service's API puts the rest
    /// back into the <see cref="JobView"/> it answers.
    /// </summary>
    public void StoreResultAs(object stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        StoredResult = stored;
    }

    /// <summary>
    /// As <see cref="WriteOnCompletion"/>, for a fact about this run that holds whether or not its completion is the one
    /// that finishes the job (the tokens a model call used, say): the statement need not refer to <c>job_finished</c>
    /// and is written even when another delivery finished the job first. Dropped, like the others, if the job fails
    /// (record such facts yourself on that path).
    /// </summary>
    public void RecordOnCompletion(string sql, object? parameters = null) =>
        completionWrites.Add(JobWrite.Create(sql, parameters, null, nameof(sql)));
}

/// <summary>
/// The progress of one running job: reports are written at most every interval (the first one an interval after the
/// claim, later ones an interval after the previous write); one held back is written when its interval ends, unless
/// the job completes first and writes it itself.
/// </summary>
internal sealed class JobProgressReporter : IAsyncDisposable
{
    private readonly IJobStore store;
    private readonly Guid jobId;
    private readonly TimeSpan interval;
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private long lastWrite;
    private (int Done, int Total)? pending;
    private Task flush = Task.CompletedTask;
    private bool disposed;

    public JobProgressReporter(IJobStore store, Guid jobId, TimeSpan interval)
    {
        this.store = store;
        this.jobId = jobId;
        this.interval = interval;
        lastWrite = Environment.TickCount64;
    }

    /// <summary>The last progress reported, written or not (null when none was).</summary>
    public (int Done, int Total)? Last { get; private set; }

    public Task ReportAsync(int done, int total, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        ArgumentOutOfRangeException.ThrowIfLessThan(total, done);
        lock (gate)
        {
            Last = (done, total);
            if (disposed)
            {
                return Task.CompletedTask;
            }

            var due = lastWrite + (long)interval.TotalMilliseconds - Environment.TickCount64;
            if (due > 0)
            {
                // Held back; written when the interval ends (by one flush per interval), or with the completion.
                if (pending is null)
                {
                    flush = Task.WhenAll(flush, FlushLaterAsync(TimeSpan.FromMilliseconds(due)));
                }

                pending = (done, total);
                return Task.CompletedTask;
            }

            pending = null;
            lastWrite = Environment.TickCount64;
        }

        return store.ReportProgressAsync(jobId, done, total, cancellationToken);
    }

    /// <summary>Stops writing: what is still held back is the completion's to write.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            disposed = true;
            pending = null;
        }

        await stop.CancelAsync();
        await flush;
        stop.Dispose();
    }

    private async Task FlushLaterAsync(TimeSpan delay)
    {
        try
        {
            // Cancelled is the common end (the job finished first): no exception thrown and caught for it.
            await Task.Delay(delay, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            (int Done, int Total) report;
            lock (gate)
            {
                if (pending is not { } held || disposed)
                {
                    return;
                }

                report = held;
                pending = null;
                lastWrite = Environment.TickCount64;
            }

            await store.ReportProgressAsync(jobId, report.Done, report.Total, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Completed (or stopping) first.
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            // Progress is advisory; the completion writes the final figures.
        }
    }
}
