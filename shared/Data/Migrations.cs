using System.Reflection;
using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Data;

/// <summary>
/// An owner's numbered SQL scripts (embedded resources under <c>Migrations/</c>, applied in name order) and the
/// journal table inside the owner's schema that records which ran. Shared libraries that keep tables in their
/// user's schema (the job machinery, say) add their own assembly's scripts to the owner's.
/// </summary>
public sealed class SchemaMigrations(string schema, IReadOnlyList<Assembly> assemblies)
{
    /// <summary>The scripts of one assembly.</summary>
    public SchemaMigrations(string schema, Assembly assembly)
        : this(schema, [assembly])
    {
    }

    private volatile bool completed;

    /// <summary>The owner's schema.</summary>
    public string Schema { get; } = schema;

    /// <summary>True once every script has been applied in this process (or migrating was left to another job).</summary>
    public bool Completed => completed;

    /// <summary>Records that another job migrates this schema, so readiness need not wait for it here.</summary>
    public void MarkManagedElsewhere() => completed = true;

    /// <summary>Names of the embedded scripts, in the order they apply.</summary>
    public IReadOnlyList<string> ScriptNames =>
        [.. assemblies.SelectMany(a => a.GetManifestResourceNames()).Where(IsMigration).Order(StringComparer.Ordinal)];

    /// <summary>Applies every script not yet in the journal, each in its own transaction.</summary>
    public IReadOnlyList<string> Apply(string connectionString, ILogger logger)
    {
        // The search path goes in as a server option, not Npgsql's SearchPath, which DbUp would take as a schema to create.
        var csb = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = null, Options = $"-c search_path={Schema}" };
        // No schema named to DbUp: it would run CREATE SCHEMA, which needs rights on the database that an owner's
        // role does not have. The schema exists already (deploy/sql/schemas.sql); the search path puts the scripts
        // and the unqualified journal table inside it.
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(csb.ConnectionString)
            .WithScriptsEmbeddedInAssemblies([.. assemblies], IsMigration)
            .JournalToPostgresqlTable(null, "schemaversions")
            .WithTransactionPerScript()
            .LogTo(new DbUpLogger(logger))
            .Build();

        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"Migration {result.ErrorScript?.Name ?? "?"} failed for schema {Schema}.", result.Error);
        }

        completed = true;
        return [.. result.Scripts.Select(s => s.Name)];
    }

    private static bool IsMigration(string resourceName) =>
        resourceName.Contains(".Migrations.", StringComparison.Ordinal)
        && resourceName.EndsWith(".sql", StringComparison.OrdinalIgnoreCase);

    private sealed class DbUpLogger(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);

        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);

        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);

        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);

        public void LogError(string format, params object[] args) => logger.LogError(format, args);

        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}

/// <summary>Applies the app's migrations before it serves, retrying while PostgreSQL is still coming up.</summary>
internal sealed partial class MigrationHostedService(
    SchemaMigrations migrations, IOptions<DataOptions> options, ILogger<MigrationHostedService> logger) : IHostedService
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            migrations.MarkManagedElsewhere();
            return;
        }

        var deadline = DateTime.UtcNow + GiveUpAfter;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var applied = migrations.Apply(options.Value.ConnectionString!, logger);
                LogApplied(logger, migrations.Schema, applied.Count);
                return;
            }
            catch (InvalidOperationException ex) when (ex.InnerException is NpgsqlException { IsTransient: true } && DateTime.UtcNow < deadline)
            {
                LogRetry(logger, migrations.Schema, attempt, ex.InnerException.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema {Schema}: {Count} migration(s) applied")]
    private static partial void LogApplied(ILogger logger, string schema, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema {Schema}: database not reachable (attempt {Attempt}): {Reason}")]
    private static partial void LogRetry(ILogger logger, string schema, int attempt, string reason);
}

/// <summary>Ready when the schema is migrated and PostgreSQL answers.</summary>
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource, SchemaMigrations migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!migrations.Completed)
        {
            return HealthCheckResult.Unhealthy($"Migrations of schema {migrations.Schema} have not been applied yet.");
        }

        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable.");
        }
    }
}
