using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Jobs;

/// <summary>What every <see cref="JobConsumer{TMessage}"/> needs, as one constructor parameter for subclasses.</summary>
public sealed class JobServices
{
    internal JobServices(JobStore store, IOptions<JobsOptions> options, ILoggerFactory loggers)
    {
        Store = store;
        Jobs = store;
        Options = options.Value;
        Logger = loggers.CreateLogger("Platform.Jobs.JobConsumer");
    }

    /// <summary>The job store.</summary>
    public IJobStore Store { get; }

    /// <summary>The job settings.</summary>
    public JobsOptions Options { get; }

    internal ILogger Logger { get; }

    internal JobStore Jobs { get; }
}
