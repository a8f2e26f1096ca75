using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Platform.Admin.Model;
using Platform.Documents;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Admin.Apis;

/// <summary>An organisation's guidelines for the Evaluator's internal review: typed in, or extracted from a file.</summary>
public static class GuidelinesApi
{
    public const int MaxContentLength = 2_000_000;

    public static RouteGroupBuilder MapGuidelinesApi(this IEndpointRouteBuilder app, long maxUploadBytes)
    {
        var api = app.MapGroup("/api/v1/admin/guidelines").WithTags("Guidelines").RequireScope(Scopes.Admin);

        api.MapGet("/", ListGuidelinesAsync).WithName("ListGuidelines");
        api.MapGet("/{id:guid}", GetGuidelineAsync).WithName("GetGuideline");
        api.MapPost("/", CreateGuidelineAsync).WithName("CreateGuideline").AcceptsBodiesUpTo(4 * MaxContentLength);
        api.MapPost("/upload", UploadGuidelineAsync).WithName("UploadGuideline")
            .WithSummary("Multipart form: file (PDF, DOCX, TXT or MD) and an optional title. The text is extracted and stored.")
            .DisableAntiforgery()
            .AcceptsBodiesUpTo(maxUploadBytes + 64 * 1024);
        api.MapPut("/{id:guid}", UpdateGuidelineAsync).WithName("UpdateGuideline").AcceptsBodiesUpTo(4 * MaxContentLength)
            .WithSummary("Fields left out keep their value.");
        api.MapDelete("/{id:guid}", DeleteGuidelineAsync).WithName("DeleteGuideline");
        return api;
    }

    private const string Columns = "id, org_id, title, content, source, file_name, file_sha256, created_at, updated_at";

    public static async Task<Results<Ok<Page<Guideline>>, NotFound, ValidationProblem>> ListGuidelinesAsync(
        CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] Guid? orgId, int? limit, string? cursor, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {Columns} FROM guidelines
            WHERE org_id = @org AND (@afterAt::timestamptz IS NULL OR (created_at, id) > (@afterAt, @afterId))
            ORDER BY created_at, id
            LIMIT @take
            """;
        return await Tenancy.ListOwnedAsync<Guideline>(caller, orgId, db, sql, limit, cursor, x => new Cursor(x.CreatedAt, x.Id), ct);
    }

    public static async Task<Results<Ok<Guideline>, NotFound>> GetGuidelineAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        const string sql = $"SELECT {Columns} FROM guidelines WHERE id = @id AND (org_id = @org OR @any)";
        await using var conn = await db.OpenConnectionAsync(ct);
        var guideline = await conn.QuerySingleOrDefaultAsync<Guideline>(new CommandDefinition(sql,
            new { id, org, any = caller.IsPlatform && orgId is null }, cancellationToken: ct));
        return guideline is null ? TypedResults.NotFound() : TypedResults.Ok(guideline);
    }

    public static async Task<Results<Created<Guideline>, NotFound, ValidationProblem>> CreateGuidelineAsync(
        CreateGuidelineRequest request, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock, [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        var validation = new Validation().Text("title", request.Title, 200).Text("content", request.Content, MaxContentLength);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var created = await InsertAsync(db, clock, org, request.Title!.Trim(), request.Content!.Trim(), "text", null, null, ct);
        return created is null ? TypedResults.NotFound() : TypedResults.Created($"/api/v1/admin/guidelines/{created.Id}", created);
    }

    public static async Task<Results<Created<Guideline>, NotFound, ValidationProblem>> UploadGuidelineAsync(
        IFormFile? file, [FromForm] string? title, CallerIdentity caller, NpgsqlDataSource db, IDocumentExtractor extractor,
        TimeProvider clock, [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        var validation = new Validation().Text("title", title, 200, required: false);
        if (file is null)
        {
            validation.Add("file", "Attach the guideline document as the form field 'file'.");
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
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

        var created = await InsertAsync(db, clock, org, resolvedTitle[..Math.Min(200, resolvedTitle.Length)], document.Text, source, name, document.Sha256, ct);
        return created is null ? TypedResults.NotFound() : TypedResults.Created($"/api/v1/admin/guidelines/{created.Id}", created);
    }

    public static async Task<Results<Ok<Guideline>, NotFound, ValidationProblem>> UpdateGuidelineAsync(
        Guid id, UpdateGuidelineRequest request, CallerIdentity caller, NpgsqlDataSource db, TimeProvider clock, [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

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

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        const string sql = $"""
            UPDATE guidelines SET title = COALESCE(@title, title), content = COALESCE(@content, content), updated_at = @now
            WHERE id = @id AND (org_id = @org OR @any)
            RETURNING {Columns}
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var updated = await conn.QuerySingleOrDefaultAsync<Guideline>(new CommandDefinition(sql, new
        {
            id,
            org,
            any = caller.IsPlatform && orgId is null,
            title = request.Title?.Trim(),
            content = request.Content?.Trim(),
            now = clock.GetUtcNow(),
        }, cancellationToken: ct));
        return updated is null ? TypedResults.NotFound() : TypedResults.Ok(updated);
    }

    public static async Task<Results<NoContent, NotFound>> DeleteGuidelineAsync(
        Guid id, CallerIdentity caller, NpgsqlDataSource db, [FromQuery(Name = "org_id")] Guid? orgId, CancellationToken ct)
    {
        if (Tenancy.TargetOrg(caller, orgId) is not { } org)
        {
            return TypedResults.NotFound();
        }

        const string sql = "DELETE FROM guidelines WHERE id = @id AND (org_id = @org OR @any)";
        await using var conn = await db.OpenConnectionAsync(ct);
        var deleted = await conn.ExecuteAsync(new CommandDefinition(sql,
            new { id, org, any = caller.IsPlatform && orgId is null }, cancellationToken: ct));
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    private static async Task<Guideline?> InsertAsync(
        NpgsqlDataSource db, TimeProvider clock, Guid org, string title, string content, string source, string? fileName,
        string? sha256, CancellationToken ct)
    {
        const string sql = $"""
            INSERT INTO guidelines (id, org_id, title, content, source, file_name, file_sha256, created_at, updated_at)
            VALUES (@id, @org, @title, @content, @source, @fileName, @sha256, @now, @now)
            RETURNING {Columns}
            """;
        var now = clock.GetUtcNow();
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            return await conn.QuerySingleAsync<Guideline>(new CommandDefinition(sql,
                new { id = Guid.CreateVersion7(now), org, title, content, source, fileName, sha256, now }, cancellationToken: ct));
        }
        catch (PostgresException ex) when (Tenancy.IsMissingParent(ex))
        {
            return null;
        }
    }
}
