using System.Data;
using System.Text.Json;
using Dapper;
using NpgsqlTypes;

namespace Platform.Data;

/// <summary>Reads and writes <see cref="JsonDocument"/> as jsonb.</summary>
internal sealed class JsonDocumentHandler : SqlMapper.TypeHandler<JsonDocument>
{
    public override void SetValue(IDbDataParameter parameter, JsonDocument? value)
    {
        parameter.Value = value is null ? DBNull.Value : value.RootElement.GetRawText();
        if (parameter is Npgsql.NpgsqlParameter npgsql)
        {
            npgsql.NpgsqlDbType = NpgsqlDbType.Jsonb;
        }
    }

    public override JsonDocument? Parse(object value) => value switch
    {
        string text => JsonDocument.Parse(text),
        JsonDocument document => document,
        _ => throw new DataException($"Cannot read {value.GetType()} as JSON."),
    };
}

/// <summary>
/// Stores any <typeparamref name="T"/> as jsonb in snake_case, the same shape the API returns. Register one per
/// type with <see cref="Jsonb.Register{T}"/>.
/// </summary>
public sealed class JsonbHandler<T> : SqlMapper.TypeHandler<T>
{
    /// <inheritdoc />
    public override void SetValue(IDbDataParameter parameter, T? value)
    {
        parameter.Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, Jsonb.Options);
        if (parameter is Npgsql.NpgsqlParameter npgsql)
        {
            npgsql.NpgsqlDbType = NpgsqlDbType.Jsonb;
        }
    }

    /// <inheritdoc />
    public override T? Parse(object value) => value switch
    {
        string text => JsonSerializer.Deserialize<T>(text, Jsonb.Options),
        _ => throw new DataException($"Cannot read {value.GetType()} as JSON of {typeof(T).Name}."),
    };
}

/// <summary>jsonb mapping for Dapper.</summary>
public static class Jsonb
{
    /// <summary>The JSON settings of stored documents: snake_case, like the API.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Lets Dapper read and write <typeparamref name="T"/> as a jsonb column.</summary>
    public static void Register<T>() => SqlMapper.AddTypeHandler(new JsonbHandler<T>());

    /// <summary>
    /// <paramref name="value"/> as JSON text for a <c>@param::jsonb</c> parameter: for lists, which Dapper would
    /// otherwise expand into one parameter per item.
    /// </summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}

/// <summary>timestamptz comes back from Npgsql as a UTC <see cref="DateTime"/>; records use DateTimeOffset.</summary>
internal sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        parameter.Value = value.ToUniversalTime();
        if (parameter is Npgsql.NpgsqlParameter npgsql)
        {
            npgsql.NpgsqlDbType = NpgsqlDbType.TimestampTz;
        }
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        DateTimeOffset dto => dto,
        _ => throw new DataException($"Cannot read {value.GetType()} as a timestamp."),
    };
}

/// <summary>
/// PostgreSQL arrays (<c>text[]</c>, <c>uuid[]</c>) arrive as <see cref="Array"/>; a handler lets Dapper bind them to
/// record constructors that take <typeparamref name="T"/>[].
/// </summary>
internal sealed class ArrayHandler<T> : SqlMapper.TypeHandler<T[]>
{
    public override void SetValue(IDbDataParameter parameter, T[]? value) => parameter.Value = (object?)value ?? DBNull.Value;

    public override T[] Parse(object value) => value switch
    {
        T[] typed => typed,
        Array array => [.. array.Cast<T>()],
        _ => throw new DataException($"Cannot read {value.GetType()} as {typeof(T).Name}[]."),
    };
}
