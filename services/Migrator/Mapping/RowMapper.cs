using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MySqlConnector;
using NpgsqlTypes;
using Platform.ServiceDefaults.Identity;

namespace Platform.Migrator.Mapping;

/// <summary>What to do with a legacy value that should be JSON but is not.</summary>
internal enum InvalidJsonPolicy
{
    /// <summary>Stop the run (the row key is reported).</summary>
    Fail,

    /// <summary>Store the column's default (or NULL); the row key is reported.</summary>
    Null,

    /// <summary>Store <c>{"_invalid_json": "the original text"}</c>; the row key is reported.</summary>
    Wrap,
}

/// <summary>A target column: its name, PostgreSQL type and whether it takes NULL.</summary>
internal sealed record TargetColumn(string Name, string PgType, bool Nullable)
{
    public NpgsqlDbType DbType => PgType switch
    {
        "uuid" => NpgsqlDbType.Uuid,
        "text" or "character varying" => NpgsqlDbType.Text,
        "integer" => NpgsqlDbType.Integer,
        "smallint" => NpgsqlDbType.Smallint,
        "bigint" => NpgsqlDbType.Bigint,
        "real" => NpgsqlDbType.Real,
        "double precision" => NpgsqlDbType.Double,
        "boolean" => NpgsqlDbType.Boolean,
        "timestamp with time zone" => NpgsqlDbType.TimestampTz,
        "jsonb" => NpgsqlDbType.Jsonb,
        "bytea" => NpgsqlDbType.Bytea,
        "text[]" => NpgsqlDbType.Array | NpgsqlDbType.Text,
        _ => throw new NotSupportedException($"Column {Name}: PostgreSQL type {PgType} is not supported by the migrator."),
    };

    /// <summary>The column type for a staging-only column of the given kind.</summary>
    public static string TypeOfKind(string kind) => kind switch
    {
        "id" or "ref" => "uuid",
        "int" => "integer",
        "bigint" => "bigint",
        "real" => "real",
        "bool" => "boolean",
        "timestamptz" => "timestamp with time zone",
        "jsonb" => "jsonb",
        "bytea" or "key-hash" or "secret-hash" => "bytea",
        "csv" => "text[]",
        _ => "text",
    };
}

/// <summary>A JSON value bound for jsonb (kept apart from text for comparisons).</summary>
internal sealed record JsonText(string Text);

/// <summary>Counters of what the mapping had to change, per table.</summary>
internal sealed class MappingStats
{
    private long zeroDates;
    private long invalidJson;

    public long ZeroDates => Interlocked.Read(ref zeroDates);

    public long InvalidJson => Interlocked.Read(ref invalidJson);

    /// <summary>The first invalid-JSON row keys (all are counted).</summary>
    public List<string> InvalidJsonRows { get; } = [];

    public void ZeroDate() => Interlocked.Increment(ref zeroDates);

    public void BadJson(string rowKey, string column)
    {
        Interlocked.Increment(ref invalidJson);
        lock (InvalidJsonRows)
        {
            if (InvalidJsonRows.Count < 1000)
            {
                InvalidJsonRows.Add($"{rowKey}:{column}");
            }
        }
    }
}

internal sealed class InvalidJsonException(string table, string rowKey, string column)
    : Exception($"{table} row {rowKey}: column {column} is not valid JSON (--on-invalid-json=fail). Use --on-invalid-json=null or wrap to carry on.")
{
    public string Table { get; } = table;

    public string RowKey { get; } = rowKey;
}

