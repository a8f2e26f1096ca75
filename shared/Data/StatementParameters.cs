using System.Collections.Concurrent;
using System.Data;
using System.Reflection;
using Dapper;

namespace Platform.Data;

/// <summary>
/// The parameters of a statement assembled from parts (e.g. a job's own statement and the service's writes that go
/// with it), for Dapper: named values, and objects whose public properties are parameters. Values are bound as Dapper
/// binds them (its type handlers, enums as numbers, lists as arrays, the DbType it picks for a CLR type; a
/// DateTimeOffset in UTC), with one difference: Dapper's <c>DynamicParameters</c> reads every parameter's <c>DbType</c>
/// back after setting its value, and for a parameter whose type was not set yet, Npgsql answers by inferring the type
/// from the value through its global type mapper, uncached (npgsql#4009): perf put that at a tenth of the Analyzer's
/// CPU on <c>POST /jobs</c> and 3% of a worker's. Here nothing is read back.
/// Parts may share a parameter (the same name with the same value); the same name with another value is a mistake in
/// how the statement was assembled, and throws.
/// </summary>
public sealed class StatementParameters : SqlMapper.IDynamicParameters
{
    // What Dapper's type lookup answers for a list (its DynamicParameters.EnumerableMultiParameter, internal).
    private const DbType EnumerableMultiParameter = (DbType)(-1);

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> PropertiesByType = new();

    private readonly Dictionary<string, (object? Value, DbType? Type)> values = new(StringComparer.Ordinal);

    /// <summary>How many parameters there are.</summary>
    public int Count => values.Count;

    /// <summary>Adds <c>@name</c> (a leading <c>@</c> or <c>:</c> is dropped); <paramref name="type"/> when the value alone does not say (a null).</summary>
    public StatementParameters Add(string name, object? value, DbType? type = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var clean = name[0] is '@' or ':' ? name[1..] : name;
        if (!values.TryAdd(clean, (value, type)) && (!Equals(values[clean].Value, value) || values[clean].Type != type))
        {
            throw new ArgumentException($"The parameter @{clean} is given twice, with different values.", nameof(name));
        }

        return this;
    }

    /// <summary>
    /// Adds the public properties of <paramref name="parameters"/> (an anonymous object, say) as parameters, or its
    /// entries when it is a dictionary of names and values; null adds nothing.
    /// </summary>
    public StatementParameters AddObject(object? parameters)
    {
        switch (parameters)
        {
            case null:
                break;
            case StatementParameters other:
                foreach (var (name, (value, type)) in other.values)
                {
                    Add(name, value, type);
                }

                break;
            case IEnumerable<KeyValuePair<string, object?>> entries:
                foreach (var (name, value) in entries)
                {
                    Add(name, value);
                }

                break;
            default:
                foreach (var property in PropertiesByType.GetOrAdd(parameters.GetType(), Readable))
                {
                    Add(property.Name, property.GetValue(parameters));
                }

                break;
        }

        return this;
    }

    /// <summary>The value given for <paramref name="name"/> (for tests and diagnostics).</summary>
    public object? this[string name] => values[name].Value;

    void SqlMapper.IDynamicParameters.AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        foreach (var (name, (value, explicitType)) in values)
        {
            Bind(command, name, value, explicitType);
        }
    }

    private static void Bind(IDbCommand command, string name, object? value, DbType? explicitType)
    {
        if (value is DateTimeOffset { Offset.Ticks: not 0 } local)
        {
            // The same instant in UTC: Npgsql writes timestamptz from UTC only (Dapper would pass it on and fail).
            value = local.ToUniversalTime();
        }

        if (value is SqlMapper.ICustomQueryParameter custom)
        {
            // e.g. Dapper's DbString: it adds its own parameter.
            custom.AddParameter(command, name);
            return;
        }

        SqlMapper.ITypeHandler? handler = null;
        var type = explicitType;
        if (type is null && value is not null)
        {
#pragma warning disable CS0618 // Dapper's own lookup (public, marked for its internal use): the same binding as Dapper's
            type = SqlMapper.LookupDbType(value.GetType(), name, true, out handler);
#pragma warning restore CS0618
        }

        if (type == EnumerableMultiParameter)
        {
            // A list: one array parameter for Npgsql (Dapper's list handling, which knows the provider takes arrays).
#pragma warning disable CS0612, CS0618
            SqlMapper.PackListParameters(command, name, value);
#pragma warning restore CS0612, CS0618
            return;
        }

        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Direction = ParameterDirection.Input;
        if (type is { } dbType)
        {
            parameter.DbType = dbType;
        }

        if (handler is null)
        {
#pragma warning disable CS0618
            parameter.Value = SqlMapper.SanitizeParameterValue(value);
#pragma warning restore CS0618
        }
        else
        {
            handler.SetValue(parameter, value ?? DBNull.Value);
        }

        command.Parameters.Add(parameter);
    }

    private static PropertyInfo[] Readable(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0)];
}
