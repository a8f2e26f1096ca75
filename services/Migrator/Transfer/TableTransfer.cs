using System.Diagnostics;
using MySqlConnector;
using Npgsql;
using Platform.Migrator.Mapping;
using Platform.ServiceDefaults.Identity;

namespace Platform.Migrator.Transfer;

/// <summary>Settings of one run shared by every table.</summary>
internal sealed record TransferSettings(
    string SourceConnectionString, Guid Namespace, InvalidJsonPolicy JsonPolicy, ApiCredentialHash? Hasher,
    int BatchSize, int MaxRowsPerSecond, bool FailOnOrphans, bool PropagateDeletes = true, double MaxDeleteFraction = 0.1);

/// <summary>Progress of one table, read by the progress display.</summary>
internal sealed class TableProgress(string name)
{
    private long done;

    public string Name { get; } = name;

    public long Total { get; set; }

    public long Done => Interlocked.Read(ref done);

    public string Phase { get; set; } = "waiting";

    public void Add(long rows) => Interlocked.Add(ref done, rows);
}

internal sealed class OrphanRowsException(string table, string key)
    : Exception($"{table} row {key} points to a missing parent (--orphans=fail). Use --orphans=skip to leave such rows out (they are reported).");

/// <summary>The outcome of one table in one run.</summary>
internal sealed record TableResult(
    string Name, string Target, long Copied, long Updated, long Deleted, long Orphans, long ZeroDates, long InvalidJson,
    IReadOnlyList<string> InvalidJsonRows, TimeSpan Elapsed, string? Note);

/// <summary>
/// Moves one legacy table: new rows (keyset after the checkpoint) by binary COPY straight into the target, each
/// batch committed with its checkpoint so a killed run resumes exactly after the last committed row; rows changed
/// since the last run (<c>updatedAt</c>) go through a staging table and are upserted; after a complete earlier pass,
/// rows deleted in the legacy database since are deleted (<see cref="KeyLedger"/>). Reads stream from MySQL
/// (unbuffered), so memory stays flat whatever the table's size.
/// </summary>
internal sealed class TableTransfer(TableMapping table, TargetDatabase target, TransferSettings settings, TableProgress progress)
{
    public async Task<TableResult> RunAsync(Checkpoint? checkpoint, DateTime sourceNow, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var pg = await target.OpenAsync(ct);
        var columns = await TargetDatabase.ColumnsAsync(pg, table, ct);
        var stats = new MappingStats();
        // a table's first run starts its key ledger; one migrated by a version before the ledger has none
        var cp = checkpoint ?? new Checkpoint(table.Name, null, false, null, null, 0, 0, 0, 0, Ledger: true);
        cp = cp with { PassStarted = cp.PassStarted ?? sourceNow };

        await using var my = await OpenSourceAsync(settings.SourceConnectionString, ct);
        progress.Total = await CountAsync(my, cp, ct);
        progress.Phase = "copying";

        // a small parent of a large table is checked in memory instead of joined to every row in MySQL
        await using var parents = await ParentChecks.LoadAsync(table, settings.SourceConnectionString, my, progress.Total, ct);

        long copied = 0, updated = 0, orphans = 0;
        var upsert = table.Mode == "upsert";
        if (upsert)
        {
            await CreateStageAsync(pg, columns, ct);
        }

        // 1. rows after the checkpoint: new to the target
        var lastKeyBefore = cp.LastKey;
        {
            await using var cmd = new MySqlCommand(SourceQuery.Select(table, fromCheckpoint: cp.LastKey is not null, parentsApart: parents?.Apart), my);
            if (cp.LastKey is not null)
            {
                cmd.Parameters.AddWithValue("@after", cp.LastKey);
            }

            (cp, copied, orphans) = await CopyAsync(cmd, pg, columns, stats, cp, upsert ? Stage.Upsert : Stage.Direct, parents, ct);
        }

        // 2. rows at or before the earlier checkpoint changed since the last complete pass: upserted
        if (!upsert && cp.SyncFrom is not null && table.UpdatedAt is not null && lastKeyBefore is not null)
        {
            progress.Phase = "delta";
            await CreateStageAsync(pg, columns, ct);
            await using var cmd = new MySqlCommand(SourceQuery.Select(table, fromCheckpoint: false, upToKey: true, changedSince: true, parentsApart: parents?.Apart), my);
            cmd.Parameters.AddWithValue("@upTo", lastKeyBefore);
            cmd.Parameters.AddWithValue("@since", cp.SyncFrom.Value);
            var before = cp;
            (cp, updated, var changedOrphans) = await CopyAsync(cmd, pg, columns, stats, cp, Stage.UpsertById, parents, ct);
            cp = cp with { LastKey = before.LastKey, Rows = before.Rows };
            orphans += changedOrphans;
        }

        // the pass is complete: the next run copies what changed from its start on
        cp = cp with
        {
            BulkDone = true,
            SyncFrom = cp.PassStarted,
            PassStarted = null,
            LastKey = upsert ? null : cp.LastKey,
        };
        await TargetDatabase.SaveCheckpointAsync(pg, null, cp, ct);
        progress.Phase = "done";
        return new TableResult(table.Name, table.Target, copied, updated, 0, orphans, stats.ZeroDates, stats.InvalidJson, stats.InvalidJsonRows, clock.Elapsed, null);
    }

