using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Admin.Security;
using Platform.Data;
using Platform.ServiceDefaults.Identity;

namespace Platform.Admin.Demo;

/// <summary>
/// <c>Admin seed-demo [--out FILE]</c>, run by <c>make run</c>: makes sure a demo organisation, its admin user and an
/// API key with every scope exist, and prints the key and secret. The secret exists only in FILE (mode 600, under
/// .local/); when that file is lost or its key no longer verifies, the old demo key is revoked and a new one made.
/// </summary>
public static class DemoSeeder
{
    public const string Command = "seed-demo";
    private const string Slug = "demo";
    private const string KeyName = "demo (make run)";
    private static readonly string[] AllScopes = [Scopes.Admin, Scopes.Analyzer, Scopes.Chatbot, Scopes.Evaluator, Scopes.Ops, Scopes.Platform];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var outPath = Path.GetFullPath(ArgValue(args, "--out") ?? Path.Combine(".local", "demo-key.env"));
        var options = app.Services.GetRequiredService<IOptions<DataOptions>>().Value;
        var migrations = app.Services.GetRequiredService<SchemaMigrations>();
        migrations.Apply(options.ConnectionString!, app.Logger);

        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        var hasher = app.Services.GetRequiredService<ApiKeyHasher>();
        await using var conn = await db.OpenConnectionAsync();

        const string upsertOrg = """
            INSERT INTO organizations (id, name, slug, settings) VALUES (@id, 'Demo Organisation', @slug, '{"requests_per_minute": 600, "default_language": "en"}')
            ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug
            RETURNING id
            """;
        var orgId = await conn.ExecuteScalarAsync<Guid>(upsertOrg, new { id = Guid.CreateVersion7(), slug = Slug });

        const string upsertUser = """
            INSERT INTO users (id, org_id, external_id, email, name, role) VALUES (@id, @orgId, 'demo-admin', 'demo-admin@example.org', 'Demo Admin', 'admin')
            ON CONFLICT (org_id, external_id) DO NOTHING
            """;
        await conn.ExecuteAsync(upsertUser, new { id = Guid.CreateVersion7(), orgId });

        var (apiKey, secret) = ReadKeyFile(outPath);
        if (apiKey is null || secret is null || !await IsLiveAsync(conn, hasher, orgId, apiKey, secret))
        {
            (apiKey, secret) = ApiKeyHasher.Generate();
            await using var tx = await conn.BeginTransactionAsync();
            await conn.ExecuteAsync(
                "UPDATE api_keys SET revoked_at = now() WHERE org_id = @orgId AND name = @KeyName AND revoked_at IS NULL",
                new { orgId, KeyName }, tx);
            await conn.ExecuteAsync("""
                INSERT INTO api_keys (id, org_id, name, prefix, key_hash, secret_hash, scopes)
                VALUES (@id, @orgId, @KeyName, @prefix, @keyHash, @secretHash, @AllScopes)
                """,
                new
                {
                    id = Guid.CreateVersion7(),
                    orgId,
                    KeyName,
                    prefix = ApiKeyHasher.PrefixOf(apiKey),
                    keyHash = hasher.HashKey(apiKey),
                    secretHash = hasher.HashSecret(secret),
                    AllScopes,
                }, tx);
            await tx.CommitAsync();
            WriteKeyFile(outPath, apiKey, secret, orgId);
        }

        Console.WriteLine($"Demo organisation {orgId} (slug '{Slug}'), user 'demo-admin', API key with scopes {string.Join(' ', AllScopes)}:");
        Console.WriteLine($"  api-key:    {apiKey}");
        Console.WriteLine($"  api-secret: {secret}");
        Console.WriteLine($"  (kept in {outPath})");
        return 0;
    }

    private static async Task<bool> IsLiveAsync(NpgsqlConnection conn, ApiKeyHasher hasher, Guid orgId, string apiKey, string secret)
    {
        var stored = await conn.QuerySingleOrDefaultAsync<byte[]>(
            "SELECT secret_hash FROM api_keys WHERE key_hash = @keyHash AND org_id = @orgId AND revoked_at IS NULL",
            new { keyHash = hasher.HashKey(apiKey), orgId });
        return stored is not null && hasher.SecretMatches(secret, stored);
    }

    private static (string? Key, string? Secret) ReadKeyFile(string path)
    {
        if (!File.Exists(path))
        {
            return (null, null);
        }

        var values = File.ReadAllLines(path)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        return (values.GetValueOrDefault("DEMO_API_KEY"), values.GetValueOrDefault("DEMO_API_SECRET"));
    }

    private static void WriteKeyFile(string path, string apiKey, string secret, Guid orgId)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, options);
        writer.WriteLine($"DEMO_ORG_ID={orgId}");
        writer.WriteLine($"DEMO_API_KEY={apiKey}");
        writer.WriteLine($"DEMO_API_SECRET={secret}");
    }

    private static string? ArgValue(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
