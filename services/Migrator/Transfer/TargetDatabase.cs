using DbUp;
using DbUp.Engine.Output;
using Npgsql;
using Platform.Migrator.Mapping;

namespace Platform.Migrator.Transfer;

/// <summary>A table's migration state, kept in the target (schema <c>migrator</c>) so a killed run resumes.</summary>
internal sealed record Checkpoint(
    string Name, string? LastKey, bool BulkDone, DateTime? SyncFrom, DateTime? PassStarted, long Rows,
    long ZeroDates, long InvalidJson, long Orphans, bool Ledger);

/// <summary>
/// The PostgreSQL side: the owners' schemas (their own migrations, applied as the owner role so the owner keeps
/// owning its tables), column types, checkpoints, and the secondary indexes and foreign keys set aside during a
/// bulk load and put back after it.
/// </summary>
internal sealed class TargetDatabase(string connectionString)
{
    public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(connectionString)
    {
        CommandTimeout = 0,
        ApplicationName = "migrator",
    }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync(ct);
        return conn;
    }

    /// <summary>Applies each owner's embedded migrations (as in the owner) that its schema's journal does not list yet.</summary>
    public IReadOnlyList<string> ApplyOwnerMigrations(IEnumerable<string> schemas)
    {
        var applied = new List<string>();
        var assembly = typeof(TargetDatabase).Assembly;
        foreach (var schema in schemas.Distinct(StringComparer.Ordinal))
        {
            var prefix = $"Platform.{char.ToUpperInvariant(schema[0])}{schema[1..]}.Migrations.";
            if (!assembly.GetManifestResourceNames().Any(n => n.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            // As in shared/Data SchemaMigrations (same journal table, same script names), but connected as the
            // migration user acting as the owner role, so the tables belong to the owner and not to us.
            var csb = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = null, Options = $"-c role={schema} -c search_path={schema}" };
            var result = DeployChanges.To
                .PostgresqlDatabase(csb.ConnectionString)
                .WithScriptsEmbeddedInAssembly(assembly, name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
                .JournalToPostgresqlTable(null, "schemaversions")
                .WithTransactionPerScript()
                .LogTo(new NoLog())
                .Build()
                .PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} of schema {schema} failed: {result.Error?.Message}", result.Error);
            }

            applied.AddRange(result.Scripts.Select(s => s.Name));
        }

        return applied;
    }

    public static async Task<bool> TableExistsAsync(NpgsqlConnection conn, string qualified, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", conn);
        cmd.Parameters.AddWithValue("name", qualified);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The target columns the mapping fills, with their types (staging-only columns typed by their kind).</summary>
    public static async Task<IReadOnlyList<TargetColumn>> ColumnsAsync(NpgsqlConnection conn, TableMapping table, CancellationToken ct)
    {
        const string sql = """
            SELECT column_name, CASE WHEN data_type = 'ARRAY' THEN substr(udt_name, 2) || '[]' ELSE data_type END, is_nullable = 'YES'
            FROM information_schema.columns WHERE table_schema = @schema AND table_name = @table
            """;
        var found = new Dictionary<string, TargetColumn>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand(sql, conn))
        {
            cmd.Parameters.AddWithValue("schema", table.TargetSchema);
            cmd.Parameters.AddWithValue("table", table.TargetTable);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found[reader.GetString(0)] = new TargetColumn(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2));
            }
        }

        if (found.Count == 0)
        {
            throw new InvalidOperationException($"Target table {table.Target} does not exist: apply its owner's migrations first.");
        }

        var columns = new List<TargetColumn>();
        foreach (var (name, spec) in table.Columns)
        {
            if (found.TryGetValue(name, out var column))
            {
                columns.Add(column);
            }
            else if (table.Mode == "upsert")
            {
                columns.Add(new TargetColumn(name, spec.Type ?? TargetColumn.TypeOfKind(spec.Kind), true));
            }
            else
            {
                throw new InvalidOperationException($"Mapping {table.Name}: target column {table.Target}.{name} does not exist.");
            }
        }

        return columns;
    }

    public async Task EnsureStateTablesAsync(CancellationToken ct)
    {
        const string sql = """
            CREATE SCHEMA IF NOT EXISTS migrator;
            CREATE TABLE IF NOT EXISTS migrator.checkpoints (
                name          text PRIMARY KEY,
                last_key      text,
                bulk_done     boolean NOT NULL DEFAULT false,
                sync_from     timestamp,
                pass_started  timestamp,
                rows          bigint NOT NULL DEFAULT 0,
                zero_dates    bigint NOT NULL DEFAULT 0,
                invalid_json  bigint NOT NULL DEFAULT 0,
                orphans       bigint NOT NULL DEFAULT 0,
                updated_at    timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE IF NOT EXISTS migrator.deferred (
                name        text PRIMARY KEY,
                table_name  text NOT NULL,
                kind        text NOT NULL,
                definition  text NOT NULL
            );
            -- state made by an earlier version allowed only 'index' and 'foreign_key'
            ALTER TABLE migrator.deferred DROP CONSTRAINT IF EXISTS deferred_kind_check;
            ALTER TABLE migrator.deferred ADD CONSTRAINT deferred_kind_check CHECK (kind IN ('index', 'foreign_key', 'primary_key'));
            CREATE TABLE IF NOT EXISTS migrator.settings (
                name   text PRIMARY KEY,
                value  text NOT NULL
            );
            """ + KeyLedger.StateSql;
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> StateExistsAsync(CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await TableExistsAsync(conn, "migrator.checkpoints", ct);
    }

    public async Task<Dictionary<string, Checkpoint>> CheckpointsAsync(CancellationToken ct)
    {
        var result = new Dictionary<string, Checkpoint>(StringComparer.Ordinal);
        if (!await StateExistsAsync(ct))
        {
            return result;
        }

        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            SELECT name, last_key, bulk_done, sync_from, pass_started, rows, zero_dates, invalid_json, orphans,
                   COALESCE((to_jsonb(c) ->> 'ledger')::boolean, false) -- state of a version before the ledger (plan, validate) has no column
            FROM migrator.checkpoints c
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = new Checkpoint(
                reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2),
                reader.IsDBNull(3) ? null : reader.GetDateTime(3), reader.IsDBNull(4) ? null : reader.GetDateTime(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetBoolean(9));
        }

        return result;
    }

    public static async Task SaveCheckpointAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Checkpoint cp, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO migrator.checkpoints (name, last_key, bulk_done, sync_from, pass_started, rows, zero_dates, invalid_json, orphans, ledger, updated_at)
            VALUES (@name, @lastKey, @bulkDone, @syncFrom, @passStarted, @rows, @zeroDates, @invalidJson, @orphans, @ledger, now())
            ON CONFLICT (name) DO UPDATE SET last_key = excluded.last_key, bulk_done = excluded.bulk_done,
                sync_from = excluded.sync_from, pass_started = excluded.pass_started, rows = excluded.rows,
                zero_dates = excluded.zero_dates, invalid_json = excluded.invalid_json, orphans = excluded.orphans,
                ledger = excluded.ledger, updated_at = now()
            """;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue("name", cp.Name);
        cmd.Parameters.AddWithValue("lastKey", (object?)cp.LastKey ?? DBNull.Value);
        cmd.Parameters.AddWithValue("bulkDone", cp.BulkDone);
        cmd.Parameters.AddWithValue("syncFrom", NpgsqlTypes.NpgsqlDbType.Timestamp, (object?)cp.SyncFrom ?? DBNull.Value);
        cmd.Parameters.AddWithValue("passStarted", NpgsqlTypes.NpgsqlDbType.Timestamp, (object?)cp.PassStarted ?? DBNull.Value);
        cmd.Parameters.AddWithValue("rows", cp.Rows);
        cmd.Parameters.AddWithValue("zeroDates", cp.ZeroDates);
        cmd.Parameters.AddWithValue("invalidJson", cp.InvalidJson);
        cmd.Parameters.AddWithValue("orphans", cp.Orphans);
        cmd.Parameters.AddWithValue("ledger", cp.Ledger);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<string?> SettingAsync(string name, CancellationToken ct)
    {
        if (!await StateExistsAsync(ct))
        {
            return null;
        }

        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT value FROM migrator.settings WHERE name = @name", conn);
        cmd.Parameters.AddWithValue("name", name);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public async Task SaveSettingAsync(string name, string value, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO migrator.settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = excluded.value", conn);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("value", value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Sets aside the non-unique secondary indexes, the foreign keys and the primary keys of <paramref name="tables"/>
    /// (recorded first, then dropped, in one transaction), so the bulk load writes only the heap. The primary key
    /// too: UUIDv5 ids arrive in random order, and keeping their B-tree up to date row by row cost PostgreSQL about
    /// 40% more CPU than building it once at the end (a million chat messages: 13.9 s against 11.3 s + 0.5 s).
    /// Nothing is lost meanwhile: duplicates cannot arise (each batch commits with its keyset checkpoint), and the
    /// primary key is put back before the foreign keys that need it, failing loudly if the data broke it.
    /// </summary>
    public async Task<int> DeferIndexesAsync(IReadOnlyCollection<string> tables, CancellationToken ct)
    {
        if (tables.Count == 0)
        {
            return 0;
        }

        const string find = """
            SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text, 'index', pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(@tables::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            UNION ALL
            SELECT quote_ident(c.conname), c.conrelid::regclass::text, 'foreign_key', pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'f' AND (c.conrelid = ANY(@tables::regclass[]) OR c.confrelid = ANY(@tables::regclass[]))
            UNION ALL
            SELECT quote_ident(c.conname), c.conrelid::regclass::text, 'primary_key', pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'p' AND c.conrelid = ANY(@tables::regclass[])
            """;
        await using var conn = await OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var found = new List<(string Name, string Table, string Kind, string Definition)>();
        await using (var cmd = new NpgsqlCommand(find, conn, tx))
        {
            cmd.Parameters.AddWithValue("tables", tables.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        // foreign keys first: a primary key cannot go while a foreign key still refers to it
        foreach (var (name, table, kind, definition) in found.OrderBy(f => f.Kind switch { "foreign_key" => 0, "index" => 1, _ => 2 }))
        {
            var key = kind == "index" ? name : table + "." + name;
            await using (var save = new NpgsqlCommand(
                "INSERT INTO migrator.deferred (name, table_name, kind, definition) VALUES (@name, @table, @kind, @definition) ON CONFLICT (name) DO NOTHING", conn, tx))
            {
                save.Parameters.AddWithValue("name", key);
                save.Parameters.AddWithValue("table", table);
                save.Parameters.AddWithValue("kind", kind);
                save.Parameters.AddWithValue("definition", definition);
                await save.ExecuteNonQueryAsync(ct);
            }

            // Names and definitions come from the catalog (regclass/quote_ident), not from input.
            var drop = kind == "index" ? $"DROP INDEX {name}" : $"ALTER TABLE {table} DROP CONSTRAINT {name}";
            await using var cmd = new NpgsqlCommand(drop, conn, tx);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return found.Count;
    }

    /// <summary>Puts back what <see cref="DeferIndexesAsync"/> set aside: primary keys, indexes, then foreign keys (added NOT VALID, then validated).</summary>
    public async Task<int> RestoreIndexesAsync(CancellationToken ct)
    {
        var deferred = new List<(string Name, string Table, string Kind, string Definition)>();
        await using var conn = await OpenAsync(ct);
        await using (var cmd = new NpgsqlCommand("SELECT name, table_name, kind, definition FROM migrator.deferred ORDER BY CASE kind WHEN 'primary_key' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name", conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                deferred.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        foreach (var (name, table, kind, definition) in deferred)
        {
            if (kind == "index")
            {
                await ExecAsync(conn, definition.Replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", StringComparison.Ordinal), ct);
            }
            else if (kind == "primary_key")
            {
                var constraint = name[(table.Length + 1)..];
                await ExecAsync(conn, $"""
                    DO $$ BEGIN
                        ALTER TABLE {table} ADD CONSTRAINT {constraint} {definition};
                    EXCEPTION WHEN duplicate_object OR invalid_table_definition THEN NULL;
                    END $$
                    """, ct);
            }
            else
            {
                var constraint = name[(table.Length + 1)..];
                await ExecAsync(conn, $"""
                    DO $$ BEGIN
                        ALTER TABLE {table} ADD CONSTRAINT {constraint} {definition} NOT VALID;
                    EXCEPTION WHEN duplicate_object THEN NULL;
                    END $$
                    """, ct);
                await ExecAsync(conn, $"ALTER TABLE {table} VALIDATE CONSTRAINT {constraint}", ct);
            }

            await using var done = new NpgsqlCommand("DELETE FROM migrator.deferred WHERE name = @name", conn);
            done.Parameters.AddWithValue("name", name);
            await done.ExecuteNonQueryAsync(ct);
        }

        return deferred.Count;
    }

    public async Task<int> PendingDeferredAsync(CancellationToken ct)
    {
        if (!await StateExistsAsync(ct))
        {
            return 0;
        }

        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM migrator.deferred", conn);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private sealed class NoLog : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args)
        {
        }

        public void LogDebug(string format, params object[] args)
        {
        }

        public void LogInformation(string format, params object[] args)
        {
        }

        public void LogWarning(string format, params object[] args)
        {
        }

        public void LogError(string format, params object[] args) => Console.Error.WriteLine(format, args);

        public void LogError(Exception ex, string format, params object[] args) => Console.Error.WriteLine(format, args);
    }
}
