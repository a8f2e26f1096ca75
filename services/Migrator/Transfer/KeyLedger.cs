using System.Globalization;
using MySqlConnector;
using Npgsql;
using NpgsqlTypes;
using Platform.Migrator.Mapping;

namespace Platform.Migrator.Transfer;

/// <summary>A run found more rows deleted in the legacy database than <c>--max-delete-fraction</c> allows.</summary>
internal sealed class TooManyDeletesException(string table, long deleted, long tracked, double fraction)
    : Exception($"{table}: {deleted:N0} of the {tracked:N0} rows migrated earlier are gone from the legacy database, more than "
        + $"--max-delete-fraction {fraction.ToString(CultureInfo.InvariantCulture)} allows; nothing was deleted. Check that --source is the right database, "
        + "then run again with a larger --max-delete-fraction (or --deletes keep to leave them).");

/// <summary>
/// The legacy keys whose rows this tool wrote into a target table (schema <c>migrator</c>). It lets a later run tell
/// rows deleted in the legacy database (in the ledger, gone from the source) from rows the new services made
/// themselves (never in it), and delete only the former. Integer keys are kept as ranges of consecutive keys (a dense
/// table of a million rows is one range per batch, merged at the next delta), other keys (uuid strings) one by one.
/// Entries are written in the transaction of the batch that copies their rows, so the ledger stays exact across a
/// killed and resumed run.
/// </summary>
internal static class KeyLedger
{
    /// <summary>Below this many deletions a table is never stopped by the fraction guard (small tables).</summary>
    internal const long GuardFloor = 10;

    private const int DeleteBatch = 10_000;

    public const string StateSql = """
        CREATE TABLE IF NOT EXISTS migrator.ledger_ranges (
            name  text   NOT NULL,
            lo    bigint NOT NULL,
            hi    bigint NOT NULL,
            CHECK (lo <= hi)
        );
        CREATE INDEX IF NOT EXISTS ledger_ranges_name_lo ON migrator.ledger_ranges (name, lo);
        CREATE TABLE IF NOT EXISTS migrator.ledger_keys (
            name  text NOT NULL,
            key   text NOT NULL,
            PRIMARY KEY (name, key)
        );
        -- checkpoints made before the ledger existed: their tables' deletions cannot be told apart
        ALTER TABLE migrator.checkpoints ADD COLUMN IF NOT EXISTS ledger boolean NOT NULL DEFAULT false;
        """;

    /// <summary>
    /// Whether deletions can be followed for <paramref name="table"/>: a copied table whose target id is the id of its
    /// legacy key (then <paramref name="idTable"/> is the legacy table name the ids are derived from).
    /// </summary>
    public static bool Supports(TableMapping table, out string idTable)
    {
        idTable = table.Source;
        if (table.Mode != "copy" || !table.Columns.TryGetValue("id", out var id) || id.Kind != "id" || (id.From ?? "id") != table.Key)
        {
            return false;
        }

        idTable = id.Table ?? table.Source;
        return true;
    }

