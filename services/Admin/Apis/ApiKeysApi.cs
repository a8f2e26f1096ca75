using Dapper;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Platform.Admin.Model;
using Platform.Admin.Security;
using Platform.Contracts;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Admin.Apis;

/// <summary>An organisation's API keys. The secret is answered once, at creation, and stored only as a hash.</summary>
public static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/admin/api-keys").WithTags("API keys").RequireScope(Scopes.Admin);

        api.MapGet("/", ListApiKeysAsync).WithName("ListApiKeys").WithSummary("Never shows keys or secrets, only their prefix.");
        api.MapPost("/", CreateApiKeyAsync).WithName("CreateApiKey")
            .WithSummary("Answers the api_key and api_secret once. A key may be given only scopes its creator holds.");
        api.MapPost("/{id:guid}/revoke", RevokeApiKeyAsync).WithName("RevokeApiKey")
            .WithSummary("The key stops working at every gateway replica within a second.");
        return api;
    }

    private const string Columns = "id, org_id, name, prefix, scopes, rate_limit_per_minute, created_at, last_used_at, revoked_at";

    public static async Task<Results<Ok<Page<ApiKey>>, NotFound, ValidationProblem>> ListApiKeysAsync(
        CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] Guid? orgId, int? limit, string? cursor, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {Columns} FROM api_keys
            WHERE org_id = @org AND (@afterAt::timestamptz IS NULL OR (created_at, id) > (@afterAt, @afterId))
            ORDER BY created_at, id
            LIMIT @take
            """;
        return await Tenancy.ListOwnedAsync<ApiKey>(caller, orgId, db, sql, limit, cursor, x => new Cursor(x.CreatedAt, x.Id), ct);
    }

    public static async Task<Results<Created<CreatedApiKey>, NotFound, ValidationProblem, ProblemHttpResult>> CreateApiKeyAsync(
        CreateApiKeyRequest request, CallerIdentity caller, NpgsqlDataSource db, ApiKeyHasher hasher, TimeProvider clock,
        [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        var validation = new Validation()
            .Text("name", request.Name, 100)
            .Range("rate_limit_per_minute", request.RateLimitPerMinute, 1, 1_000_000);
        var scopes = request.Scopes?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray() ?? [];
        if (scopes.Length == 0)
        {
            validation.Add("scopes", "Give the key at least one scope.");
        }

        foreach (var scope in scopes.Where(s => !Scopes.ForKeys.Contains(s)))
        {
            validation.Add("scopes", $"Unknown scope '{scope}'. Scopes are: {string.Join(", ", Scopes.ForKeys.Order())}.");
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var beyondCaller = scopes.Where(s => !caller.IsPlatform && !caller.Has(s)).ToArray();
        if (beyondCaller.Length > 0)
        {
            return Problems.Forbidden($"A key can only be given scopes its creator holds; this key lacks: {string.Join(", ", beyondCaller)}.");
        }

        var (apiKey, secret) = ApiKeyHasher.Generate();
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        const string sql = """
            INSERT INTO api_keys (id, org_id, name, prefix, key_hash, secret_hash, scopes, rate_limit_per_minute, created_at)
            VALUES (@id, @org, @name, @prefix, @keyHash, @secretHash, @scopes, @rateLimit, @now)
            """;
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition(sql, new
            {
                id,
                org,
                name = request.Name!.Trim(),
                prefix = ApiKeyHasher.PrefixOf(apiKey),
                keyHash = hasher.HashKey(apiKey),
                secretHash = hasher.HashSecret(secret),
                scopes,
                rateLimit = request.RateLimitPerMinute,
                now,
            }, cancellationToken: ct));
        }
        catch (PostgresException ex) when (Tenancy.IsMissingParent(ex))
        {
            return TypedResults.NotFound();
        }

        var created = new CreatedApiKey(id, org, request.Name.Trim(), apiKey, secret, ApiKeyHasher.PrefixOf(apiKey), scopes, request.RateLimitPerMinute, now);
        return TypedResults.Created($"/api/v1/admin/api-keys/{id}", created);
    }

    public static async Task<Results<Ok<ApiKey>, NotFound>> RevokeApiKeyAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, IPublishEndpoint bus, TimeProvider clock, [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        // Revoking twice keeps the first time; the event is published again, which consumers treat as a no-op.
        const string sql = $"""
            UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @now)
            WHERE id = @id AND (org_id = @org OR @any)
            RETURNING {Columns}
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var key = await conn.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(sql,
            new { id, org, any = caller.IsPlatform && orgId is null, now = clock.GetUtcNow() }, cancellationToken: ct));
        if (key is null)
        {
            return TypedResults.NotFound();
        }

        await bus.Publish(new ApiKeyRevoked { KeyId = key.Id, OrganizationId = key.OrgId, RevokedAt = key.RevokedAt!.Value }, ct);
        return TypedResults.Ok(key);
    }
}
