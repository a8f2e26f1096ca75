using System.Globalization;
using MySqlConnector;
using Platform.Migrator.Mapping;

namespace Platform.Migrator.Transfer;

/// <summary>
/// The orphan check of a large table against a small parent, without joining every row to its parent in MySQL: the
/// parent's keys that are present (and not orphans themselves) are read once into a bitmap, and a row whose
/// reference is not in it is looked up in the legacy database before it counts as an orphan (a parent added since the
/// bitmap was read is found then, so the outcome is the join's). Used for a parent with an integer key whose key range
/// is at most the child's row count and <see cref="MaxBits"/> (memory stays bounded); other parents stay joined.
/// </summary>
internal sealed class ParentChecks : IAsyncDisposable
{
    /// <summary>The largest key range held in memory: 64 Mi bits, 8 MB.</summary>
    internal const long MaxBits = 64L * 1024 * 1024;

    /// <summary>
    /// Keys found missing (so that many orphans of one missing parent cost one lookup), and keys found present above
    /// the bitmap's range, remembered up to this many each.
    /// </summary>
    private const int MaxRemembered = 100_000;

    private readonly string sourceConnectionString;
    private readonly Check[] checks;
    private MySqlConnection? lookups;

    private ParentChecks(string sourceConnectionString, Check[] checks)
    {
        this.sourceConnectionString = sourceConnectionString;
        this.checks = checks;
        Apart = checks.Select(c => c.Index).ToHashSet();
    }

    /// <summary>The parents checked here (by index in <see cref="TableMapping.Parents"/>), for <see cref="SourceQuery.Select"/>.</summary>
    public IReadOnlySet<int> Apart { get; }

    /// <summary>The checks worth making for <paramref name="table"/>, or null when every parent is better joined.</summary>
    public static async Task<ParentChecks?> LoadAsync(
        TableMapping table, string sourceConnectionString, MySqlConnection my, long childRows, CancellationToken ct)
    {
        var checks = new List<Check>();
        for (var i = 0; i < table.Parents.Count; i++)
        {
            if (await Check.LoadAsync(table, i, my, childRows, ct) is { } check)
            {
                checks.Add(check);
            }
        }

        return checks.Count == 0 ? null : new ParentChecks(sourceConnectionString, [.. checks]);
    }

    /// <summary>Resolves the reference columns in a SELECT's reader (call once per reader).</summary>
    public void Bind(MySqlDataReader reader)
    {
        foreach (var check in checks)
        {
            check.Ordinal = reader.GetOrdinal(check.Parent.Column);
        }
    }

    /// <summary>True when the current row points to a parent that is missing (or itself an orphan).</summary>
    public ValueTask<bool> IsOrphanAsync(MySqlDataReader reader, CancellationToken ct) => IsOrphanAsync(reader, 0, ct);

    private ValueTask<bool> IsOrphanAsync(MySqlDataReader reader, int first, CancellationToken ct)
    {
        for (var i = first; i < checks.Length; i++)
        {
            var check = checks[i];
            if (reader.IsDBNull(check.Ordinal))
            {
                continue;
            }

            var key = reader.GetInt64(check.Ordinal);
            if (!check.Present(key))
            {
                return LookUpAsync(reader, i, key, ct);
            }
        }

        return ValueTask.FromResult(false);
    }

    // A reference not in the bitmap: an orphan unless the parent is there now (added after the bitmap was read).
    private async ValueTask<bool> LookUpAsync(MySqlDataReader reader, int index, long key, CancellationToken ct)
    {
        var check = checks[index];
        if (check.KnownMissing(key))
        {
            return true;
        }

        lookups ??= await TableTransfer.OpenSourceAsync(sourceConnectionString, ct);
        await using (var cmd = new MySqlCommand(check.LookupSql, lookups))
        {
            cmd.Parameters.AddWithValue("@k", key);
            if (await cmd.ExecuteScalarAsync(ct) is null)
            {
                check.RememberMissing(key);
                return true;
            }
        }

        check.Add(key);
        // the row's other parents still count
        return await IsOrphanAsync(reader, index + 1, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (lookups is not null)
        {
            await lookups.DisposeAsync();
        }
    }

    private sealed class Check(int index, ParentSpec parent, long min, long count, string lookupSql)
    {
        private readonly ulong[] bits = new ulong[(count + 63) / 64];
        private readonly HashSet<long> missing = [];
        private readonly HashSet<long> beyond = [];

        public int Index { get; } = index;

        public ParentSpec Parent { get; } = parent;

        public string LookupSql { get; } = lookupSql;

        public int Ordinal { get; set; } = -1;

        public bool Present(long key)
        {
            var offset = key - min;
            return offset >= 0 && offset < count
                ? (bits[offset >> 6] & (1UL << (int)(offset & 63))) != 0
                : beyond.Contains(key);
        }

        public void Add(long key)
        {
            var offset = key - min;
            if (offset >= 0 && offset < count)
            {
                bits[offset >> 6] |= 1UL << (int)(offset & 63);
            }
            else if (beyond.Count < MaxRemembered)
            {
                // a parent added above the range since: remembered (bounded), or looked up again for its next child
                beyond.Add(key);
            }

        }

        public bool KnownMissing(long key) => missing.Contains(key);

        public void RememberMissing(long key)
        {
            if (missing.Count < MaxRemembered)
            {
                missing.Add(key);
            }
        }

        public static async Task<Check?> LoadAsync(TableMapping table, int index, MySqlConnection my, long childRows, CancellationToken ct)
        {
            var parent = table.Parents[index];
            var key = SourceQuery.Quote(parent.Key);
            await using (var shape = new MySqlCommand($"SELECT c.{SourceQuery.Quote(parent.Column)}{SourceQuery.FromTable(table)} LIMIT 0", my))
            await using (var reader = await shape.ExecuteReaderAsync(ct))
            {
                if (!RowMapper.IsInteger(reader.GetFieldType(0)))
                {
                    return null;
                }
            }

            long min, max;
            await using (var range = new MySqlCommand($"SELECT MIN({key}), MAX({key}) FROM {SourceQuery.Quote(parent.Table)}", my))
            await using (var reader = await range.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct) || reader.IsDBNull(0) || !RowMapper.IsInteger(reader.GetFieldType(0)))
                {
                    return null;
                }

                min = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
                max = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            }

            // a parent with more keys than the child has rows is cheaper joined (e.g. feedback on a few messages)
            var count = max - min + 1;
            if (count <= 0 || count > MaxBits || count > childRows)
            {
                return null;
            }

            // the parents a child may point to: present, and not left out as orphans themselves
            var mapping = table.ParentMapping(parent.Table);
            var from = mapping is null ? $" FROM {SourceQuery.Quote(parent.Table)} c" : SourceQuery.From(mapping);
            var valid = mapping is null ? "TRUE" : $"NOT ({SourceQuery.AnyOrphan(mapping)})";
            var check = new Check(index, parent, min, count, $"SELECT 1{from} WHERE c.{key} = @k AND {valid} LIMIT 1");
            await using var keys = new MySqlCommand($"SELECT c.{key}{from} WHERE {valid}", my);
            await using var rows = await keys.ExecuteReaderAsync(ct);
            while (await rows.ReadAsync(ct))
            {
                check.Add(rows.GetInt64(0));
            }

            return check;
        }
    }
}