    /// <summary>
    /// Deletes from the target the rows the ledger lists whose legacy key is gone, and drops them from the ledger, in one
    /// transaction; stops (rolling back) when they are more than <paramref name="maxFraction"/> of the ledger's rows.
    /// Returns how many target rows were deleted (their children go with them through the owners' ON DELETE CASCADE).
    /// </summary>
    public static async Task<long> PropagateDeletesAsync(
        TableMapping table, Guid ns, MySqlConnection my, NpgsqlConnection pg, double maxFraction, CancellationToken ct)
    {
        if (!Supports(table, out var idTable))
        {
            return 0;
        }

        var ids = new LegacyIdGenerator(ns, idTable, cached: false);
        await using var tx = await pg.BeginTransactionAsync(ct);
        var (gone, tracked) = await IntegerKeysAsync(table, my, pg, tx, ct) is { } numbers
            ? (numbers.Gone.ConvertAll(k => ids.Of(k)), numbers.Tracked)
            : await TextKeysAsync(table, my, pg, tx, ids, ct);
        if (gone.Count > GuardFloor && gone.Count > maxFraction * tracked)
        {
            throw new TooManyDeletesException(table.Name, gone.Count, tracked, maxFraction);
        }

        long deleted = 0;
        for (var i = 0; i < gone.Count; i += DeleteBatch)
        {
            // the target's name comes from the checked-in mapping, never from input
            await using var cmd = new NpgsqlCommand($"DELETE FROM {table.Target} WHERE id = ANY(@ids)", pg, tx);
            cmd.Parameters.AddWithValue("ids", gone.GetRange(i, Math.Min(DeleteBatch, gone.Count - i)).ToArray());
            deleted += await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return deleted;
    }

    /// <summary>
    /// For an integer key: the ledger's ranges (merged) walked against the legacy keys in the same span, in key order;
    /// the keys gone, the number of keys tracked, and the ledger rewritten as the ranges that remain. Null when the
    /// table's keys are not integers.
    /// </summary>
    private static async Task<(List<long> Gone, long Tracked)?> IntegerKeysAsync(
        TableMapping table, MySqlConnection my, NpgsqlConnection pg, NpgsqlTransaction tx, CancellationToken ct)
    {
        var ranges = new List<(long Lo, long Hi)>();
        await using (var cmd = new NpgsqlCommand("SELECT lo, hi FROM migrator.ledger_ranges WHERE name = @name ORDER BY lo, hi", pg, tx))
        {
            cmd.Parameters.AddWithValue("name", table.Name);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ranges.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        if (ranges.Count == 0)
        {
            return await HasTextKeysAsync(table, pg, tx, ct) ? null : ([], 0);
        }

        ranges = Merge(ranges);
        var key = "c." + SourceQuery.Quote(table.Key);
        await using var select = new MySqlCommand($"SELECT {key}{SourceQuery.FromTable(table)} WHERE {key} BETWEEN @lo AND @hi ORDER BY {key}", my);
        select.Parameters.AddWithValue("@lo", ranges[0].Lo);
        select.Parameters.AddWithValue("@hi", ranges[^1].Hi);
        await using var legacy = await select.ExecuteReaderAsync(ct);
        var present = new RangeList();
        var gone = new List<long>();
        long tracked = 0;
        var more = await legacy.ReadAsync(ct);
        var current = more ? legacy.GetInt64(0) : 0;
        foreach (var (lo, hi) in ranges)
        {
            tracked += hi - lo + 1;
            for (var k = lo; ; k++)
            {
                while (more && current < k)
                {
                    more = await legacy.ReadAsync(ct);
                    current = more ? legacy.GetInt64(0) : 0;
                }

                if (more && current == k)
                {
                    present.Add(k);
                }
                else
                {
                    gone.Add(k);
                }

                if (k == hi)
                {
                    break;
                }
            }
        }

        await using (var clear = new NpgsqlCommand("DELETE FROM migrator.ledger_ranges WHERE name = @name", pg, tx))
        {
            clear.Parameters.AddWithValue("name", table.Name);
            await clear.ExecuteNonQueryAsync(ct);
        }

        await present.WriteAsync(pg, tx, table.Name, ct);
        return (gone, tracked);
    }

    private static async Task<bool> HasTextKeysAsync(TableMapping table, NpgsqlConnection pg, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM migrator.ledger_keys WHERE name = @name)", pg, tx);
        cmd.Parameters.AddWithValue("name", table.Name);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// For other keys: the legacy keys are streamed into a temporary table and PostgreSQL finds the ledger's keys
    /// without a match (memory stays flat whatever the table's size); those leave the ledger.
    /// </summary>
    private static async Task<(List<Guid> Gone, long Tracked)> TextKeysAsync(
        TableMapping table, MySqlConnection my, NpgsqlConnection pg, NpgsqlTransaction tx, LegacyIdGenerator ids, CancellationToken ct)
    {
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE legacy_keys (key text NOT NULL) ON COMMIT DROP", pg, tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using (var select = new MySqlCommand($"SELECT c.{SourceQuery.Quote(table.Key)}{SourceQuery.FromTable(table)}", my))
        await using (var legacy = await select.ExecuteReaderAsync(ct))
        await using (var importer = await pg.BeginBinaryImportAsync("COPY legacy_keys (key) FROM STDIN (FORMAT BINARY)", ct))
        {
            while (await legacy.ReadAsync(ct))
            {
                importer.StartRow();
                importer.Write(Convert.ToString(legacy.GetValue(0), CultureInfo.InvariantCulture)!, NpgsqlDbType.Text);
            }

            await importer.CompleteAsync(ct);
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE legacy_keys", pg, tx))
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }

        var gone = new List<Guid>();
        await using (var cmd = new NpgsqlCommand("""
            DELETE FROM migrator.ledger_keys l
            WHERE l.name = @name AND NOT EXISTS (SELECT 1 FROM legacy_keys k WHERE k.key = l.key)
            RETURNING l.key
            """, pg, tx))
        {
            cmd.Parameters.AddWithValue("name", table.Name);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                gone.Add(ids.Of(reader.GetString(0)));
            }
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM migrator.ledger_keys WHERE name = @name", pg, tx);
        count.Parameters.AddWithValue("name", table.Name);
        var remaining = (long)(await count.ExecuteScalarAsync(ct))!;
        return (gone, remaining + gone.Count);
    }

    /// <summary>Sorted ranges with overlapping and adjacent ones joined.</summary>
    internal static List<(long Lo, long Hi)> Merge(List<(long Lo, long Hi)> sorted)
    {
        var merged = new List<(long Lo, long Hi)>(sorted.Count);
        foreach (var (lo, hi) in sorted)
        {
            if (merged.Count > 0 && (lo <= merged[^1].Hi || lo - merged[^1].Hi == 1))
            {
                merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, hi));
            }
            else
            {
                merged.Add((lo, hi));
            }
        }

        return merged;
    }

