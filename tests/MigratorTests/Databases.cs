using MySqlConnector;
using Npgsql;
using Platform.Testing;

namespace Platform.MigratorTests;

/// <summary>A legacy database of its own on the local MariaDB (deploy/local/mariadb.sh), with the fixture schema.</summary>
public sealed class LegacyDatabase : IAsyncDisposable
{
    private LegacyDatabase(string name) => Name = name;

    public string Name { get; }

    public static int Port => int.TryParse(Environment.GetEnvironmentVariable("MARIADB_PORT"), out var p) ? p : 53306;

    public string ConnectionString => new MySqlConnectionStringBuilder
    {
        Server = "127.0.0.1",
        Port = (uint)Port,
        UserID = TestEnvironment.Secret("MARIADB_USER"),
        Password = TestEnvironment.Secret("MARIADB_PASSWORD"),
        Database = Name,
        AllowZeroDateTime = true,
        GuidFormat = MySqlGuidFormat.None,
    }.ConnectionString;

    public static async Task<LegacyDatabase> CreateAsync()
    {
        var db = new LegacyDatabase("legacy_test_" + Guid.NewGuid().ToString("N")[..12]);
        await using (var server = new MySqlConnection(new MySqlConnectionStringBuilder(db.ConnectionString) { Database = "" }.ConnectionString))
        {
            await server.OpenAsync();
            await using var create = new MySqlCommand($"CREATE DATABASE `{db.Name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", server);
            await create.ExecuteNonQueryAsync();
        }

        var schema = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "tests", "Fixtures", "legacy", "schema.sql"));
        await db.ExecAsync(schema);
        return db;
    }

    /// <summary>Runs SQL with parameters; the session allows zero dates, as the legacy app's did.</summary>
    public async Task<long> ExecAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var conn = new MySqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using (var mode = new MySqlCommand("SET SESSION sql_mode = '', time_zone = '+00:00'", conn))
        {
            await mode.ExecuteNonQueryAsync();
        }

        await using var cmd = new MySqlCommand(sql, conn);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await cmd.ExecuteNonQueryAsync();
        return cmd.LastInsertedId;
    }

    public async ValueTask DisposeAsync()
    {
        await using var server = new MySqlConnection(new MySqlConnectionStringBuilder(ConnectionString) { Database = "" }.ConnectionString);
        await server.OpenAsync();
        await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{Name}`", server);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>A PostgreSQL database of its own with the production layout (schemas and roles); the migrator fills it.</summary>
public sealed class TargetDatabase : IAsyncDisposable
{
    private TargetDatabase(string name) => Name = name;

    public string Name { get; }

    private bool owned = true;

    public string ConnectionString => TestEnvironment.PostgresConnectionString("postgres", Name);

    /// <summary>A database someone else made and drops (the fleet's).</summary>
    public static TargetDatabase Existing(string name) => new(name) { owned = false };

    public static async Task<TargetDatabase> CreateAsync()
    {
        // not the platform_test_ prefix: the fleet drops idle databases with that prefix
        var db = new TargetDatabase("migrator_test_" + Guid.NewGuid().ToString("N")[..12]);
        await using (var server = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres", "postgres")))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{db.Name}\" ENCODING 'UTF8'", server);
            await create.ExecuteNonQueryAsync();
        }

        await using var conn = new NpgsqlConnection(db.ConnectionString);
        await conn.OpenAsync();
        var layout = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "deploy", "sql", "schemas.sql"));
        await using var apply = new NpgsqlCommand(layout, conn);
        await apply.ExecuteNonQueryAsync();
        return db;
    }

    public async Task ExecAsync(string sql, params (string Name, object Value)[] parameters) => await ScalarAsync<object?>(sql, parameters);

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!owned)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres", "postgres"));
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }
}
