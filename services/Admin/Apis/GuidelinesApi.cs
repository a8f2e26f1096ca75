using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Platform.Admin.Model;
using Platform.Documents;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Admin.Apis;

/// <summary>
/// Guidelines for the Evaluator's internal review, typed in or extracted from a file. An organisation has its own;
/// global guidelines (<c>?org_id=global</c>) apply to every organisation and only platform keys change them. For an
/// organisation, an own guideline overrides the global one with the same title (trimmed, white space collapsed, case
/// ignored): <c>GET /guidelines/effective</c> shows the result, which is what the Evaluator uses.
/// </summary>
public static class GuidelinesApi
{
    public const int MaxContentLength = 2_000_000;

    /// <summary>At most this many guidelines apply to one evaluation.</summary>
    public const int MaxEffective = 200;

    public static RouteGroupBuilder MapGuidelinesApi(this IEndpointRouteBuilder app, long maxUploadBytes)
    {
        var api = app.MapGroup("/api/v1/admin/guidelines").WithTags("Guidelines").RequireScope(Scopes.Admin);

        api.MapGet("/", ListGuidelinesAsync).WithName("ListGuidelines")
            .WithSummary("The organisation's own guidelines; org_id=global lists the global ones.");
        api.MapGet("/effective", ListEffectiveGuidelinesAsync).WithName("ListEffectiveGuidelines")
            .WithSummary("What the Evaluator uses for the organisation: the global guidelines it does not override, then its own.");
        api.MapGet("/{id:guid}", GetGuidelineAsync).WithName("GetGuideline");
        api.MapPost("/", CreateGuidelineAsync).WithName("CreateGuideline").AcceptsBodiesUpTo(4 * MaxContentLength)
            .WithSummary("org_id=global creates a global guideline (platform keys only; titles unique among global ones).");
        api.MapPost("/upload", UploadGuidelineAsync).WithName("UploadGuideline")
            .WithSummary("Multipart form: file (PDF, DOCX, TXT or MD) and an optional title. The text is extracted and stored.")
            .DisableAntiforgery()
            .AcceptsBodiesUpTo(maxUploadBytes + 64 * 1024);
        api.MapPut("/{id:guid}", UpdateGuidelineAsync).WithName("UpdateGuideline").AcceptsBodiesUpTo(4 * MaxContentLength)
            .WithSummary("Fields left out keep their value. Global guidelines: platform keys only.");
        api.MapDelete("/{id:guid}", DeleteGuidelineAsync).WithName("DeleteGuideline");
        return api;
    }

    private const string Columns = "id, org_id, title, content, source, file_name, file_sha256, created_at, updated_at";

