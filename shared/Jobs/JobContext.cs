using System.Text.Json;
using Platform.Data;

namespace Platform.Jobs;

/// <summary>What a <see cref="JobConsumer{TMessage}"/> works with: the message, the job and its input, and progress.</summary>
public sealed class JobContext<TMessage>
    where TMessage : class
{
    private readonly IJobStore store;

    internal JobContext(TMessage message, Job job, IJobStore store)
    {
        Message = message;
        Job = job;
        this.store = store;
    }

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

    /// <summary>The submitted input, deserialised (snake_case, as it was stored).</summary>
    public TInput GetInput<TInput>() =>
        Job.Input.Deserialize<TInput>(Jsonb.Options)
        ?? throw new InvalidOperationException($"Job {Job.Id} has no input of type {typeof(TInput).Name}.");

    /// <summary>Records that <paramref name="done"/> of <paramref name="total"/> steps are done (shown by <c>GET /jobs/{id}</c>).</summary>
    public Task ReportProgressAsync(int done, int total, CancellationToken cancellationToken = default) =>
        store.ReportProgressAsync(Job.Id, done, total, cancellationToken);
}
