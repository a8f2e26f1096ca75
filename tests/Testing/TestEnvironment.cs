using Npgsql;

namespace Platform.Testing;

/// <summary>
/// Where the real servers started by <c>deploy/local/up.sh</c> (via <c>make test</c>) listen, and their credentials
/// from <c>.local/secrets.env</c>. Tests use their own database so they never touch <c>make run</c>'s data.
/// </summary>
public static class TestEnvironment
{
    /// <summary>Prefix of the test databases; each run makes its own so concurrent runs never meet.</summary>
    public const string DatabasePrefix = "platform_test_";

    /// <summary>This run's database (override with TEST_DATABASE).</summary>
    public static string Database { get; } =
        Environment.GetEnvironmentVariable("TEST_DATABASE") ?? $"{DatabasePrefix}{Environment.ProcessId}_{DateTime.UtcNow:HHmmss}";
    /// <summary>
    /// This run's broker virtual host, named like its database (TEST_RABBIT_VHOST overrides it): fleets running at the
    /// same time (the test projects of one <c>make test</c>) must not take each other's messages. Made by
    /// <see cref="Fleet.ResetDatabaseAsync"/>, removed by <see cref="Fleet.StopAsync"/>.
    /// </summary>
    public static string RabbitVirtualHost => Environment.GetEnvironmentVariable("TEST_RABBIT_VHOST") ?? Database;

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Secrets = new(ReadSecrets);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string LocalDir => Environment.GetEnvironmentVariable("LOCAL_DIR") ?? Path.Combine(RepoRoot, ".local");

    public static string PgPassFile => Path.Combine(LocalDir, "pgpass");

    public static int PgPort => IntVar("PG_PORT", 55432);

    public static int RabbitPort => IntVar("RABBITMQ_PORT", 55672);

    public static int RedisPort => IntVar("REDIS_PORT", 56379);

    public static string Secret(string name) =>
        Secrets.Value.TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException($"{name} is missing from {LocalDir}/secrets.env: run deploy/local/up.sh (make test does).");

    /// <summary>A connection string for <paramref name="role"/> on the test database (password from the pgpass file).</summary>
    public static string PostgresConnectionString(string role, string? database = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = PgPort,
            Database = database ?? Database,
            Username = role,
            Password = role == "postgres" ? Secret("PG_SUPERUSER_PASSWORD") : Secret($"PG_PASSWORD_{role.ToUpperInvariant()}"),
            Pooling = true,
        }.ConnectionString;

    /// <summary>The test virtual host on the local broker, with the project's broker user.</summary>
    public static string RabbitConnectionString =>
        $"amqp://{Uri.EscapeDataString(Secret("RABBITMQ_USER"))}:{Uri.EscapeDataString(Secret("RABBITMQ_PASSWORD"))}@127.0.0.1:{RabbitPort}/{Uri.EscapeDataString(RabbitVirtualHost)}";

    /// <summary>The build configuration this test assembly was built in, so the fleet runs the same build.</summary>
    public static string BuildConfiguration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>
    /// Whether a test database or vhost named <c>{prefix}{pid}_{time}</c> belongs to a run that has ended: its process
    /// is gone. (A live run's database can have no connection yet, and its vhost no database yet, while it starts.)
    /// </summary>
    public static bool IsAbandoned(string name)
    {
        if (!name.StartsWith(DatabasePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name[DatabasePrefix.Length..];
        var underscore = rest.IndexOf('_', StringComparison.Ordinal);
        if (underscore <= 0 || !int.TryParse(rest[..underscore], out var pid))
        {
            return true;
        }

        if (pid == Environment.ProcessId)
        {
            return name != Database;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static int IntVar(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Platform.slnx) above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string> ReadSecrets()
    {
        var path = Path.Combine(LocalDir, "secrets.env");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} does not exist: start the local servers with deploy/local/up.sh (make test does).");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            var eq = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[trimmed[..eq]] = trimmed[(eq + 1)..].Trim('"', '\'');
            }
        }

        return values;
    }
}
