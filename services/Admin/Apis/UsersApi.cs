using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Platform.Admin.Model;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Admin.Apis;

/// <summary>An organisation's users. Platform keys pick the organisation with <c>?org_id=</c>; others use their own.</summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/admin/users").WithTags("Users").RequireScope(Scopes.Admin);

        api.MapGet("/", ListUsersAsync).WithName("ListUsers");
        api.MapGet("/{id:guid}", GetUserAsync).WithName("GetUser");
        api.MapPost("/", CreateUserAsync).WithName("CreateUser");
        api.MapPut("/{id:guid}", UpdateUserAsync).WithName("UpdateUser").WithSummary("Fields left out keep their value.");
        api.MapDelete("/{id:guid}", DeleteUserAsync).WithName("DeleteUser");
        return api;
    }

    private const string Columns = "id, org_id, external_id, email, name, role, created_at, updated_at";

    public static async Task<Results<Ok<Page<User>>, NotFound, ValidationProblem>> ListUsersAsync(
        CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] Guid? orgId, int? limit, string? cursor, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {Columns} FROM users
            WHERE org_id = @org AND (@afterAt::timestamptz IS NULL OR (created_at, id) > (@afterAt, @afterId))
            ORDER BY created_at, id
            LIMIT @take
            """;
        return await Tenancy.ListOwnedAsync<User>(caller, orgId, db, sql, limit, cursor, x => new Cursor(x.CreatedAt, x.Id), ct);
    }

    public static async Task<Results<Ok<User>, NotFound>> GetUserAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        const string sql = $"SELECT {Columns} FROM users WHERE id = @id AND (org_id = @org OR @any)";
        await using var conn = await db.OpenConnectionAsync(ct);
        var user = await conn.QuerySingleOrDefaultAsync<User>(new CommandDefinition(sql,
            new { id, org, any = caller.IsPlatform && orgId is null }, cancellationToken: ct));
        return user is null ? TypedResults.NotFound() : TypedResults.Ok(user);
    }

    public static async Task<Results<Created<User>, NotFound, ValidationProblem, ProblemHttpResult>> CreateUserAsync(
        CreateUserRequest request, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock, [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        var validation = new Validation()
            .Text("external_id", request.ExternalId, 200)
            .Email("email", request.Email)
            .Text("name", request.Name, 200)
            .OneOf("role", request.Role, UserRoles.All);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        const string sql = $"""
            INSERT INTO users (id, org_id, external_id, email, name, role, created_at, updated_at)
            VALUES (@Id, @OrgId, @ExternalId, @Email, @Name, @Role, @CreatedAt, @UpdatedAt)
            RETURNING {Columns}
            """;
        var now = clock.GetUtcNow();
        var user = new User(Guid.CreateVersion7(now), org, request.ExternalId!.Trim(), request.Email!.Trim(), request.Name!.Trim(), request.Role ?? "member", now, now);
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var created = await conn.QuerySingleAsync<User>(new CommandDefinition(sql, user, cancellationToken: ct));
            return TypedResults.Created($"/api/v1/admin/users/{created.Id}", created);
        }
        catch (PostgresException ex) when (Tenancy.IsUniqueViolation(ex, out _))
        {
            return Problems.Conflict($"A user with external_id '{user.ExternalId}' already exists in this organisation.");
        }
        catch (PostgresException ex) when (Tenancy.IsMissingParent(ex))
        {
            return TypedResults.NotFound();
        }
    }

    public static async Task<Results<Ok<User>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateUserAsync(
        Guid id, UpdateUserRequest request, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock, [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        var validation = new Validation()
            .Text("external_id", request.ExternalId, 200, required: false)
            .Email("email", request.Email, required: false)
            .Text("name", request.Name, 200, required: false)
            .OneOf("role", request.Role, UserRoles.All);
        foreach (var (field, value) in new[] { ("external_id", request.ExternalId), ("email", request.Email), ("name", request.Name) })
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                validation.Add(field, $"The {field} field may not be blank.");
            }
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        const string sql = $"""
            UPDATE users SET
                external_id = COALESCE(@externalId, external_id),
                email = COALESCE(@email, email),
                name = COALESCE(@name, name),
                role = COALESCE(@role, role),
                updated_at = @now
            WHERE id = @id AND (org_id = @org OR @any)
            RETURNING {Columns}
            """;
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var updated = await conn.QuerySingleOrDefaultAsync<User>(new CommandDefinition(sql, new
            {
                id,
                org,
                any = caller.IsPlatform && orgId is null,
                externalId = request.ExternalId?.Trim(),
                email = request.Email?.Trim(),
                name = request.Name?.Trim(),
                role = request.Role,
                now = clock.GetUtcNow(),
            }, cancellationToken: ct));
            return updated is null ? TypedResults.NotFound() : TypedResults.Ok(updated);
        }
        catch (PostgresException ex) when (Tenancy.IsUniqueViolation(ex, out _))
        {
            return Problems.Conflict($"A user with external_id '{request.ExternalId}' already exists in this organisation.");
        }
    }

    public static async Task<Results<NoContent, NotFound>> DeleteUserAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        const string sql = "DELETE FROM users WHERE id = @id AND (org_id = @org OR @any)";
        await using var conn = await db.OpenConnectionAsync(ct);
        var deleted = await conn.ExecuteAsync(new CommandDefinition(sql,
            new { id, org, any = caller.IsPlatform && orgId is null }, cancellationToken: ct));
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }
}
