using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Admin.Model;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Admin.Apis;

public static class OrganizationsApi
{
    public static RouteGroupBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/admin/organizations").WithTags("Organizations").RequireScope(Scopes.Admin);

        api.MapGet("/", ListOrganizationsAsync).WithName("ListOrganizations")
            .WithSummary("Organisations the key may see (all of them for platform keys), oldest first, keyset-paginated.");
        api.MapGet("/{id:guid}", GetOrganizationAsync).WithName("GetOrganization");
        api.MapPost("/", CreateOrganizationAsync).WithName("CreateOrganization").WithSummary("Platform keys only.");
        api.MapPut("/{id:guid}", UpdateOrganizationAsync).WithName("UpdateOrganization")
            .WithSummary("Fields left out keep their value.");
        api.MapDelete("/{id:guid}", DeleteOrganizationAsync).WithName("DeleteOrganization")
            .WithSummary("Platform keys only. Deletes the organisation's users, keys, prompts and guidelines with it.");
        return api;
    }

    private const string Columns = "id, name, slug, settings, created_at, updated_at";

    public static async Task<Results<Ok<Page<Organization>>, ValidationProblem>> ListOrganizationsAsync(
        CallerIdentity caller, NpgsqlDataSource db, int? limit, string? cursor, CancellationToken ct)
    {
        var validation = Cursor.ValidatePage(limit, cursor, out var pageSize, out var after);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        const string sql = $"""
            SELECT {Columns} FROM organizations
            WHERE (@all OR id = @org)
              AND (@afterAt::timestamptz IS NULL OR (created_at, id) > (@afterAt, @afterId))
            ORDER BY created_at, id
            LIMIT @take
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<Organization>(new CommandDefinition(sql, new
        {
            all = caller.IsPlatform,
            org = caller.OrganizationId,
            afterAt = after?.At,
            afterId = after?.Id,
            take = pageSize + 1,
        }, cancellationToken: ct))).AsList();
        return TypedResults.Ok(Page.From(rows, pageSize, o => new Cursor(o.CreatedAt, o.Id)));
    }

    public static async Task<Results<Ok<Organization>, NotFound>> GetOrganizationAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!caller.CanAccess(id))
        {
            return TypedResults.NotFound();
        }

        var org = await FindAsync(db, id, ct);
        return org is null ? TypedResults.NotFound() : TypedResults.Ok(org);
    }

    public static async Task<Results<Created<Organization>, ValidationProblem, ProblemHttpResult>> CreateOrganizationAsync(
        CreateOrganizationRequest request, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        if (!caller.IsPlatform)
        {
            return Problems.Forbidden("Only platform keys may create organisations.");
        }

        var validation = new Validation().Text("name", request.Name, 200).Slug("slug", request.Slug);
        ValidateSettings(validation, request.Settings);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        const string sql = $"""
            INSERT INTO organizations (id, name, slug, settings, created_at, updated_at)
            VALUES (@Id, @Name, @Slug, @Settings, @CreatedAt, @UpdatedAt)
            RETURNING {Columns}
            """;
        var now = clock.GetUtcNow();
        var org = new Organization(Guid.CreateVersion7(now), request.Name!.Trim(), request.Slug!, request.Settings ?? new(), now, now);
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var created = await conn.QuerySingleAsync<Organization>(new CommandDefinition(sql, org, cancellationToken: ct));
            return TypedResults.Created($"/api/v1/admin/organizations/{created.Id}", created);
        }
        catch (PostgresException ex) when (Tenancy.IsUniqueViolation(ex, out _))
        {
            return SlugTaken(request.Slug!);
        }
    }

    public static async Task<Results<Ok<Organization>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateOrganizationAsync(
        Guid id, UpdateOrganizationRequest request, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        if (!caller.CanAccess(id))
        {
            return TypedResults.NotFound();
        }

        var validation = new Validation()
            .Text("name", request.Name, 200, required: false)
            .Slug("slug", request.Slug, required: false);
        if (request.Name is not null && string.IsNullOrWhiteSpace(request.Name))
        {
            validation.Add("name", "The name field may not be blank.");
        }

        ValidateSettings(validation, request.Settings);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        const string sql = $"""
            UPDATE organizations SET
                name = COALESCE(@name, name),
                slug = COALESCE(@slug, slug),
                settings = COALESCE(@settings, settings),
                updated_at = @now
            WHERE id = @id
            RETURNING {Columns}
            """;
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var updated = await conn.QuerySingleOrDefaultAsync<Organization>(new CommandDefinition(sql, new
            {
                id,
                name = request.Name?.Trim(),
                slug = request.Slug,
                settings = request.Settings,
                now = clock.GetUtcNow(),
            }, cancellationToken: ct));
            return updated is null ? TypedResults.NotFound() : TypedResults.Ok(updated);
        }
        catch (PostgresException ex) when (Tenancy.IsUniqueViolation(ex, out _))
        {
            return SlugTaken(request.Slug!);
        }
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteOrganizationAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!caller.CanAccess(id))
        {
            return TypedResults.NotFound();
        }

        if (!caller.IsPlatform)
        {
            return Problems.Forbidden("Only platform keys may delete organisations.");
        }

        const string sql = "DELETE FROM organizations WHERE id = @id";
        await using var conn = await db.OpenConnectionAsync(ct);
        var deleted = await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    internal static async Task<Organization?> FindAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} FROM organizations WHERE id = @id";
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Organization>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    private static void ValidateSettings(Validation validation, OrganizationSettings? settings)
    {
        if (settings is null)
        {
            return;
        }

        validation
            .Range("settings.requests_per_minute", settings.RequestsPerMinute, 1, 1_000_000)
            .Range("settings.monthly_token_budget", settings.MonthlyTokenBudget, 0, long.MaxValue);
        if (settings.DefaultLanguage is { } language
            && !System.Text.RegularExpressions.Regex.IsMatch(language, "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"))
        {
            validation.Add("settings.default_language", "The settings.default_language field must be a language tag such as en or pt-BR.");
        }
    }

    private static ProblemHttpResult SlugTaken(string slug) =>
        Problems.Conflict($"The slug '{slug}' is already taken by another organisation.");
}
