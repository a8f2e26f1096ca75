using System.Reflection;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Data;

/// <summary>Registers an app's PostgreSQL access: one data source bound to its own schema, health and migrations.</summary>
public static class DataExtensions
{
    private static int dapperConfigured;

    /// <summary>
    /// Adds a singleton <see cref="NpgsqlDataSource"/> whose connections see only <paramref name="schema"/> (search
    /// path), a readiness check, and the migrations embedded in <paramref name="migrationsAssemblies"/> under a
    /// <c>Migrations</c> folder, applied at start into that schema in name order.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformData(
        this IHostApplicationBuilder builder, string schema, params Assembly[] migrationsAssemblies)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        ConfigureDapper();

        var config = builder.Configuration;
        builder.Services.AddOptions<DataOptions>()
            .BindConfiguration("Data")
            .PostConfigure(o => o.ConnectionString ??= config.GetConnectionString("Postgres"))
            .ValidateDataAnnotations()
            .Validate(o => IsValidConnectionString(o.ConnectionString), "ConnectionStrings:Postgres is not a valid Npgsql connection string.")
            .ValidateOnStart();

        builder.Services.AddSingleton(sp =>
            CreateDataSource(sp.GetRequiredService<IOptions<DataOptions>>().Value.ConnectionString!, schema));
        builder.Services.AddSingleton(new SchemaMigrations(schema, migrationsAssemblies));
        builder.Services.AddHostedService<MigrationHostedService>();

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "postgres",
            sp => new PostgresHealthCheck(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<SchemaMigrations>()),
            HealthStatus.Unhealthy,
            ["ready"],
            TimeSpan.FromSeconds(5)));

        return builder;
    }

    /// <summary>Statements each connection keeps prepared when the connection string does not say (Max Auto Prepare).</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// A data source for <paramref name="connectionString"/> with <paramref name="schema"/> as search path. Statements
    /// a connection runs twice are prepared on it (up to <see cref="DefaultMaxAutoPrepare"/>), so PostgreSQL stops
    /// parsing and planning the same SQL on every call; <c>Max Auto Prepare=0</c> in the connection string turns that
    /// off (for a pooler in transaction mode older than PgBouncer 1.21, say). Pooled connections are not reset on
    /// return (<c>No Reset On Close</c>) unless the connection string says otherwise.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, string schema)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString)
        {
            SearchPath = schema,
            ApplicationName = schema,
        };
        if (!Sets(connectionString, nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare)))
        {
            csb.MaxAutoPrepare = DefaultMaxAutoPrepare;
            csb.AutoPrepareMinUsages = 2;
        }

        // A connection going back to the pool is not reset (RESET ALL, CLOSE ALL, UNLISTEN *, ... before its next use:
        // some seven statements per checkout, most of the server's work for a short query). The apps keep no session
        // state on pooled connections: no SET, temporary tables or advisory locks, and their LISTEN connections
        // UNLISTEN before going back. An open transaction is still rolled back. No Reset On Close=false restores it.
        if (!Sets(connectionString, nameof(NpgsqlConnectionStringBuilder.NoResetOnClose)))
        {
            csb.NoResetOnClose = true;
        }

        var dataSource = new NpgsqlDataSourceBuilder(csb.ConnectionString);
        dataSource.EnableDynamicJson();
        dataSource.ConfigureTracing(t => t.EnableFirstResponseEvent(false));
        return dataSource.Build();
    }

    /// <summary>Dapper maps <c>snake_case</c> columns to PascalCase members and jsonb to typed values.</summary>
    public static void ConfigureDapper()
    {
        if (Interlocked.Exchange(ref dapperConfigured, 1) == 1)
        {
            return;
        }

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new JsonDocumentHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        SqlMapper.AddTypeHandler(new ArrayHandler<string>());
        SqlMapper.AddTypeHandler(new ArrayHandler<Guid>());
    }

    /// <summary>Whether the connection string itself sets <paramref name="property"/> (written with or without spaces).</summary>
    private static bool Sets(string connectionString, string property)
    {
        // Npgsql's builder reports every known keyword as present; the plain builder holds only what was written.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return written.Keys.Cast<string>().Any(k =>
            string.Equals(k.Replace(" ", string.Empty, StringComparison.Ordinal), property, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsValidConnectionString(string? connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
