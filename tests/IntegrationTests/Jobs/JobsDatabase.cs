using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Data;
using Platform.Jobs;
using Platform.Testing;

namespace Platform.IntegrationTests.Jobs;

/// <summary>
/// A database of the job tests' own (the fleet's Analyzer migrates schema <c>analyzer</c> of the shared test database
/// and may ship these tables too), with the production layout, dropped at the end.
/// </summary>
[SetUpFixture]
public sealed class JobsDatabase
{
    /// <summary>The role the tests' services connect as, like the Analyzer.</summary>
    public const string Role = "analyzer";

    public static string Name { get; } = $"jobs_test_{Guid.NewGuid():N}"[..24];

    public static string ConnectionString => TestEnvironment.PostgresConnectionString(Role, Name);

    [OneTimeSetUp]
    public async Task CreateAsync()
    {
        await using (var server = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres", "postgres")))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Name} ENCODING 'UTF8'", server);
            await create.ExecuteNonQueryAsync();
        }

        var layout = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "deploy", "sql", "schemas.sql"));
        await using var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres", Name));
        await db.OpenAsync();
        await using var apply = new NpgsqlCommand(layout, db);
        await apply.ExecuteNonQueryAsync();
    }

    [OneTimeTearDown]
    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres", "postgres"));
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// One test's service: its own schema (owned by the service role and migrated with the job scripts, as the Analyzer's
/// would be) and its own service name, so its outbox, reaper and queues see nothing of the tests running beside it.
/// Every <see cref="JobsHost"/> of a scope is one process of the same service.
/// </summary>
public sealed class JobsScope : IAsyncDisposable
{
    private JobsScope(string name)
    {
        Schema = name;
        ServiceName = name.Replace('_', '-');
        DataSource = DataExtensions.CreateDataSource(JobsDatabase.ConnectionString, Schema);
    }

    public string Schema { get; }

    public string ServiceName { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Completion events on the bus (of every test: filter by job), recorded from before the first host started.</summary>
    public IReadOnlyCollection<TestJobCompleted> Events =>
        recorder.IsValueCreated && recorder.Value.IsCompletedSuccessfully ? recorder.Value.Result.Received : [];

    private readonly Lazy<Task<EventRecorder<TestJobCompleted>>> recorder = new(EventRecorder<TestJobCompleted>.StartAsync);

    public static async Task<JobsScope> CreateAsync()
    {
        var scope = new JobsScope($"jobtest_{Guid.NewGuid():N}"[..16]);
        await using (var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres", JobsDatabase.Name)))
        {
            await db.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {scope.Schema} AUTHORIZATION {JobsDatabase.Role}", db);
            await create.ExecuteNonQueryAsync();
        }

        var applied = new SchemaMigrations(scope.Schema, JobsExtensions.MigrationsAssembly).Apply(JobsDatabase.ConnectionString, NullLogger.Instance);
        Assert.That(applied, Is.Not.Empty, "the job scripts ran in the schema");
        return scope;
    }

    /// <summary>A process of this service, built but not started (nothing relays, nothing consumes).</summary>
    public JobsHost Build(params (string Key, string? Value)[] settings) => JobsHost.Build(this, settings);

    /// <summary>A started process of this service.</summary>
    public async Task<JobsHost> StartAsync(params (string Key, string? Value)[] settings)
    {
        var host = Build(settings);
        await host.StartAsync();
        return host;
    }

    internal Task StartRecordingEventsAsync() => recorder.Value;

    public async ValueTask DisposeAsync()
    {
        if (recorder.IsValueCreated)
        {
            await (await recorder.Value).DisposeAsync();
        }

        await DataSource.DisposeAsync();
    }
}