    /// <summary>
    /// After a complete earlier pass (<paramref name="checkpoint"/> as it was when the run started), deletes the rows
    /// gone from the legacy database since (<see cref="KeyLedger"/>). Runs after every table's copy, one table at a
    /// time, parents first: a parent's deletion cascades to its children, which two tables deleting at the same time
    /// could deadlock on. The number of rows deleted, and a note when deletions are not followed.
    /// </summary>
    public async Task<(long Deleted, string? Note)> PropagateDeletesAsync(Checkpoint? checkpoint, CancellationToken ct)
    {
        if (checkpoint is not { BulkDone: true } || !KeyLedger.Supports(table, out _))
        {
            return (0, null);
        }

        if (!settings.PropagateDeletes)
        {
            return (0, "deletions in the legacy database not followed (--deletes keep)");
        }

        if (!checkpoint.Ledger)
        {
            return (0, "migrated by a version without a key ledger: rows deleted in the legacy database are not followed");
        }

        await using var pg = await target.OpenAsync(ct);
        await using var my = await OpenSourceAsync(settings.SourceConnectionString, ct);
        return (await KeyLedger.PropagateDeletesAsync(table, settings.Namespace, my, pg, settings.MaxDeleteFraction, ct), null);
    }

    private enum Stage
    {
        Direct,
        Upsert,
        UpsertById,
    }

    public static async Task<MySqlConnection> OpenSourceAsync(string connectionString, CancellationToken ct)
    {
        var csb = new MySqlConnectionStringBuilder(connectionString)
        {
            AllowZeroDateTime = true,
            ConvertZeroDateTime = false,
            GuidFormat = MySqlGuidFormat.None,
            CharacterSet = "utf8mb4",
            DefaultCommandTimeout = 0,
            TreatTinyAsBoolean = false,
        };
        var conn = new MySqlConnection(csb.ConnectionString);
        await conn.OpenAsync(ct);
        // a streaming read can wait on PostgreSQL for a while; one consistent session time zone for NOW()
        await using var cmd = new MySqlCommand("SET SESSION net_write_timeout = 3600, net_read_timeout = 3600, time_zone = '+00:00'", conn);
        await cmd.ExecuteNonQueryAsync(ct);
        return conn;
    }

