using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Admin.Model;
using Platform.Admin.Security;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Admin.Apis;

/// <summary>Endpoints for the fleet's own apps (never routed by the gateway; callers sign as services).</summary>
public static class InternalApi
{
    public static RouteGroupBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal").WithTags("Internal").RequireScope(Scopes.Internal);

        api.MapPost("/keys/verify", VerifyKeyAsync).WithName("VerifyApiKey")
            .WithSummary("For the gateway: the key's organisation, scopes and rate limit, or 401.");
        api.MapGet("/prompts/resolve", PromptsApi.ResolvePromptAsync).WithName("ResolvePrompt")
            .WithSummary("The organisation's active version of a prompt key, else the global one.");
        api.MapGet("/guidelines", ListOrganizationGuidelinesAsync).WithName("InternalListGuidelines")
            .WithSummary("For the Evaluator: the guidelines that apply to an organisation (global ones it does not override, then its own), or the given ids.");
        return api;
    }

    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public static async Task<Results<Ok<VerifiedKey>, ValidationProblem, ProblemHttpResult>> VerifyKeyAsync(
        VerifyKeyRequest request, NpgsqlDataSource db, ApiKeyHasher hasher, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation().Text("api_key", request.ApiKey, 200).Text("api_secret", request.ApiSecret, 200);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        const string sql = """
            SELECT k.id, k.org_id, k.secret_hash, k.scopes, k.rate_limit_per_minute, k.revoked_at, k.last_used_at,
                   (o.settings ->> 'requests_per_minute')::int AS org_requests_per_minute
            FROM api_keys k JOIN organizations o ON o.id = k.org_id
            WHERE k.key_hash = @keyHash
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(sql,
            new { keyHash = hasher.HashKey(request.ApiKey!) }, cancellationToken: ct));

        // One answer for every failure, so a caller cannot tell an unknown key from a wrong secret or a revoked key.
        if (row is null || !hasher.SecretMatches(request.ApiSecret!, row.SecretHash) || row.RevokedAt is not null)
        {
            return Problems.Unauthorized("The API key or secret is not valid.");
        }

        var now = clock.GetUtcNow();
        if (row.LastUsedAt is null || now - row.LastUsedAt > LastUsedResolution)
        {
            const string touch = "UPDATE api_keys SET last_used_at = @now WHERE id = @id";
            await conn.ExecuteAsync(new CommandDefinition(touch, new { row.Id, now }, cancellationToken: ct));
        }

        return TypedResults.Ok(new VerifiedKey(row.Id, row.OrgId, row.Scopes, row.RateLimitPerMinute, row.OrgRequestsPerMinute));
    }

    public static async Task<Results<Ok<IReadOnlyList<EffectiveGuideline>>, ValidationProblem>> ListOrganizationGuidelinesAsync(
        NpgsqlDataSource db, Guid? org, string? ids, CancellationToken ct)
    {
        var validation = new Validation();
        if (org is null)
        {
            validation.Add("org", "The org query parameter is required.");
        }

        var wanted = new List<Guid>();
        foreach (var part in (ids ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Guid.TryParse(part, out var id))
            {
                wanted.Add(id);
            }
            else
            {
                validation.Add("ids", $"'{part}' is not a guideline id.");
            }
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        return TypedResults.Ok(await GuidelinesApi.EffectiveAsync(db, org!.Value, [.. wanted], ct));
    }

    private sealed record KeyRow(
        Guid Id, Guid OrgId, byte[] SecretHash, string[] Scopes, int? RateLimitPerMinute, DateTimeOffset? RevokedAt,
        DateTimeOffset? LastUsedAt, int? OrgRequestsPerMinute);
}
