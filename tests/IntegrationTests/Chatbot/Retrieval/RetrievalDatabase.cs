using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Chatbot.Retrieval;
using Platform.Data;
using Platform.Testing;

namespace Platform.IntegrationTests.Chatbot.Retrieval;

/// <summary>
/// A database of the retrieval tests' own, with the production layout and the Chatbot's migrations in schema
/// <c>chatbot</c>, dropped at the end. Its own database also keeps its change notifications away from the fleet's.
/// </summary>
[SetUpFixture]
public sealed class RetrievalDatabase
{
    public const string Role = "chatbot";

    public static string Name { get; } = $"retrieval_test_{Guid.NewGuid():N}"[..29];

    public static string ConnectionString => TestEnvironment.PostgresConnectionString(Role, Name);

    private static readonly List<NpgsqlDataSource> DataSources = [];

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
        await using (var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres", Name)))
        {
            await db.OpenAsync();
            await using var apply = new NpgsqlCommand(layout, db);
            await apply.ExecuteNonQueryAsync();
        }

        var applied = new SchemaMigrations(Role, typeof(LocalVectorStore).Assembly).Apply(ConnectionString, NullLogger.Instance);
        Assert.That(applied, Has.Some.EndsWith("0003_create_vectors.sql"));
    }

    [OneTimeTearDown]
    public async Task DropAsync()
    {
        foreach (var dataSource in DataSources)
        {
            await dataSource.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres", "postgres"));
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>A data source on the chatbot schema, as the app's.</summary>
    public static NpgsqlDataSource DataSource()
    {
        var dataSource = DataExtensions.CreateDataSource(ConnectionString, Role);
        lock (DataSources)
        {
            DataSources.Add(dataSource);
        }

        return dataSource;
    }

    /// <summary>A store as one Chatbot instance holds it (its own data source), not yet listening.</summary>
    public static LocalVectorStore Store(VectorStoreOptions? options = null) =>
        new(DataSource(), Options.Create(options ?? new VectorStoreOptions()), NullLogger<LocalVectorStore>.Instance);
}
