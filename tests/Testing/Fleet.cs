using Npgsql;

namespace Platform.Testing;

/// <summary>
/// The whole fleet, started once for the test run as real processes against the real PostgreSQL and RabbitMQ:
/// a fresh test database (schemas and roles as in production), then every app on its own test port.
/// </summary>
public static class Fleet
{
    public static readonly IReadOnlyList<(string Name, string Project)> Services =
    [
        ("admin", "services/Admin/Admin.csproj"),
        ("analyzer", "services/Analyzer/Analyzer.csproj"),
        ("chatbot", "services/Chatbot/Chatbot.csproj"),
        ("evaluator", "services/Evaluator/Evaluator.csproj"),
    ];

    private static readonly Dictionary<string, AppProcess> Apps = new(StringComparer.Ordinal);

    public static AppProcess Gateway => App("gateway");

    public static IEnumerable<string> AppNames => Apps.Keys;

    public static AppProcess App(string name) =>
        Apps.TryGetValue(name, out var app) ? app : throw new InvalidOperationException($"{name} is not running.");

    public static async Task StartAsync()
    {
        await ResetDatabaseAsync();

        foreach (var (name, project) in Services)
        {
            var env = CommonEnvironment(name);
            if (Apps.TryGetValue("admin", out var admin))
            {
                env["Prompts__AdminAddress"] = admin.BaseAddress.ToString();
            }

            Apps[name] = AppProcess.Start(name, project, FreePort.Next(), env);
        }

        // The gateway probes its destinations from the start: start it once they answer, or it marks them down.
        await Task.WhenAll(Apps.Values.Select(a => a.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
        var gatewayEnv = CommonEnvironment("gateway");
        foreach (var (name, _) in Services)
        {
            gatewayEnv[$"ReverseProxy__Clusters__{name}__Destinations__primary__Address"] = Apps[name].BaseAddress.ToString();
        }

        gatewayEnv["Auth__AdminAddress"] = Apps["admin"].BaseAddress.ToString();
        // Every test shares 127.0.0.1: the failed-attempt throttle is tested on a gateway of its own.
        gatewayEnv["Auth__FailuresPerMinutePerClient"] = "100000";
        Apps["gateway"] = AppProcess.Start("gateway", "gateway/Gateway.csproj", FreePort.Next(), gatewayEnv);

        await Task.WhenAll(Apps.Values.Select(a => a.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
    }

    public static async Task StopAsync()
    {
        foreach (var app in Apps.Values)
        {
            await app.DisposeAsync();
        }

        Apps.Clear();
        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres", "postgres"));
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{TestEnvironment.Database}\" WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
        await RabbitVirtualHosts.DeleteAsync(TestEnvironment.RabbitVirtualHost);
    }

    /// <summary>Configuration every app gets: its own role on the test database, the test broker vhost, secrets.</summary>
    public static Dictionary<string, string> CommonEnvironment(string role) => new(StringComparer.Ordinal)
    {
        ["ConnectionStrings__Postgres"] = TestEnvironment.PostgresConnectionString(role),
        ["ConnectionStrings__RabbitMq"] = TestEnvironment.RabbitConnectionString,
        ["ConnectionStrings__Redis"] = $"127.0.0.1:{TestEnvironment.RedisPort}",
        ["Identity__SigningSecret"] = TestEnvironment.Secret("Identity__SigningSecret"),
        ["ApiKeys__Pepper"] = TestEnvironment.Secret("ApiKeys__Pepper"),
        ["Jobs__WebhookSecret"] = TestEnvironment.Secret("Jobs__WebhookSecret"),
        // Tests receive webhooks on loopback.
        ["Jobs__AllowPrivateCallbacks"] = "true",
    };

    /// <summary>Test databases of earlier runs that ended without cleaning up (their process is gone, nobody is connected).</summary>
    private static async Task DropAbandonedTestDatabasesAsync(NpgsqlConnection server)
    {
        var names = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT datname FROM pg_database d WHERE datname LIKE @prefix AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)", server))
        {
            list.Parameters.AddWithValue("prefix", TestEnvironment.DatabasePrefix + "%");
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(0);
                if (TestEnvironment.IsAbandoned(name))
                {
                    names.Add(name);
                }
            }
        }

        foreach (var name in names)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"", server);
                await drop.ExecuteNonQueryAsync();
            }
            catch (PostgresException)
            {
                // Someone connected meanwhile: a live run; leave it.
            }
        }
    }

    /// <summary>Drops and recreates the test database with the production layout from deploy/sql/schemas.sql.</summary>
    public static async Task ResetDatabaseAsync()
    {
        await using (var server = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres", "postgres")))
        {
            await server.OpenAsync();
            await DropAbandonedTestDatabasesAsync(server);
            await RabbitVirtualHosts.DeleteAbandonedAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{TestEnvironment.Database}\" ENCODING 'UTF8'", server);
            await create.ExecuteNonQueryAsync();
        }

        NpgsqlConnection.ClearAllPools();
        var layout = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "deploy", "sql", "schemas.sql"));
        await using var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres"));
        await db.OpenAsync();
        await using var apply = new NpgsqlCommand(layout, db);
        await apply.ExecuteNonQueryAsync();
        await RabbitVirtualHosts.CreateAsync(TestEnvironment.RabbitVirtualHost);
    }
}
