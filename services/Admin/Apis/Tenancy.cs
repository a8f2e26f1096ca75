using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Admin.Apis;

/// <summary>Which organisation a request may act on, and database errors that are the client's doing.</summary>
internal static class Tenancy
{
    /// <summary>
    /// The organisation a request targets: the caller's own unless a platform key names another. Null when the caller
    /// may not see it, which the endpoints answer as 404, exactly as for an id that does not exist.
    /// </summary>
    public static Guid? TargetOrg(CallerIdentity caller, Guid? requested)
    {
        if (requested is null)
        {
            return caller.OrganizationId;
        }

        return caller.CanAccess(requested.Value) ? requested : null;
    }

    /// <summary>
    /// One page of an organisation's rows, oldest first. <paramref name="sql"/> selects with the parameters
    /// <c>@org</c>, <c>@afterAt</c>, <c>@afterId</c> and <c>@take</c>, ordered by <c>created_at, id</c>.
    /// </summary>
    public static async Task<Results<Ok<Page<T>>, NotFound, ValidationProblem>> ListOwnedAsync<T>(
        CallerIdentity caller, Guid? orgId, NpgsqlDataSource db, string sql, int? limit, string? cursor, Func<T, Cursor> keyOf,
        CancellationToken ct)
    {
        if (TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        var validation = Cursor.ValidatePage(limit, cursor, out var pageSize, out var after);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<T>(new CommandDefinition(sql,
            new { org, afterAt = after?.At, afterId = after?.Id, take = pageSize + 1 }, cancellationToken: ct))).AsList();
        return TypedResults.Ok(Page.From(rows, pageSize, keyOf));
    }

    /// <summary>True for a unique-constraint violation, with the constraint's name.</summary>
    public static bool IsUniqueViolation(PostgresException ex, out string constraint)
    {
        constraint = ex.ConstraintName ?? string.Empty;
        return ex.SqlState == PostgresErrorCodes.UniqueViolation;
    }

    /// <summary>True when a referenced row (the organisation) no longer exists.</summary>
    public static bool IsMissingParent(PostgresException ex) => ex.SqlState == PostgresErrorCodes.ForeignKeyViolation;
}