/// <summary>Turns one legacy row (a streaming MySQL reader positioned on it) into the target row's values.</summary>
internal sealed class RowMapper
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly Guid ns;
    private readonly TableMapping table;
    private readonly InvalidJsonPolicy jsonPolicy;
    private readonly ApiCredentialHash? hasher;
    private readonly Func<MySqlDataReader, object?>[] converters;
    private readonly int keyOrdinal;
    private readonly int[] orphanOrdinals;
    private readonly bool integerKey;
    private long rememberedNumber;
    private string? rememberedText;

    public RowMapper(
        TableMapping table, Guid ns, IReadOnlyList<TargetColumn> columns, MySqlDataReader reader,
        InvalidJsonPolicy jsonPolicy, ApiCredentialHash? hasher, MappingStats stats, IReadOnlySet<int>? parentsApart = null)
    {
        this.table = table;
        this.ns = ns;
        this.jsonPolicy = jsonPolicy;
        this.hasher = hasher;
        Stats = stats;
        Columns = columns;
        keyOrdinal = reader.GetOrdinal(table.Key);
        var keyType = reader.GetFieldType(keyOrdinal);
        integerKey = IsInteger(keyType);
        // the orphan flags the SELECT carries (parents checked apart have none: see SourceQuery.Select)
        orphanOrdinals = [.. Enumerable.Range(0, table.Parents.Count).Where(i => parentsApart?.Contains(i) != true)
            .Select(i => reader.GetOrdinal(SourceQuery.OrphanColumn(i)))];
        converters = [.. columns.Select(c => Converter(c, table.Columns[c.Name], reader))];
    }

    public IReadOnlyList<TargetColumn> Columns { get; }

    public MappingStats Stats { get; }

    public static bool NeedsPepper(TableMapping table) =>
        table.Columns.Values.Any(c => c.Kind is "key-hash" or "secret-hash");

    /// <summary>The legacy key of the current row, as text (checkpoints, reports).</summary>
    public string Key(MySqlDataReader reader) =>
        Convert.ToString(reader.GetValue(keyOrdinal), CultureInfo.InvariantCulture)!;

    public object KeyValue(MySqlDataReader reader) => reader.GetValue(keyOrdinal);

    /// <summary>
    /// Notes the current row's key for <see cref="RememberedKey"/>: a checkpoint needs only the last key of a batch,
    /// so an integer key is kept as a number and turned into text once per batch, not once per row.
    /// </summary>
    public void RememberKey(MySqlDataReader reader)
    {
        if (integerKey)
        {
            rememberedNumber = reader.GetInt64(keyOrdinal);
        }
        else
        {
            rememberedText = Key(reader);
        }
    }

    public string RememberedKey => integerKey ? rememberedNumber.ToString(CultureInfo.InvariantCulture) : rememberedText!;

    /// <summary>Whether the legacy key is an integer (then <see cref="RememberedNumber"/>, else <see cref="RememberedText"/>).</summary>
    public bool IntegerKey => integerKey;

    /// <summary>The key <see cref="RememberKey"/> noted, when it is an integer.</summary>
    public long RememberedNumber => rememberedNumber;

    /// <summary>The key <see cref="RememberKey"/> noted, when it is not an integer.</summary>
    public string RememberedText => rememberedText!;

    /// <summary>Whether a legacy column of this .NET type holds integers that fit a long.</summary>
    internal static bool IsInteger(Type type) =>
        type == typeof(long) || type == typeof(int) || type == typeof(uint) || type == typeof(short)
        || type == typeof(ushort) || type == typeof(byte) || type == typeof(sbyte);

    /// <summary>True when a parent the row points to is missing in the legacy data (of the parents the SELECT flags).</summary>
    public bool IsOrphan(MySqlDataReader reader)
    {
        foreach (var ordinal in orphanOrdinals)
        {
            if (!reader.IsDBNull(ordinal) && reader.GetInt64(ordinal) != 0)
            {
                return true;
            }
        }

        return false;
    }

    public void Map(MySqlDataReader reader, object?[] values)
    {
        for (var i = 0; i < converters.Length; i++)
        {
            values[i] = converters[i](reader);
        }
    }

    private Func<MySqlDataReader, object?> Converter(TargetColumn column, ColumnSpec spec, MySqlDataReader reader)
    {
        if (spec.Kind == "const")
        {
            var constant = Coerce(column, spec.Value is null ? null : FromNode(spec.Value, column));
            return _ => constant;
        }

        var ordinal = reader.GetOrdinal(spec.From ?? column.Name);
        var fallback = spec.Fallback is null ? -1 : reader.GetOrdinal(spec.Fallback);
        var onlyWhenFalse = spec.OnlyWhenFalse is null ? -1 : reader.GetOrdinal(spec.OnlyWhenFalse);
        var defaultValue = spec.Default is null ? null : Coerce(column, FromNode(spec.Default, column));
        var idTable = spec.Table ?? table.Source;

        var ids = spec.Kind is "id" or "ref" ? new LegacyIdGenerator(ns, idTable, cached: spec.Kind == "ref") : null;
        Func<MySqlDataReader, object?> read = spec.Kind switch
        {
            "id" or "ref" => r => r.IsDBNull(ordinal) ? null : ids!.Of(r.GetValue(ordinal)),
            "text" => r => r.IsDBNull(ordinal) ? null : Text(r.GetValue(ordinal)),
            "enum" => r => r.IsDBNull(ordinal) ? null : Rename(spec, Text(r.GetValue(ordinal))),
            "int" or "bigint" or "real" => r => r.IsDBNull(ordinal) ? null : r.GetValue(ordinal),
            "bool" => r => r.IsDBNull(ordinal) ? null : Convert.ToInt64(r.GetValue(ordinal), CultureInfo.InvariantCulture) != 0,
            "timestamptz" => r => Timestamp(r, ordinal, fallback, onlyWhenFalse, column),
            "jsonb" => r => r.IsDBNull(ordinal) ? null : Json(r, ordinal, column, defaultValue),
            "bytea" => r => r.IsDBNull(ordinal) ? null : (byte[])r.GetValue(ordinal),
            "csv" => r => r.IsDBNull(ordinal) ? null : Text(r.GetValue(ordinal))
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            "key-hash" => r => r.IsDBNull(ordinal) ? null : Pepper().HashKey(Text(r.GetValue(ordinal))),
            "secret-hash" => r => r.IsDBNull(ordinal) ? null : Pepper().HashSecret(Text(r.GetValue(ordinal))),
            "key-prefix" => r => r.IsDBNull(ordinal) ? null : ApiCredentialHash.PrefixOf(Text(r.GetValue(ordinal))),
            "sha256" => r => r.IsDBNull(ordinal) ? null : Convert.ToHexStringLower(SHA256.HashData(Bytes(r.GetValue(ordinal)))),
            _ => throw new NotSupportedException(spec.Kind),
        };

        return r => Coerce(column, read(r)) ?? defaultValue;
    }

    private ApiCredentialHash Pepper() =>
        hasher ?? throw new InvalidOperationException("API keys are hashed with ApiKeys:Pepper: set --pepper-env or ApiKeys__Pepper.");

    private static string Text(object value) => value switch
    {
        string s => s,
        byte[] b => Encoding.UTF8.GetString(b),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static byte[] Bytes(object value) => value as byte[] ?? Encoding.UTF8.GetBytes(Text(value));

    private static string Rename(ColumnSpec spec, string value) =>
        spec.Values.TryGetValue(value, out var renamed) ? renamed : value;

    private object? Timestamp(MySqlDataReader r, int ordinal, int fallback, int onlyWhenFalse, TargetColumn column)
    {
        if (onlyWhenFalse >= 0 && !r.IsDBNull(onlyWhenFalse)
            && Convert.ToInt64(r.GetValue(onlyWhenFalse), CultureInfo.InvariantCulture) != 0)
        {
            return null;
        }

        var value = ReadDate(r, ordinal);
        if (value is null && fallback >= 0)
        {
            value = ReadDate(r, fallback);
        }

        // A NOT NULL column keeps a marker date rather than failing the whole batch; the zero date is counted.
        return value ?? (column.Nullable ? null : Epoch);
    }

    private DateTime? ReadDate(MySqlDataReader r, int ordinal)
    {
        if (r.IsDBNull(ordinal))
        {
            return null;
        }

        switch (r.GetValue(ordinal))
        {
            case DateTime dt:
                return DateTime.SpecifyKind(dt, DateTimeKind.Utc);
            case MySqlDateTime my when my.IsValidDateTime:
                return DateTime.SpecifyKind(my.GetDateTime(), DateTimeKind.Utc);
            case MySqlDateTime:
                Stats.ZeroDate();
                return null;
            case var other:
                throw new InvalidCastException($"{table.Name}: {other.GetType()} is not a date.");
        }
    }

    private JsonText? Json(MySqlDataReader r, int ordinal, TargetColumn column, object? defaultValue)
    {
        var text = Text(r.GetValue(ordinal));
        if (IsValidJson(text))
        {
            return new JsonText(text);
        }

        var key = Key(r);
        Stats.BadJson(key, column.Name);
        return jsonPolicy switch
        {
            InvalidJsonPolicy.Fail => throw new InvalidJsonException(table.Name, key, column.Name),
            InvalidJsonPolicy.Null => defaultValue as JsonText,
            _ => new JsonText(JsonSerializer.Serialize(new Dictionary<string, string> { ["_invalid_json"] = text })),
        };
    }

    /// <summary>Valid JSON that PostgreSQL's jsonb also accepts (it refuses the NUL character).</summary>
    internal static bool IsValidJson(string text)
    {
        if (text.Contains("\\u0000", StringComparison.Ordinal))
        {
            return false;
        }

        // encoded into a pooled buffer: one array per value would be a million arrays for a million rows
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), new JsonReaderOptions { MaxDepth = 256 });
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static object? FromNode(System.Text.Json.Nodes.JsonNode node, TargetColumn column) =>
        column.PgType == "jsonb" ? new JsonText(node.ToJsonString()) : node.GetValue<JsonElement>().ToString();

    /// <summary>The value as the .NET type of the target column's PostgreSQL type.</summary>
    internal static object? Coerce(TargetColumn column, object? value)
    {
        if (value is null or DBNull)
        {
            return null;
        }

        var c = CultureInfo.InvariantCulture;
        return column.PgType switch
        {
            "integer" => Convert.ToInt32(value, c),
            "smallint" => Convert.ToInt16(value, c),
            "bigint" => Convert.ToInt64(value, c),
            "real" => Convert.ToSingle(value, c),
            "double precision" => Convert.ToDouble(value, c),
            "boolean" => value is bool b ? b : Convert.ToInt64(value, c) != 0,
            "uuid" => value is Guid g ? g : Guid.Parse(Convert.ToString(value, c)!),
            "text" or "character varying" => value is string s ? s : Convert.ToString(value, c),
            "jsonb" => value is JsonText j ? j : new JsonText(Convert.ToString(value, c)!),
            _ => value,
        };
    }
}
