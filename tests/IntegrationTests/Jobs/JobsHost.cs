using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Data;
using Platform.Jobs;
using Platform.ServiceDefaults.Messaging;
using Platform.Testing;
using RabbitMQ.Client;

namespace Platform.IntegrationTests.Jobs;

/// <summary>
/// A tiny service wired the way Analyzer and Evaluator wire the job machinery: AddPlatformData with the job
/// migrations, AddJobs with one kind of job, AddMessaging with its consumer (when the role runs consumers), on the
/// jobs test database and the test broker vhost. Each host has its own service name, so its own queues.
/// </summary>
public sealed class JobsHost : IAsyncDisposable
{
    public const string Kind = "test";

    public const string WebhookSecret = "jobs-test-webhook-secret-0123456789abcdef";

    private readonly IHost host;
    private readonly JobsScope scope;
    private bool started;

    private JobsHost(IHost host, JobsScope scope)
    {
        this.host = host;
        this.scope = scope;
        ServiceName = scope.ServiceName;
    }

    public string ServiceName { get; }

    public string Queue => $"{ServiceName}-test-job";

    public IServiceProvider Services => host.Services;

    public IJobStore Store => host.Services.GetRequiredService<IJobStore>();

    /// <summary>Completion events seen on the bus (from every test: filter by job).</summary>
    public IReadOnlyCollection<TestJobCompleted> Events => scope.Events;

    internal static JobsHost Build(JobsScope scope, params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().AddFilter(level => level >= LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Service:Name"] = scope.ServiceName,
            ["ConnectionStrings:Postgres"] = JobsDatabase.ConnectionString,
            ["ConnectionStrings:RabbitMq"] = TestEnvironment.RabbitConnectionString,
            // The scope migrated its schema once; processes start without racing each other on the journal.
            ["Data:MigrateOnStart"] = "false",
            ["Messaging:RetryLimit"] = "5",
            ["Messaging:RetryMinInterval"] = "00:00:00.050",
            ["Messaging:RetryMaxInterval"] = "00:00:00.100",
            ["Jobs:RelayInterval"] = "00:00:00.100",
            ["Jobs:ReaperInterval"] = "00:00:00.250",
            ["Jobs:RetryLimit"] = "2",
            ["Jobs:RetryMinInterval"] = "00:00:00.050",
            ["Jobs:RetryMaxInterval"] = "00:00:00.200",
            ["Jobs:WebhookSecret"] = WebhookSecret,
            ["Jobs:AllowPrivateCallbacks"] = "true",
            ["Jobs:WebhookRetryInterval"] = "00:00:00.200",
            ["Jobs:WebhookPollInterval"] = "00:00:00.100",
            ["Jobs:WebhookTimeout"] = "00:00:05",
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));

        builder.AddPlatformData(scope.Schema, JobsExtensions.MigrationsAssembly);
        builder.AddJobs(jobs => jobs.AddJob<TestJob, TestJobCompleted>(Kind));
        var runsConsumers = builder.GetJobsOptions().RunsConsumers;
        builder.AddMessaging(bus =>
        {
            if (runsConsumers)
            {
                bus.AddJobConsumer<TestJobConsumer>();
            }
        });
        return new JobsHost(builder.Build(), scope);
    }

    public async Task StartAsync()
    {
        await scope.StartRecordingEventsAsync();
        await host.StartAsync();
        started = true;
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60));
    }

    /// <summary>Enqueues a test job in a fresh organisation (or <paramref name="orgId"/>).</summary>
    public Task<Job> EnqueueAsync(TestJobInput input, string? callbackUrl = null, Guid? orgId = null)
    {
        var org = orgId ?? Guid.NewGuid();
        var id = Guid.CreateVersion7();
        return Store.EnqueueAsync(org, Kind, input, new TestJob { JobId = id, OrgId = org }, callbackUrl);
    }

    public async Task<Job> WaitForStatusAsync(Job job, string status, TimeSpan ceiling)
    {
        Job? current = null;
        await Poll.UntilAsync(async () =>
        {
            current = await Store.GetAsync(job.OrgId, job.Id);
            return current?.Status == status;
        }, ceiling, () => $"job {job.Id} to be {status} (it is {current?.Status ?? "missing"}, error: {current?.Error})");
        return current!;
    }

    public async ValueTask DisposeAsync()
    {
        if (started)
        {
            await host.StopAsync();
            await RabbitQueues.DeleteAsync(Queue, $"{Queue}_error", $"{Queue}_skipped");
            await DeleteExchangesAsync(Queue, $"{Queue}_error", $"{Queue}_skipped");
        }

        host.Dispose();
    }

    /// <summary>MassTransit binds each queue to an exchange of the same name: remove those too, run after run.</summary>
    private static async Task DeleteExchangesAsync(params string[] exchanges)
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitConnectionString) };
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var exchange in exchanges)
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.ExchangeDeleteAsync(exchange, ifUnused: false);
        }
    }
}

/// <summary>Polling with a generous ceiling instead of fixed sleeps.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan ceiling, Func<string> waitingFor)
    {
        var deadline = DateTime.UtcNow + ceiling;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Waited {ceiling.TotalSeconds:0} s for {waitingFor()}.");
            }

            await Task.Delay(100);
        }
    }
}
