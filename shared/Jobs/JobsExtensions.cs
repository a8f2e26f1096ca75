using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data;
using Platform.Jobs.Webhooks;

namespace Platform.Jobs;

/// <summary>Registers the job machinery of a service (Analyzer, Evaluator).</summary>
public static class JobsExtensions
{
    /// <summary>The assembly whose <c>Migrations/*.sql</c> create the job tables: pass it to <c>AddPlatformData</c>.</summary>
    public static Assembly MigrationsAssembly => typeof(JobStore).Assembly;

    /// <summary>
    /// Adds <see cref="JobsOptions"/> (section <c>Jobs</c> and the top-level <c>role</c>, validated at start), the
    /// <see cref="IJobStore"/>, and in every role the <see cref="OutboxRelay"/>, <see cref="LeaseReaper"/> and
    /// <see cref="WebhookSender"/>. Call it after <c>AddPlatformData(schema, ..., JobsExtensions.MigrationsAssembly)</c>,
    /// and register the consumers in <c>AddMessaging</c> with <see cref="AddJobConsumer{TConsumer}"/> when
    /// <see cref="JobsOptions.RunsConsumers"/>.
    /// </summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder, Action<JobsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(JobRegistry)))
        {
            throw new InvalidOperationException("AddJobs is called once per app, with every kind of job in it.");
        }

        var migrations = services.LastOrDefault(d => d.ServiceType == typeof(SchemaMigrations))?.ImplementationInstance as SchemaMigrations;
        var ours = MigrationsAssembly.GetManifestResourceNames();
        if (migrations is null || !migrations.ScriptNames.Any(ours.Contains))
        {
            throw new InvalidOperationException(
                "Call builder.AddPlatformData(schema, <the app's assembly>, JobsExtensions.MigrationsAssembly) before AddJobs: the job tables live in the app's schema.");
        }

        var jobs = new JobsBuilder(ServiceDefaults.Extensions.ServiceName(builder));
        configure(jobs);
        services.AddSingleton(jobs.Build());

        services.AddOptions<JobsOptions>()
            .BindConfiguration(JobsOptions.Section)
            .Configure<IConfiguration>((options, configuration) => JobsOptions.ApplyOverrides(configuration, options))
            .ValidateDataAnnotations()
            .Validate(o => Enum.IsDefined(o.Role), "role (--role, or Jobs:Role) must be all, api or worker.")
            .Validate(o => o.RetryMinInterval <= o.RetryMaxInterval, "Jobs:RetryMinInterval must not exceed Jobs:RetryMaxInterval.")
            .Validate(o => o.WebhookRetryInterval <= o.WebhookRetryMaxInterval, "Jobs:WebhookRetryInterval must not exceed Jobs:WebhookRetryMaxInterval.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.WorkerName), "Jobs:WorkerName must not be empty.")
            .ValidateOnStart();

        services.AddMetrics();
        services.TryAddSingleton<JobsSignals>();
        services.TryAddSingleton<JobsMetrics>();
        services.AddSingleton(sp => new JobStore(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<JobRegistry>(), sp.GetRequiredService<IOptions<JobsOptions>>(),
            sp.GetRequiredService<JobsSignals>(), sp.GetRequiredService<JobsMetrics>()));
        services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<JobStore>());
        services.AddSingleton(sp => new JobServices(
            sp.GetRequiredService<JobStore>(), sp.GetRequiredService<IOptions<JobsOptions>>(), sp.GetRequiredService<ILoggerFactory>()));

        services.AddHostedService(sp => new OutboxRelay(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<SchemaMigrations>(), sp.GetRequiredService<IBus>(),
            sp.GetRequiredService<JobRegistry>(), sp.GetRequiredService<IOptions<JobsOptions>>(), sp.GetRequiredService<JobsSignals>(),
            sp.GetRequiredService<JobsMetrics>(), sp.GetRequiredService<ILogger<OutboxRelay>>(),
            sp.GetRequiredService<IHostApplicationLifetime>()));
        services.AddHostedService(sp => new LeaseReaper(
            sp.GetRequiredService<JobStore>(), sp.GetRequiredService<SchemaMigrations>(), sp.GetRequiredService<IOptions<JobsOptions>>(),
            sp.GetRequiredService<ILogger<LeaseReaper>>()));
        services.AddHostedService(sp => new WebhookSender(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<SchemaMigrations>(), sp.GetRequiredService<IOptions<JobsOptions>>(),
            sp.GetRequiredService<JobsSignals>(), sp.GetRequiredService<JobsMetrics>(), sp.GetRequiredService<ILogger<WebhookSender>>()));
        return builder;
    }

    /// <summary>
    /// Registers a <see cref="JobConsumer{TMessage}"/> with its <see cref="JobConsumerDefinition{TConsumer}"/> (queue,
    /// concurrency, retry). Call it inside <c>AddMessaging(bus => ...)</c>, only when <see cref="JobsOptions.RunsConsumers"/>.
    /// </summary>
    public static IConsumerRegistrationConfigurator<TConsumer> AddJobConsumer<TConsumer>(this IBusRegistrationConfigurator bus)
        where TConsumer : class, IConsumer
    {
        ArgumentNullException.ThrowIfNull(bus);
        _ = JobConsumerDefinition<TConsumer>.MessageTypeOf(typeof(TConsumer));
        return bus.AddConsumer<TConsumer, JobConsumerDefinition<TConsumer>>();
    }

    /// <summary>As <see cref="AddJobConsumer{TConsumer}"/>, with a definition derived from <see cref="JobConsumerDefinition{TConsumer}"/>.</summary>
    public static IConsumerRegistrationConfigurator<TConsumer> AddJobConsumer<TConsumer, TDefinition>(this IBusRegistrationConfigurator bus)
        where TConsumer : class, IConsumer
        where TDefinition : JobConsumerDefinition<TConsumer>
    {
        ArgumentNullException.ThrowIfNull(bus);
        _ = JobConsumerDefinition<TConsumer>.MessageTypeOf(typeof(TConsumer));
        return bus.AddConsumer<TConsumer, TDefinition>();
    }

    /// <summary>The role and settings as configured, for decisions while building the app (see <see cref="JobsOptions.FromConfiguration"/>).</summary>
    public static JobsOptions GetJobsOptions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return JobsOptions.FromConfiguration(builder.Configuration);
    }

    /// <summary>Background services start once this process has migrated the schema (or another job has).</summary>
    internal static async Task WaitForSchemaAsync(SchemaMigrations migrations, CancellationToken cancellationToken)
    {
        while (!migrations.Completed)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
