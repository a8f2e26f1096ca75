using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Platform.Migrator.Mapping;

/// <summary>The checked-in mapping (mapping.json): every legacy table, its owner's table and the column conversions.</summary>
internal sealed class MappingFile
{
    public Guid Namespace { get; init; }

    public List<TableMapping> Tables { get; init; } = [];

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "mapping.json");

    public static MappingFile Load(string path)
    {
        var mapping = JsonSerializer.Deserialize<MappingFile>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path} is empty.");
        mapping.Check(path);
        return mapping;
    }

    private void Check(string path)
    {
        if (Namespace == Guid.Empty)
        {
            throw new InvalidDataException($"{path}: 'namespace' (the UUIDv5 namespace of legacy ids) is missing.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            if (!names.Add(table.Name))
            {
                throw new InvalidDataException($"{path}: table '{table.Name}' appears twice.");
            }

            if (table.Columns.Count == 0)
            {
                throw new InvalidDataException($"{path}: table '{table.Name}' maps no columns.");
            }

            if (table.Mode is not ("copy" or "upsert"))
            {
                throw new InvalidDataException($"{path}: table '{table.Name}': mode must be copy or upsert.");
            }

            if (table.Mode == "upsert" && table.UpsertSql.Count == 0)
            {
                throw new InvalidDataException($"{path}: table '{table.Name}': mode upsert needs upsertSql.");
            }

            foreach (var (column, spec) in table.Columns)
            {
                if (!ColumnSpec.Kinds.Contains(spec.Kind))
                {
                    throw new InvalidDataException($"{path}: {table.Name}.{column}: unknown kind '{spec.Kind}'.");
                }

                if (spec.Kind == "ref" && string.IsNullOrEmpty(spec.Table))
                {
                    throw new InvalidDataException($"{path}: {table.Name}.{column}: kind ref needs 'table'.");
                }
            }
        }

        foreach (var table in Tables)
        {
            // a parent's own parents count too: a row whose parent is itself an orphan (left out) is an orphan
            table.ParentMapping = name => Tables.FirstOrDefault(t => t.Source == name && t.SourceSql is null);
            foreach (var after in table.After.Where(a => !names.Contains(a)))
            {
                throw new InvalidDataException($"{path}: table '{table.Name}' comes after unknown table '{after}'.");
            }
        }
    }
}

internal sealed class TableMapping
{
    /// <summary>Name of this mapping (checkpoints, reports); the legacy table unless one table feeds two targets.</summary>
    public required string Name { get; init; }

    public required string Source { get; init; }

    /// <summary>schema.table in PostgreSQL.</summary>
    public required string Target { get; init; }

    /// <summary>The legacy primary key (keyset order for checkpoints).</summary>
    public string Key { get; init; } = "id";

    /// <summary>Legacy column with the last change time: a later run re-copies rows changed since the last one.</summary>
    public string? UpdatedAt { get; init; }

    public string Mode { get; init; } = "copy";

    /// <summary>A SELECT to read instead of the plain table (aggregations).</summary>
    public string? SourceSql { get; init; }

    /// <summary>For mode upsert: statements that move the batch from the temporary table <c>stage</c> into the target.</summary>
    public List<string> UpsertSql { get; init; } = [];

    /// <summary>For validation: how to read the target's rows (default: the mapped columns of the target table).</summary>
    public string? TargetSql { get; init; }

    /// <summary>Target columns that identify a row when not the id (validation).</summary>
    public List<string> Identity { get; init; } = ["id"];

    /// <summary>Target columns left out of the field-by-field comparison and checksums.</summary>
    public List<string> CompareExclude { get; init; } = [];

    /// <summary>Mappings that must be complete before this one starts.</summary>
    public List<string> After { get; init; } = [];

    /// <summary>A target table that must exist for this mapping to run (owners add tables over time).</summary>
    public string? Requires { get; init; }

    public List<ParentSpec> Parents { get; init; } = [];

    public Dictionary<string, ColumnSpec> Columns { get; init; } = [];

    /// <summary>The mapping that reads a legacy table (for parents' own parents).</summary>
    [JsonIgnore]
    public Func<string, TableMapping?> ParentMapping { get; set; } = _ => null;

    [JsonIgnore]
    public string TargetSchema => Target.Split('.')[0];

    [JsonIgnore]
    public string TargetTable => Target.Split('.')[1];
}

internal sealed class ParentSpec
{
    public required string Column { get; init; }

    /// <summary>The legacy parent table (its key is <c>id</c>).</summary>
    public required string Table { get; init; }

    public string Key { get; init; } = "id";
}

internal sealed class ColumnSpec
{
    public static readonly HashSet<string> Kinds =
    [
        "id", "ref", "text", "int", "bigint", "real", "bool", "timestamptz", "jsonb", "enum", "bytea", "csv",
        "key-hash", "secret-hash", "key-prefix", "sha256", "const",
    ];

    public required string Kind { get; init; }

    /// <summary>Legacy column (default: the target column's name).</summary>
    public string? From { get; init; }

    /// <summary>For id and ref: the legacy table whose ids these are.</summary>
    public string? Table { get; init; }

    /// <summary>Value when the legacy value is NULL.</summary>
    public JsonNode? Default { get; init; }

    /// <summary>For timestamptz: the legacy column to use when this one is NULL or a zero date.</summary>
    public string? Fallback { get; init; }

    /// <summary>For timestamptz: NULL unless this legacy boolean column is false (is_active -> revoked_at).</summary>
    public string? OnlyWhenFalse { get; init; }

    /// <summary>For enum: legacy value -> new value.</summary>
    public Dictionary<string, string> Values { get; init; } = [];

    /// <summary>For const.</summary>
    public JsonNode? Value { get; init; }

    /// <summary>Column type of a staging-only column (not in the target table).</summary>
    public string? Type { get; init; }
}