    private async Task<long> CountAsync(MySqlConnection my, Checkpoint cp, CancellationToken ct)
    {
        var sql = "SELECT COUNT(*)" + SourceQuery.From(table) + (cp.LastKey is null ? "" : $" WHERE c.{SourceQuery.Quote(table.Key)} > @after");
        await using var cmd = new MySqlCommand(sql, my);
        if (cp.LastKey is not null)
        {
            cmd.Parameters.AddWithValue("@after", cp.LastKey);
        }

        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task CreateStageAsync(NpgsqlConnection pg, IReadOnlyList<TargetColumn> columns, CancellationToken ct)
    {
        var definition = string.Join(", ", columns.Select(c => $"{Ident(c.Name)} {c.PgType}"));
        await using var cmd = new NpgsqlCommand($"DROP TABLE IF EXISTS pg_temp.stage; CREATE TEMP TABLE stage ({definition}) ON COMMIT DELETE ROWS", pg);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<(Checkpoint Cp, long Rows, long Orphans)> CopyAsync(
        MySqlCommand select, NpgsqlConnection pg, IReadOnlyList<TargetColumn> columns, MappingStats stats, Checkpoint cp,
        Stage stage, ParentChecks? parents, CancellationToken ct)
    {
        long rows = 0, orphans = 0, baseZeroDates = cp.ZeroDates - stats.ZeroDates, baseInvalidJson = cp.InvalidJson - stats.InvalidJson;
        await using var reader = await select.ExecuteReaderAsync(ct);
        var mapper = new RowMapper(table, settings.Namespace, columns, reader, settings.JsonPolicy, settings.Hasher, stats, parents?.Apart);
        parents?.Bind(reader);
        var values = new object?[columns.Count];
        var writers = columns.Select(Writer).ToArray();
        var copySql = $"COPY {(stage == Stage.Direct ? table.Target : "stage")} ({string.Join(", ", columns.Select(c => Ident(c.Name)))}) FROM STDIN (FORMAT BINARY)";
        var throttle = settings.MaxRowsPerSecond > 0 ? Stopwatch.StartNew() : null;
        // the keys written, for the ledger (an upserted table of aggregates has none: see KeyLedger.Supports)
        var ledger = cp.Ledger && KeyLedger.Supports(table, out _) ? new KeyLedger.Batch() : null;
        long throttled = 0;

        var more = await reader.ReadAsync(ct);
        while (more)
        {
            ct.ThrowIfCancellationRequested();
            await using var tx = await pg.BeginTransactionAsync(ct);
            long batch = 0, batchOrphans = 0;
            string? lastKey = null;
            await using (var importer = await pg.BeginBinaryImportAsync(copySql, ct))
            {
                while (more && batch < settings.BatchSize)
                {
                    mapper.RememberKey(reader);
                    if (mapper.IsOrphan(reader) || (parents is not null && await parents.IsOrphanAsync(reader, ct)))
                    {
                        if (settings.FailOnOrphans)
                        {
                            throw new OrphanRowsException(table.Name, mapper.Key(reader));
                        }

                        batchOrphans++;
                    }
                    else
                    {
                        mapper.Map(reader, values);
                        ledger?.Add(mapper);
                        // synchronous, typed writes: the importer buffers and flushes by itself, and per-value
                        // async calls and type resolution would cost more than the copy on a busy 2-core machine
                        importer.StartRow();
                        for (var i = 0; i < values.Length; i++)
                        {
                            writers[i](importer, values[i]);
                        }
                    }

                    batch++;
                    more = reader.Read();
                    if (throttle is not null && ++throttled % 100 == 0)
                    {
                        var ahead = TimeSpan.FromSeconds((double)throttled / settings.MaxRowsPerSecond) - throttle.Elapsed;
                        if (ahead > TimeSpan.Zero)
                        {
                            await Task.Delay(ahead, ct);
                        }
                    }
                }

                await importer.CompleteAsync(ct);
            }

            if (batch > 0)
            {
                lastKey = mapper.RememberedKey;
            }

            if (stage != Stage.Direct)
            {
                foreach (var sql in stage == Stage.Upsert ? table.UpsertSql : [UpsertById(columns)])
                {
                    await using var cmd = new NpgsqlCommand(sql, pg, tx);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
            }

            if (ledger is not null)
            {
                await ledger.WriteAsync(pg, tx, table.Name, ct);
            }

            rows += batch - batchOrphans;
            orphans += batchOrphans;
            cp = cp with
            {
                LastKey = lastKey ?? cp.LastKey,
                Rows = cp.Rows + batch - batchOrphans,
                Orphans = cp.Orphans + batchOrphans,
                ZeroDates = baseZeroDates + stats.ZeroDates,
                InvalidJson = baseInvalidJson + stats.InvalidJson,
            };
            await TargetDatabase.SaveCheckpointAsync(pg, tx, cp, ct);
            await tx.CommitAsync(ct);
            progress.Add(batch);
        }

        return (cp, rows, orphans);
    }

    /// <summary>Writes one value of a column's type (NULL, or the typed value with its PostgreSQL type).</summary>
    private static Action<NpgsqlBinaryImporter, object?> Writer(TargetColumn column)
    {
        var type = column.DbType;
        Action<NpgsqlBinaryImporter, object> write = column.PgType switch
        {
            "uuid" => (w, v) => w.Write((Guid)v, type),
            "text" or "character varying" => (w, v) => w.Write((string)v, type),
            "jsonb" => (w, v) => w.Write(((JsonText)v).Text, type),
            "integer" => (w, v) => w.Write((int)v, type),
            "bigint" => (w, v) => w.Write((long)v, type),
            "timestamp with time zone" => (w, v) => w.Write((DateTime)v, type),
            "boolean" => (w, v) => w.Write((bool)v, type),
            _ => (w, v) => w.Write(v, type),
        };
        return (w, v) =>
        {
            if (v is null)
            {
                w.WriteNull();
            }
            else
            {
                write(w, v);
            }
        };
    }

    private string UpsertById(IReadOnlyList<TargetColumn> columns)
    {
        var names = string.Join(", ", columns.Select(c => Ident(c.Name)));
        var updates = string.Join(", ", columns.Where(c => c.Name != "id").Select(c => $"{Ident(c.Name)} = excluded.{Ident(c.Name)}"));
        return $"INSERT INTO {table.Target} ({names}) SELECT {names} FROM stage ON CONFLICT (id) DO UPDATE SET {updates}";
    }

    internal static string Ident(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
