using System.Globalization;
using MySqlConnector;
using Npgsql;
using Platform.Migrator.Mapping;
using Platform.Migrator.Transfer;

namespace Platform.Migrator.Validation;

/// <summary>
/// Checks the target against the legacy source, independently of the migration's own bookkeeping: row counts
/// (legacy rows minus reported orphans), content checksums over every mapped field, random records compared field by
/// field after mapping, and foreign-key integrity in the target.
/// </summary>
internal sealed class Validator(TargetDatabase target, TransferSettings settings, int samples)
{
    public async Task<TableValidation> ValidateTableAsync(TableMapping table, CancellationToken ct)
    {
        var result = new TableValidation { Name = table.Name, Target = table.Target };
        await using var pg = await target.OpenAsync(ct);
        if (table.Requires is not null && !await TargetDatabase.TableExistsAsync(pg, table.Requires, ct))
        {
            result.Skipped = $"target table {table.Requires} does not exist yet";
            return result;
        }

        var columns = await TargetDatabase.ColumnsAsync(pg, table, ct);
        var compared = columns.Where(c => !table.CompareExclude.Contains(c.Name)).ToList();
        var identity = table.Identity.Select(n => columns.Select(c => c.Name).ToList().IndexOf(n)).ToArray();
        if (identity.Any(i => i < 0))
        {
            throw new InvalidOperationException($"Mapping {table.Name}: identity columns must be mapped columns.");
        }

        var filterByIdentity = !(table.Identity is ["id"]);

        await using var my = await TableTransfer.OpenSourceAsync(settings.SourceConnectionString, ct);
        await using (var count = new MySqlCommand($"SELECT COUNT(*), COALESCE(SUM({SourceQuery.AnyOrphan(table)}), 0){SourceQuery.From(table)}", my))
        await using (var reader = await count.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            result.SourceRows = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            result.Orphans = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        result.ExpectedRows = result.SourceRows - result.Orphans;

        var sampleKeys = new HashSet<string>(StringComparer.Ordinal);
        await using (var pick = new MySqlCommand(
            $"SELECT c.{SourceQuery.Quote(table.Key)}{SourceQuery.From(table)} WHERE NOT ({SourceQuery.AnyOrphan(table)}) ORDER BY RAND() LIMIT {samples}", my))
        await using (var reader = await pick.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                sampleKeys.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
            }
        }

        // the legacy side, mapped exactly as migrate maps it
        var stats = new MappingStats();
        var expected = new Dictionary<string, (string Key, string[] Canon)>(StringComparer.Ordinal);
        var identities = filterByIdentity ? new HashSet<string>(StringComparer.Ordinal) : null;
        ulong sourceSum = 0;
        long sourceCount = 0;
        await using (var select = new MySqlCommand(SourceQuery.Select(table, fromCheckpoint: false), my))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            var mapper = new RowMapper(table, settings.Namespace, columns, reader, settings.JsonPolicy, settings.Hasher, stats);
            var values = new object?[columns.Count];
            var canon = new string[compared.Count];
            while (await reader.ReadAsync(ct))
            {
                if (mapper.IsOrphan(reader))
                {
                    continue;
                }

                mapper.Map(reader, values);
                var c = 0;
                for (var i = 0; i < columns.Count; i++)
                {
                    if (!table.CompareExclude.Contains(columns[i].Name))
                    {
                        canon[c++] = RowCanon.Value(values[i]);
                    }
                }

                unchecked
                {
                    sourceSum += RowCanon.Hash(canon);
                }

                sourceCount++;
                var id = string.Join('\u001f', identity.Select(i => RowCanon.Value(values[i])));
                identities?.Add(id);
                var key = mapper.Key(reader);
                if (sampleKeys.Contains(key))
                {
                    expected[id] = (key, (string[])canon.Clone());
                }
            }
        }

