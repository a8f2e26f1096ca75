using Npgsql;
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

    /// <summary>True for a unique-constraint violation, with the constraint's name.</summary>
    public static bool IsUniqueViolation(PostgresException ex, out string constraint)
    {
        constraint = ex.ConstraintName ?? string.Empty;
        return ex.SqlState == PostgresErrorCodes.UniqueViolation;
    }

    /// <summary>True when a referenced row (the organisation) no longer exists.</summary>
    public static bool IsMissingParent(PostgresException ex) => ex.SqlState == PostgresErrorCodes.ForeignKeyViolation;
}
