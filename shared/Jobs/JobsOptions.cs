using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Platform.Jobs;

/// <summary>What one process of a job-running service does: serve the API, run the consumers, or both.</summary>
public enum JobsRole
{
    /// <summary>API and consumers in one process (the default).</summary>
    All,

    /// <summary>Only the API (enqueues jobs; the relay, reaper and webhook sender still run).</summary>
    Api,

    /// <summary>Only the consumers (<c>--role worker</c>): scale these out as competing consumers.</summary>
    Worker,
}

/// <summary>The job machinery's settings, from the <c>Jobs</c> section and the top-level <c>role</c> key.</summary>
public sealed class JobsOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Jobs";

    /// <summary>Top-level configuration key of the role (<c>--role worker</c> on the command line).</summary>
    public const string RoleKey = "role";

    /// <summary>What this process runs; from <c>role</c> (or <c>Jobs:Role</c>): <c>all</c>, <c>api</c> or <c>worker</c>.</summary>
    public JobsRole Role { get; set; } = JobsRole.All;

    /// <summary>True when this process should register the job consumers (roles <c>all</c> and <c>worker</c>).</summary>
    public bool RunsConsumers => Role is JobsRole.All or JobsRole.Worker;

    /// <summary>True when this process should map the HTTP API (roles <c>all</c> and <c>api</c>).</summary>
    public bool RunsApi => Role is JobsRole.All or JobsRole.Api;

    /// <summary>How long a claimed job belongs to its worker without renewal; renewed every third of it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Deliveries of one job (first run plus re-runs after a worker died) before the reaper fails it.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How often the relay looks for unsent outbox rows when nothing in this process woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Outbox rows relayed per transaction.</summary>
    [Range(1, 10_000)]
    public int RelayBatchSize { get; set; } = 100;

    /// <summary>How long sent outbox rows are kept before the relay deletes them.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// A job still queued this long after its command left the outbox has its command sent again (the message went to
    /// the error queue while the database was down, say). Duplicates are harmless: the first claim wins.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the reaper looks for running jobs whose lease expired.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Progress reports of a running job are written at most this often (the last one always, with the completion):
    /// a job of a few milliseconds writes none, a job of minutes shows progress at most this late. Zero writes each one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages one process consumes at once per job consumer (also its RabbitMQ prefetch).</summary>
    [Range(1, 1000)]
    public int ConsumerConcurrency { get; set; } = 8;

    /// <summary>In-process retries of a failing job before it is failed and its message moved to the error queue.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 3;

    /// <summary>First retry delay; later ones grow exponentially up to <see cref="RetryMaxInterval"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest retry delay.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// HMAC-SHA256 key for the <c>X-Signature</c> of webhook calls (at least 32 characters), from configuration or
    /// environment. Required as soon as a job is submitted with a <c>callback_url</c>.
    /// </summary>
    [MinLength(32, ErrorMessage = "Jobs:WebhookSecret must be at least 32 characters.")]
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// Lets callbacks reach loopback, private, shared and link-local addresses (tests, closed networks). Cloud
    /// metadata, unspecified, multicast and reserved addresses stay refused regardless.
    /// </summary>
    public bool AllowPrivateCallbacks { get; set; }

    /// <summary>Deliveries of one webhook before it is given up.</summary>
    [Range(1, 50)]
    public int WebhookMaxAttempts { get; set; } = 8;

    /// <summary>Delay after the first failed delivery; it doubles each time up to <see cref="WebhookRetryMaxInterval"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan WebhookRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest delay between two deliveries of one webhook.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "7.00:00:00")]
    public TimeSpan WebhookRetryMaxInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Time allowed for one webhook call, connection included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the webhook sender looks for due deliveries when nothing in this process woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan WebhookPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>This process's name in <c>jobs.worker</c>; defaults to <c>host:pid</c>.</summary>
    public string WorkerName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// The options as configuration gives them, for decisions taken while the app is being built (which consumers to
    /// register, which endpoints to map): <c>Jobs</c> bound, then the top-level <c>role</c>.
    /// </summary>
    public static JobsOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new JobsOptions();
        Bind(configuration, options);
        return options;
    }

    internal const JobsRole InvalidRole = (JobsRole)(-1);

    internal static void Bind(IConfiguration configuration, JobsOptions options)
    {
        configuration.GetSection(Section).Bind(options);
        ApplyOverrides(configuration, options);
    }

    /// <summary>
    /// The top-level <c>role</c> (<c>--role worker</c>) wins over <c>Jobs:Role</c>. It is parsed by hand so that a bad
    /// value fails validation with the accepted values instead of throwing from the binder. An empty secret (an
    /// environment variable set to nothing) counts as none.
    /// </summary>
    internal static void ApplyOverrides(IConfiguration configuration, JobsOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.WebhookSecret))
        {
            options.WebhookSecret = null;
        }

        var role = configuration[RoleKey];
        if (role is not null)
        {
            options.Role = !int.TryParse(role, out _) && Enum.TryParse<JobsRole>(role, ignoreCase: true, out var parsed)
                           && Enum.IsDefined(parsed)
                ? parsed
                : InvalidRole;
        }
    }
}