        result.ZeroDates = stats.ZeroDates;
        result.InvalidJson = stats.InvalidJson;
        result.InvalidJsonRows = stats.InvalidJsonRows;
        result.Sampled = expected.Count;
        result.SourceChecksum = Checksum(sourceSum, sourceCount);

        // the target side, read back
        ulong targetSum = 0;
        long targetCount = 0;
        var sql = table.TargetSql ?? $"SELECT {string.Join(", ", columns.Select(c => TableTransfer.Ident(c.Name)))} FROM {table.Target}";
        await using (var read = new NpgsqlCommand(sql, pg))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            var ordinals = columns.Select(c => reader.GetOrdinal(c.Name)).ToArray();
            var values = new object?[columns.Count];
            var canon = new string[compared.Count];
            while (await reader.ReadAsync(ct))
            {
                for (var i = 0; i < columns.Count; i++)
                {
                    var raw = reader.IsDBNull(ordinals[i]) ? null : reader.GetValue(ordinals[i]);
                    values[i] = raw is string json && columns[i].PgType == "jsonb" ? new JsonText(json) : raw;
                }

                var id = string.Join('\u001f', identity.Select(i => RowCanon.Value(values[i])));
                if (identities is not null && !identities.Contains(id))
                {
                    continue; // a row the owner made itself (seeded defaults), not from the legacy data
                }

                var c = 0;
                for (var i = 0; i < columns.Count; i++)
                {
                    if (!table.CompareExclude.Contains(columns[i].Name))
                    {
                        canon[c++] = RowCanon.Value(values[i]);
                    }
                }

                unchecked
                {
                    targetSum += RowCanon.Hash(canon);
                }

                targetCount++;
                if (expected.Remove(id, out var sample))
                {
                    for (var i = 0; i < compared.Count; i++)
                    {
                        if (sample.Canon[i] != canon[i])
                        {
                            result.SampleMismatches.Add(new FieldMismatch(sample.Key, compared[i].Name, Shorten(sample.Canon[i]), Shorten(canon[i])));
                        }
                    }
                }
            }
        }

        foreach (var (_, (key, _)) in expected)
        {
            result.SampleMismatches.Add(new FieldMismatch(key, "*", "present", "missing in target"));
        }

        result.TargetRows = targetCount;
        result.TargetChecksum = Checksum(targetSum, targetCount);
        return result;
    }

    /// <summary>Every foreign key of the target tables: validated, and no row pointing at a missing parent.</summary>
    public async Task<IReadOnlyList<ForeignKeyCheck>> CheckForeignKeysAsync(IEnumerable<string> tables, CancellationToken ct)
    {
        const string sql = """
            SELECT c.conrelid::regclass::text, quote_ident(c.conname), c.convalidated,
                   format('SELECT count(*) FROM %s ch WHERE ch.%I IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %s pa WHERE pa.%I = ch.%I)',
                          c.conrelid::regclass, ca.attname, c.confrelid::regclass, pa.attname, ca.attname)
            FROM pg_constraint c
            JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = c.conkey[1]
            JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.conrelid = ANY(@tables::regclass[])
            ORDER BY 1, 2
            """;
        var checks = new List<(string Table, string Name, bool Validated, string Count)>();
        await using var pg = await target.OpenAsync(ct);
        await using (var cmd = new NpgsqlCommand(sql, pg))
        {
            cmd.Parameters.AddWithValue("tables", tables.Distinct(StringComparer.Ordinal).ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                checks.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetString(3)));
            }
        }

        var results = new List<ForeignKeyCheck>();
        foreach (var (table, name, validated, countSql) in checks)
        {
            // built by format() with %I/%s from the catalog above
            await using var cmd = new NpgsqlCommand(countSql, pg);
            var violations = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            results.Add(new ForeignKeyCheck(table, name, validated, violations));
        }

        return results;
    }

    private static string Checksum(ulong sum, long count) => $"{count}:{sum:x16}";

    private static string Shorten(string value) => value.Length <= 200 ? value : value[..200] + $"... ({value.Length} chars)";
}
