using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Platform.Admin.Model;
using Platform.Contracts;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Admin.Apis;

/// <summary>
/// Versioned prompts. Global prompts (no organisation) are the defaults every organisation sees and only platform keys
/// change; an organisation's own prompt for a key overrides the global one. Changes need <c>If-Match</c> with the
/// prompt's ETag, so a stale update is refused (412) instead of silently overwriting someone else's.
/// </summary>
public static class PromptsApi
{
    public static RouteGroupBuilder MapPromptsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/admin/prompts").WithTags("Prompts").RequireScope(Scopes.Admin);

        api.MapGet("/", ListPromptsAsync).WithName("ListPrompts")
            .WithSummary("The global prompts and the organisation's own; filter with key and org_id (org_id=global for global only).");
        api.MapGet("/{id:guid}", GetPromptAsync).WithName("GetPrompt").WithSummary("Answers an ETag for If-Match.");
        api.MapPost("/", CreatePromptAsync).WithName("CreatePrompt");
        api.MapPut("/{id:guid}", UpdatePromptAsync).WithName("UpdatePrompt")
            .WithSummary("Adds a version and activates it. Requires If-Match with the current ETag.");
        api.MapDelete("/{id:guid}", DeletePromptAsync).WithName("DeletePrompt");
        api.MapGet("/{id:guid}/versions", ListPromptVersionsAsync).WithName("ListPromptVersions");
        api.MapPost("/{id:guid}/versions/{version:int}/activate", ActivatePromptVersionAsync).WithName("ActivatePromptVersion")
            .WithSummary("Makes an earlier (or later) version active: a rollback. If-Match is honoured when sent.");
        return api;
    }

    private const string Columns = """
        p.id, p.key, p.org_id, p.description, p.active_version, p.latest_version, p.revision,
        v.template, v.temperature, v.max_tokens, p.created_at, p.updated_at
        """;

    private const string FromActive = "FROM prompts p JOIN prompt_versions v ON v.prompt_id = p.id AND v.version = p.active_version";

    public static async Task<Results<Ok<Page<Prompt>>, ValidationProblem>> ListPromptsAsync(
        CallerIdentity caller, NpgsqlDataSource db, string? key, [FromQuery(Name = "org_id")] string? orgId, int? limit, string? cursor, CancellationToken ct)
    {
        var validation = Cursor.ValidatePage(limit, cursor, out var pageSize, out var after);
        Guid? filterOrg = null;
        var globalOnly = string.Equals(orgId, "global", StringComparison.Ordinal);
        if (orgId is not null && !globalOnly)
        {
            if (!Guid.TryParse(orgId, out var parsed))
            {
                validation.Add("org_id", "The org_id filter must be an organisation id or 'global'.");
            }
            else
            {
                filterOrg = parsed;
            }
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        if (filterOrg is { } requested && !caller.CanAccess(requested))
        {
            return TypedResults.Ok(new Page<Prompt>([], null));
        }

        const string sql = $"""
            SELECT {Columns} {FromActive}
            WHERE (p.org_id IS NULL OR p.org_id = @own OR @platform)
              AND (@key::text IS NULL OR p.key = @key)
              AND (NOT @globalOnly OR p.org_id IS NULL)
              AND (@filterOrg::uuid IS NULL OR p.org_id = @filterOrg)
              AND (@afterAt::timestamptz IS NULL OR (p.created_at, p.id) > (@afterAt, @afterId))
            ORDER BY p.created_at, p.id
            LIMIT @take
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<PromptRow>(new CommandDefinition(sql, new
        {
            own = caller.OrganizationId,
            platform = caller.IsPlatform,
            key,
            globalOnly,
            filterOrg,
            afterAt = after?.At,
            afterId = after?.Id,
            take = pageSize + 1,
        }, cancellationToken: ct))).Select(r => r.ToPrompt()).ToList();
        return TypedResults.Ok(Page.From(rows, pageSize, p => new Cursor(p.CreatedAt, p.Id)));
    }

    public static async Task<Results<Ok<Prompt>, NotFound>> GetPromptAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var prompt = await FindVisibleAsync(conn, caller, id, null, ct);
        if (prompt is null)
        {
            return TypedResults.NotFound();
        }

        response.Headers.ETag = ETagOf(prompt.Revision);
        return TypedResults.Ok(prompt);
    }

    public static async Task<Results<Created<Prompt>, NotFound, ValidationProblem, ProblemHttpResult>> CreatePromptAsync(
        CreatePromptRequest request, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock, HttpResponse response, CancellationToken ct)
    {
        var validation = new Validation().Text("description", request.Description, 500, required: false);
        if (string.IsNullOrWhiteSpace(request.Key))
        {
            validation.Add("key", "The key field is required.");
        }
        else if (!PromptKeys.All.Contains(request.Key))
        {
            validation.Add("key", $"Unknown prompt key. Keys are: {string.Join(", ", PromptKeys.All.Order(StringComparer.Ordinal))}.");
        }

        ValidateTemplate(validation, request.Template, required: true);
        ValidateParameters(validation, request.Parameters);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        // No org_id: a platform key creates a global default; any other key an override for its own organisation.
        var org = request.OrgId ?? (caller.IsPlatform ? null : caller.OrganizationId);
        if (org is { } target && !caller.CanAccess(target))
        {
            return TypedResults.NotFound();
        }

        if (org is null && !caller.IsPlatform)
        {
            return Problems.Forbidden("Only platform keys may create global prompts.");
        }

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            const string insertPrompt = """
                INSERT INTO prompts (id, key, org_id, description, active_version, latest_version, revision, created_at, updated_at)
                VALUES (@id, @key, @org, @description, 1, 1, 1, @now, @now)
                """;
            await conn.ExecuteAsync(new CommandDefinition(insertPrompt,
                new { id, key = request.Key, org, description = request.Description?.Trim() ?? string.Empty, now }, tx, cancellationToken: ct));
            await InsertVersionAsync(conn, tx, id, 1, request.Template!, request.Parameters, caller.KeyId, now, ct);
            await tx.CommitAsync(ct);
        }
        catch (PostgresException ex) when (Tenancy.IsUniqueViolation(ex, out _))
        {
            return Problems.Conflict(org is null
                ? $"A global prompt for '{request.Key}' already exists: update it to add a version."
                : $"This organisation already has a prompt for '{request.Key}': update it to add a version.");
        }
        catch (PostgresException ex) when (Tenancy.IsMissingParent(ex))
        {
            return TypedResults.NotFound();
        }

        var created = (await FindVisibleAsync(conn, caller, id, null, ct))!;
        response.Headers.ETag = ETagOf(created.Revision);
        return TypedResults.Created($"/api/v1/admin/prompts/{id}", created);
    }

    public static async Task<Results<Ok<Prompt>, NotFound, ValidationProblem, ProblemHttpResult>> UpdatePromptAsync(
        Guid id, UpdatePromptRequest request, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock,
        [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct)
    {
        var validation = new Validation().Text("description", request.Description, 500, required: false);
        ValidateTemplate(validation, request.Template, required: true);
        ValidateParameters(validation, request.Parameters);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Problems.PreconditionRequired("Send If-Match with the prompt's ETag (from GET) so that no one else's change is overwritten.");
        }

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var current = await LockForChangeAsync(conn, tx, caller, id, ct);
        if (current is null)
        {
            return TypedResults.NotFound();
        }

        if (current.OrgId is null && !caller.IsPlatform)
        {
            return Problems.Forbidden("Only platform keys may change global prompts; create an override for your organisation instead.");
        }

        if (!Matches(ifMatch, current.Revision))
        {
            return Problems.PreconditionFailed($"The prompt has changed since you read it (now {ETagOf(current.Revision)}): read it again and reapply your change.");
        }

        var now = clock.GetUtcNow();
        var version = current.LatestVersion + 1;
        var parameters = request.Parameters ?? new PromptParameters(current.Temperature, current.MaxTokens);
        await InsertVersionAsync(conn, tx, id, version, request.Template!, parameters, caller.KeyId, now, ct);
        const string sql = """
            UPDATE prompts SET latest_version = @version, active_version = @version, revision = revision + 1,
                description = COALESCE(@description, description), updated_at = @now
            WHERE id = @id
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, version, description = request.Description?.Trim(), now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);

        var updated = (await FindVisibleAsync(conn, caller, id, null, ct))!;
        response.Headers.ETag = ETagOf(updated.Revision);
        return TypedResults.Ok(updated);
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeletePromptAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var current = await LockForChangeAsync(conn, tx, caller, id, ct);
        if (current is null)
        {
            return TypedResults.NotFound();
        }

        if (current.OrgId is null && !caller.IsPlatform)
        {
            return Problems.Forbidden("Only platform keys may delete global prompts.");
        }

        if (!string.IsNullOrWhiteSpace(ifMatch) && !Matches(ifMatch, current.Revision))
        {
            return Problems.PreconditionFailed("The prompt has changed since you read it.");
        }

        await conn.ExecuteAsync(new CommandDefinition("DELETE FROM prompts WHERE id = @id", new { id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<IReadOnlyList<PromptVersion>>, NotFound>> ListPromptVersionsAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var prompt = await FindVisibleAsync(conn, caller, id, null, ct);
        if (prompt is null)
        {
            return TypedResults.NotFound();
        }

        const string sql = """
            SELECT version, template, temperature, max_tokens, created_by, created_at
            FROM prompt_versions WHERE prompt_id = @id ORDER BY version DESC
            """;
        var versions = (await conn.QueryAsync<VersionRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct)))
            .Select(v => new PromptVersion(v.Version, v.Template, PromptTemplate.Placeholders(v.Template),
                new PromptParameters(v.Temperature, v.MaxTokens), v.CreatedBy, v.CreatedAt, v.Version == prompt.ActiveVersion))
            .ToList();
        return TypedResults.Ok<IReadOnlyList<PromptVersion>>(versions);
    }

    public static async Task<Results<Ok<Prompt>, NotFound, ProblemHttpResult>> ActivatePromptVersionAsync(
        Guid id, int version, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock,
        [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var current = await LockForChangeAsync(conn, tx, caller, id, ct);
        if (current is null || version < 1 || version > current.LatestVersion)
        {
            return TypedResults.NotFound();
        }

        if (current.OrgId is null && !caller.IsPlatform)
        {
            return Problems.Forbidden("Only platform keys may change global prompts.");
        }

        if (!string.IsNullOrWhiteSpace(ifMatch) && !Matches(ifMatch, current.Revision))
        {
            return Problems.PreconditionFailed("The prompt has changed since you read it.");
        }

        const string sql = "UPDATE prompts SET active_version = @version, revision = revision + 1, updated_at = @now WHERE id = @id";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, version, now = clock.GetUtcNow() }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);

        var activated = (await FindVisibleAsync(conn, caller, id, null, ct))!;
        response.Headers.ETag = ETagOf(activated.Revision);
        return TypedResults.Ok(activated);
    }

    /// <summary>Internal: the organisation's own active prompt for a key, else the global one.</summary>
    public static async Task<Results<Ok<ResolvedPrompt>, NotFound, ValidationProblem>> ResolvePromptAsync(
        NpgsqlDataSource db, Guid? org, string? key, CancellationToken ct)
    {
        var validation = new Validation().Text("key", key, 100);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        const string sql = $"""
            SELECT {Columns} {FromActive}
            WHERE p.key = @key AND (p.org_id = @org OR p.org_id IS NULL)
            ORDER BY p.org_id NULLS LAST
            LIMIT 1
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<PromptRow>(new CommandDefinition(sql, new { key, org }, cancellationToken: ct));
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new ResolvedPrompt(row.Id, row.Key, row.OrgId, row.ActiveVersion, row.Template,
            PromptTemplate.Placeholders(row.Template), new PromptParameters(row.Temperature, row.MaxTokens)));
    }

    private static async Task<Prompt?> FindVisibleAsync(NpgsqlConnection conn, CallerIdentity caller, Guid id, NpgsqlTransaction? tx, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} {FromActive} WHERE p.id = @id AND (p.org_id IS NULL OR p.org_id = @own OR @platform)";
        var row = await conn.QuerySingleOrDefaultAsync<PromptRow>(new CommandDefinition(sql,
            new { id, own = caller.OrganizationId, platform = caller.IsPlatform }, tx, cancellationToken: ct));
        return row?.ToPrompt();
    }

    private static async Task<PromptRow?> LockForChangeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CallerIdentity caller, Guid id, CancellationToken ct)
    {
        // Lock the prompt row alone, then read it afresh: a locking read over the join could miss the version row a
        // concurrent writer just added, and answer 404 instead of 412.
        const string lockSql = "SELECT id FROM prompts WHERE id = @id AND (org_id IS NULL OR org_id = @own OR @platform) FOR UPDATE";
        var locked = await conn.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(lockSql,
            new { id, own = caller.OrganizationId, platform = caller.IsPlatform }, tx, cancellationToken: ct));
        if (locked is null)
        {
            return null;
        }

        const string sql = $"SELECT {Columns} {FromActive} WHERE p.id = @id";
        return await conn.QuerySingleOrDefaultAsync<PromptRow>(new CommandDefinition(sql, new { id }, tx, cancellationToken: ct));
    }

    private static Task InsertVersionAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, int version, string template, PromptParameters? parameters,
        string createdBy, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by, created_at)
            VALUES (@id, @version, @template, @temperature, @maxTokens, @createdBy, @now)
            """;
        return conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            id,
            version,
            template,
            temperature = (float?)parameters?.Temperature,
            maxTokens = parameters?.MaxTokens,
            createdBy,
            now,
        }, tx, cancellationToken: ct));
    }

    private static void ValidateTemplate(Validation validation, string? template, bool required)
    {
        validation.Text("template", template, PromptTemplate.MaxLength, required);
        if (!string.IsNullOrWhiteSpace(template) && PromptTemplate.Problem(template) is { } problem)
        {
            validation.Add("template", problem);
        }
    }

    private static void ValidateParameters(Validation validation, PromptParameters? parameters) =>
        validation
            .Range("parameters.temperature", parameters?.Temperature, 0, 2)
            .Range("parameters.max_tokens", parameters?.MaxTokens, 1, 128_000);

    private static string ETagOf(int revision) => $"\"r{revision}\"";

    private static bool Matches(string ifMatch, int revision) =>
        ifMatch.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t == ETagOf(revision) || t == "W/" + ETagOf(revision));

    private sealed record PromptRow(
        Guid Id, string Key, Guid? OrgId, string Description, int ActiveVersion, int LatestVersion, int Revision,
        string Template, float? Temperature, int? MaxTokens, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public Prompt ToPrompt() => new(Id, Key, OrgId, Description, ActiveVersion, LatestVersion, Revision, Template,
            PromptTemplate.Placeholders(Template), new PromptParameters(Temperature, MaxTokens), CreatedAt, UpdatedAt);
    }

    private sealed record VersionRow(int Version, string Template, float? Temperature, int? MaxTokens, string CreatedBy, DateTimeOffset CreatedAt);
}