    public static async Task<Results<Ok<Page<Guideline>>, NotFound, ValidationProblem>> ListGuidelinesAsync(
        CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] string? orgId, int? limit, string? cursor, CancellationToken ct)
    {
        var validation = Cursor.ValidatePage(limit, cursor, out var pageSize, out var after);
        var target = Target.Resolve(caller, orgId, validation);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        if (target.Hidden)
        {
            return TypedResults.NotFound();
        }

        const string sql = $"""
            SELECT {Columns} FROM guidelines
            WHERE (org_id = @org OR (@global AND org_id IS NULL))
              AND (@afterAt::timestamptz IS NULL OR (created_at, id) > (@afterAt, @afterId))
            ORDER BY created_at, id
            LIMIT @take
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<Guideline>(new CommandDefinition(sql,
            new { org = target.Org, global = target.Global, afterAt = after?.At, afterId = after?.Id, take = pageSize + 1 },
            cancellationToken: ct))).AsList();
        return TypedResults.Ok(Page.From(rows, pageSize, x => new Cursor(x.CreatedAt, x.Id)));
    }

    public static async Task<Results<Ok<IReadOnlyList<EffectiveGuideline>>, NotFound, ValidationProblem>> ListEffectiveGuidelinesAsync(
        CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] string? orgId, CancellationToken ct)
    {
        var validation = new Validation();
        var target = Target.Resolve(caller, orgId, validation);
        if (target.Global)
        {
            validation.Add("org_id", "Name an organisation: the effective guidelines are the global ones merged with its own.");
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        if (target.Org is not { } org)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await EffectiveAsync(db, org, [], ct));
    }

    /// <summary>
    /// The guidelines that apply to an organisation. Without <paramref name="ids"/>: every global guideline whose title no
    /// own guideline has, then all its own, oldest first within each. With ids: exactly those of them that are its own
    /// or global (an explicit choice is not overridden; other organisations' ids match none).
    /// </summary>
    public static async Task<IReadOnlyList<EffectiveGuideline>> EffectiveAsync(NpgsqlDataSource db, Guid org, Guid[] ids, CancellationToken ct)
    {
        const string sql = """
            SELECT g.id, g.org_id, g.title, g.content, g.source, g.file_name, g.created_at, g.updated_at,
                   CASE WHEN g.org_id IS NOT NULL THEN
                       (SELECT o.id FROM guidelines o WHERE o.org_id IS NULL AND o.title_key = g.title_key)
                   END AS overrides
            FROM guidelines g
            WHERE (g.org_id = @org OR g.org_id IS NULL)
              AND CASE WHEN cardinality(@ids) > 0 THEN g.id = ANY(@ids)
                       ELSE g.org_id IS NOT NULL OR NOT EXISTS (
                           SELECT 1 FROM guidelines own WHERE own.org_id = @org AND own.title_key = g.title_key)
                  END
            ORDER BY g.org_id IS NOT NULL, g.created_at, g.id
            LIMIT @max
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<EffectiveGuideline>(new CommandDefinition(sql,
            new { org, ids, max = MaxEffective }, cancellationToken: ct))).AsList();
    }

    public static async Task<Results<Ok<Guideline>, NotFound, ValidationProblem>> GetGuidelineAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] string? orgId, CancellationToken ct)
    {
        var validation = new Validation();
        var target = Target.Resolve(caller, orgId, validation);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        if (target.Hidden)
        {
            return TypedResults.NotFound();
        }

        await using var conn = await db.OpenConnectionAsync(ct);
        var guideline = await FindVisibleAsync(conn, caller, id, target, orgId, ct);
        return guideline is null ? TypedResults.NotFound() : TypedResults.Ok(guideline);
    }

    public static async Task<Results<Created<Guideline>, NotFound, ValidationProblem, ProblemHttpResult>> CreateGuidelineAsync(
        CreateGuidelineRequest request, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock, [FromQuery(Name = "org_id")] string? orgId, CancellationToken ct)
    {
        var validation = new Validation().Text("title", request.Title, 200).Text("content", request.Content, MaxContentLength);
        var target = Target.Resolve(caller, orgId, validation);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        return await InsertAsync(db, clock, caller, target, request.Title!.Trim(), request.Content!.Trim(), "text", null, null, ct);
    }

    public static async Task<Results<Created<Guideline>, NotFound, ValidationProblem, ProblemHttpResult>> UploadGuidelineAsync(
        IFormFile? file, [FromForm] string? title, CallerIdentity caller, NpgsqlDataSource db, IDocumentExtractor extractor,
        TimeProvider clock, [FromQuery(Name = "org_id")] string? orgId, CancellationToken ct)
    {
        var validation = new Validation().Text("title", title, 200, required: false);
        var target = Target.Resolve(caller, orgId, validation);
        if (file is null)
        {
            validation.Add("file", "Attach the guideline document as the form field 'file'.");
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        // Refused before the upload is extracted, so a key without rights never costs a document parse.
        if (Refusal(caller, target) is { } refused)
        {
            return refused;
        }

        var document = await extractor.ExtractAsync(file!, ct);
        var name = document.FileName;
        var source = document.Kind switch
        {
            DocumentKind.Pdf => "pdf",
            DocumentKind.Docx => "docx",
            DocumentKind.Markdown => "markdown",
            _ => "text",
        };
        var resolvedTitle = string.IsNullOrWhiteSpace(title) ? Path.GetFileNameWithoutExtension(name) : title.Trim();
        if (string.IsNullOrWhiteSpace(resolvedTitle))
        {
            resolvedTitle = "Guidelines";
        }

        return await InsertAsync(db, clock, caller, target, resolvedTitle[..Math.Min(200, resolvedTitle.Length)], document.Text, source, name,
            document.Sha256, ct);
    }

    public static async Task<Results<Ok<Guideline>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateGuidelineAsync(
        Guid id, UpdateGuidelineRequest request, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock,
        [FromQuery(Name = "org_id")] string? orgId, CancellationToken ct)
    {
        var validation = new Validation()
            .Text("title", request.Title, 200, required: false)
            .Text("content", request.Content, MaxContentLength, required: false);
        foreach (var (field, value) in new[] { ("title", request.Title), ("content", request.Content) })
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                validation.Add(field, $"The {field} field may not be blank.");
            }
        }

        var target = Target.Resolve(caller, orgId, validation);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        if (target.Hidden)
        {
            return TypedResults.NotFound();
        }

        await using var conn = await db.OpenConnectionAsync(ct);
        var current = await FindVisibleAsync(conn, caller, id, target, orgId, ct);
        if (current is null)
        {
            return TypedResults.NotFound();
        }

        if (current.OrgId is null && !caller.IsPlatform)
        {
            return Problems.Forbidden("Only platform keys may change global guidelines; create one with the same title for your organisation to override it.");
        }

        const string sql = $"""
            UPDATE guidelines SET title = COALESCE(@title, title), content = COALESCE(@content, content), updated_at = @now
            WHERE id = @id
            RETURNING {Columns}
            """;
        try
        {
            var updated = await conn.QuerySingleOrDefaultAsync<Guideline>(new CommandDefinition(sql, new
            {
                id,
                title = request.Title?.Trim(),
                content = request.Content?.Trim(),
                now = clock.GetUtcNow(),
            }, cancellationToken: ct));
            return updated is null ? TypedResults.NotFound() : TypedResults.Ok(updated);
        }
        catch (PostgresException ex) when (Tenancy.IsUniqueViolation(ex, out _))
        {
            return Problems.Conflict($"Another global guideline is already titled '{request.Title?.Trim()}'.");
        }
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> DeleteGuidelineAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] string? orgId, CancellationToken ct)
    {
        var validation = new Validation();
        var target = Target.Resolve(caller, orgId, validation);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        if (target.Hidden)
        {
            return TypedResults.NotFound();
        }

        await using var conn = await db.OpenConnectionAsync(ct);
        var current = await FindVisibleAsync(conn, caller, id, target, orgId, ct);
        if (current is null)
        {
            return TypedResults.NotFound();
        }

        if (current.OrgId is null && !caller.IsPlatform)
        {
            return Problems.Forbidden("Only platform keys may delete global guidelines.");
        }

        var deleted = await conn.ExecuteAsync(new CommandDefinition("DELETE FROM guidelines WHERE id = @id", new { id }, cancellationToken: ct));
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    /// <summary>
    /// A guideline the request may see: the target organisation's, a global one, or (platform keys naming no
    /// organisation) any.
    /// </summary>
    private static Task<Guideline?> FindVisibleAsync(
        NpgsqlConnection conn, CallerIdentity caller, Guid id, Target target, string? orgId, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} FROM guidelines WHERE id = @id AND (org_id = @org OR org_id IS NULL OR @any)";
        return conn.QuerySingleOrDefaultAsync<Guideline>(new CommandDefinition(sql,
            new { id, org = target.Org, any = caller.IsPlatform && orgId is null }, cancellationToken: ct));
    }

    private static ProblemHttpResult? Refusal(CallerIdentity caller, Target target) =>
        target.Global && !caller.IsPlatform ? Problems.Forbidden("Only platform keys may create global guidelines.") : null;

    private static async Task<Results<Created<Guideline>, NotFound, ValidationProblem, ProblemHttpResult>> InsertAsync(
        NpgsqlDataSource db, TimeProvider clock, CallerIdentity caller, Target target, string title, string content, string source,
        string? fileName, string? sha256, CancellationToken ct)
    {
        if (target.Hidden)
        {
            return TypedResults.NotFound();
        }

        if (Refusal(caller, target) is { } refused)
        {
            return refused;
        }

        const string sql = $"""
            INSERT INTO guidelines (id, org_id, title, content, source, file_name, file_sha256, created_at, updated_at)
            VALUES (@id, @org, @title, @content, @source, @fileName, @sha256, @now, @now)
            RETURNING {Columns}
            """;
        var now = clock.GetUtcNow();
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var created = await conn.QuerySingleAsync<Guideline>(new CommandDefinition(sql,
                new { id = Guid.CreateVersion7(now), org = target.Org, title, content, source, fileName, sha256, now }, cancellationToken: ct));
            return TypedResults.Created($"/api/v1/admin/guidelines/{created.Id}", created);
        }
        catch (PostgresException ex) when (Tenancy.IsUniqueViolation(ex, out _))
        {
            return Problems.Conflict($"A global guideline titled '{title}' already exists: update it instead.");
        }
        catch (PostgresException ex) when (Tenancy.IsMissingParent(ex))
        {
            return TypedResults.NotFound();
        }
    }

    /// <summary>
    /// What <c>org_id</c> names: an organisation (the caller's own when left out; another one only for platform keys)
    /// or, as <c>global</c>, the global guidelines (<see cref="Org"/> null). Hidden: answered 404, as for an unknown id.
    /// </summary>
    private sealed record Target(Guid? Org, bool Global, bool Hidden)
    {
        public static Target Resolve(CallerIdentity caller, string? orgId, Validation validation)
        {
            var value = orgId?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                return new(caller.OrganizationId, false, caller.OrganizationId is null);
            }

            if (string.Equals(value, GuidelineScope.Global, StringComparison.OrdinalIgnoreCase))
            {
                return new(null, true, false);
            }

            if (!Guid.TryParse(value, out var requested))
            {
                validation.Add("org_id", "The org_id must be an organisation id or 'global'.");
                return new(null, false, true);
            }

            return Tenancy.TargetOrg(caller, requested) is { } org ? new(org, false, false) : new(null, false, true);
        }
    }
}