    /// <summary>Integer keys in ascending order, kept as ranges of consecutive keys.</summary>
    internal sealed class RangeList
    {
        private readonly List<long> lo = [];
        private readonly List<long> hi = [];

        public int Count => lo.Count;

        public IEnumerable<(long Lo, long Hi)> Ranges => lo.Select((l, i) => (l, hi[i]));

        public void Add(long key)
        {
            if (lo.Count > 0 && key > hi[^1] && key - hi[^1] == 1)
            {
                hi[^1] = key;
            }
            else
            {
                lo.Add(key);
                hi.Add(key);
            }
        }

        public void Clear()
        {
            lo.Clear();
            hi.Clear();
        }

        public async Task WriteAsync(NpgsqlConnection pg, NpgsqlTransaction tx, string name, CancellationToken ct)
        {
            if (lo.Count == 0)
            {
                return;
            }

            await using var cmd = new NpgsqlCommand("INSERT INTO migrator.ledger_ranges (name, lo, hi) SELECT @name, l, h FROM unnest(@lo, @hi) AS r (l, h)", pg, tx);
            cmd.Parameters.AddWithValue("name", name);
            cmd.Parameters.AddWithValue("lo", lo.ToArray());
            cmd.Parameters.AddWithValue("hi", hi.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The keys of the rows one batch writes, recorded with the batch.</summary>
    internal sealed class Batch
    {
        private readonly RangeList numbers = new();
        private readonly List<string> texts = [];

        public void Add(RowMapper mapper)
        {
            if (mapper.IntegerKey)
            {
                numbers.Add(mapper.RememberedNumber);
            }
            else
            {
                texts.Add(mapper.RememberedText);
            }
        }

        public async Task WriteAsync(NpgsqlConnection pg, NpgsqlTransaction tx, string name, CancellationToken ct)
        {
            await numbers.WriteAsync(pg, tx, name, ct);
            if (texts.Count > 0)
            {
                await using var cmd = new NpgsqlCommand("INSERT INTO migrator.ledger_keys (name, key) SELECT @name, k FROM unnest(@keys) AS t (k) ON CONFLICT DO NOTHING", pg, tx);
                cmd.Parameters.AddWithValue("name", name);
                cmd.Parameters.AddWithValue("keys", texts.ToArray());
                await cmd.ExecuteNonQueryAsync(ct);
            }

            numbers.Clear();
            texts.Clear();
        }
    }
}
