using System.Text;

namespace Platform.Migrator.Mapping;

/// <summary>
/// The SELECTs that read a legacy table: only the columns the mapping needs, a flag per declared parent that is
/// missing (orphans), in key order from a checkpoint (keyset), optionally only rows changed since a time.
/// Identifiers come from the checked-in mapping only; values are always parameters.
/// </summary>
internal static class SourceQuery
{
    public static string OrphanColumn(int parent) => $"_orphan{parent}";

    public static string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>The legacy columns the mapping reads.</summary>
    public static IReadOnlyList<string> SourceColumns(TableMapping table)
    {
        var columns = new List<string> { table.Key };
        if (table.UpdatedAt is not null)
        {
            columns.Add(table.UpdatedAt);
        }

        foreach (var (name, spec) in table.Columns)
        {
            if (spec.Kind != "const")
            {
                columns.Add(spec.From ?? name);
            }

            if (spec.Fallback is not null)
            {
                columns.Add(spec.Fallback);
            }

            if (spec.OnlyWhenFalse is not null)
            {
                columns.Add(spec.OnlyWhenFalse);
            }
        }

        columns.AddRange(table.Parents.Select(p => p.Column));
        return [.. columns.Distinct(StringComparer.Ordinal)];
    }

    private const int MaxParentDepth = 4;

    /// <summary>
    /// FROM clause: the table (or the mapping's SELECT) as <c>c</c>, joined to its parents and theirs, except the
    /// parents in <paramref name="parentsApart"/> (checked by the caller instead: see <c>ParentChecks</c>).
    /// </summary>
    public static string From(TableMapping table, IReadOnlySet<int>? parentsApart = null)
    {
        var sb = new StringBuilder(FromTable(table));
        AppendJoins(sb, table, "c", "p", 0, parentsApart);
        return sb.ToString();
    }

    /// <summary>FROM clause without the parents: the table (or the mapping's SELECT) as <c>c</c>.</summary>
    public static string FromTable(TableMapping table) =>
        " FROM " + (table.SourceSql is null ? Quote(table.Source) : "(" + table.SourceSql + ")") + " c";

    private static void AppendJoins(StringBuilder sb, TableMapping table, string child, string prefix, int depth, IReadOnlySet<int>? skip = null)
    {
        for (var i = 0; i < table.Parents.Count; i++)
        {
            if (skip?.Contains(i) == true)
            {
                continue;
            }

            var parent = table.Parents[i];
            var alias = prefix + i;
            sb.Append(" LEFT JOIN ").Append(Quote(parent.Table)).Append(' ').Append(alias)
                .Append(" ON ").Append(alias).Append('.').Append(Quote(parent.Key))
                .Append(" = ").Append(child).Append('.').Append(Quote(parent.Column));
            if (depth + 1 < MaxParentDepth && table.ParentMapping(parent.Table) is { } grand)
            {
                AppendJoins(sb, grand, alias, alias + "_", depth + 1);
            }
        }
    }

    /// <summary>
    /// The orphan condition of one parent: a non-NULL reference to a parent that is missing, or that is itself an
    /// orphan (so left out of the target).
    /// </summary>
    public static string OrphanCondition(TableMapping table, int parent) => Orphan(table, parent, "c", "p", 0);

    private static string Orphan(TableMapping table, int index, string child, string prefix, int depth)
    {
        var parent = table.Parents[index];
        var alias = prefix + index;
        var missing = $"{alias}.{Quote(parent.Key)} IS NULL";
        if (depth + 1 < MaxParentDepth && table.ParentMapping(parent.Table) is { Parents.Count: > 0 } grand)
        {
            missing += " OR " + string.Join(" OR ", grand.Parents.Select((_, j) => Orphan(grand, j, alias, alias + "_", depth + 1)));
        }

        return $"({child}.{Quote(parent.Column)} IS NOT NULL AND ({missing}))";
    }

    public static string AnyOrphan(TableMapping table) =>
        table.Parents.Count == 0 ? "FALSE" : string.Join(" OR ", table.Parents.Select((_, i) => OrphanCondition(table, i)));

    /// <summary>
    /// Rows after <c>@after</c> (if <paramref name="fromCheckpoint"/>), up to <c>@upTo</c> (if
    /// <paramref name="upToKey"/>), changed since <c>@since</c> (if <paramref name="changedSince"/>), in key order,
    /// with an orphan flag per parent but those in <paramref name="parentsApart"/> (neither joined nor flagged).
    /// </summary>
    public static string Select(
        TableMapping table, bool fromCheckpoint, bool upToKey = false, bool changedSince = false, int keyCount = 0,
        IReadOnlySet<int>? parentsApart = null)
    {
        var sb = new StringBuilder("SELECT ");
        sb.AppendJoin(", ", SourceColumns(table).Select(c => "c." + Quote(c)));
        for (var i = 0; i < table.Parents.Count; i++)
        {
            if (parentsApart?.Contains(i) != true)
            {
                sb.Append(", ").Append(OrphanCondition(table, i)).Append(" AS ").Append(OrphanColumn(i));
            }
        }

        sb.Append(From(table, parentsApart));
        var conditions = new List<string>();
        var key = "c." + Quote(table.Key);
        if (fromCheckpoint)
        {
            conditions.Add(key + " > @after");
        }

        if (upToKey)
        {
            conditions.Add(key + " <= @upTo");
        }

        if (changedSince)
        {
            conditions.Add("c." + Quote(table.UpdatedAt!) + " >= @since");
        }

        if (keyCount > 0)
        {
            conditions.Add(key + " IN (" + string.Join(", ", Enumerable.Range(0, keyCount).Select(i => "@k" + i)) + ")");
        }

        if (conditions.Count > 0)
        {
            sb.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sb.Append(" ORDER BY ").Append(key);
        return sb.ToString();
    }
}
