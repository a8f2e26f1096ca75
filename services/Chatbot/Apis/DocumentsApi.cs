using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Chatbot.Data;
using Platform.Chatbot.Ingestion;
using Platform.Chatbot.Model;
using Platform.Chatbot.Retrieval;
using Platform.Contracts;
using Platform.Documents;
using Platform.Jobs;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Chatbot.Apis;

/// <summary>
/// The organisation's knowledge base: upload (PDF, DOCX, TXT, MD; small documents are ingested at once, large ones by a
/// worker over RabbitMQ), list, read, delete (with their vectors).
/// </summary>
public static class DocumentsApi
{
    public const string JobKind = "ingestion";

    public static RouteGroupBuilder MapDocumentsApi(this IEndpointRouteBuilder app, long maxUploadBytes)
    {
        var api = app.MapGroup("/api/v1/chatbot/documents").WithTags("Documents").RequireScope(Scopes.Chatbot);
        api.MapPost("/", UploadDocumentAsync).WithName("UploadDocument")
            .WithSummary("Multipart: file (PDF, DOCX, TXT, MD), optional title. 201 when indexed at once, 202 when queued.")
            .DisableAntiforgery()
            .AcceptsBodiesUpTo(maxUploadBytes + 64 * 1024);
        api.MapGet("/", ListDocumentsAsync).WithName("ListDocuments").WithSummary("Newest first; optional status; keyset-paginated.");
        api.MapGet("/{id:guid}", GetDocumentAsync).WithName("GetDocument");
        api.MapDelete("/{id:guid}", DeleteDocumentAsync).WithName("DeleteDocument").WithSummary("Removes the document, its chunks and its vectors.");
        return api;
    }

    public static async Task<Results<Created<DocumentView>, Accepted<DocumentView>, ValidationProblem>> UploadDocumentAsync(
        HttpRequest request, CallerIdentity caller, IDocumentExtractor extractor, DocumentStore documents, Ingestor ingestor,
        IJobStore jobs, IOptions<IngestionOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var form = await DocumentInput.ReadFormAsync(request, ct);
        var title = form["title"].ToString().Trim();
        var validation = new Validation().Text("title", title, 300, required: false);
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            validation.Add("file", "Send the document as the multipart file field 'file' (PDF, DOCX, TXT or MD).");
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var extracted = await extractor.ExtractAsync(file!, ct);
        var now = clock.GetUtcNow();
        var document = new DocumentView(
            Guid.CreateVersion7(now), title.Length > 0 ? title : TitleFrom(extracted.FileName), extracted.FileName,
            ContentType(extracted.Kind), extracted.SizeBytes, DocumentStatus.Queued, null, 0, now, now);
        var chunks = ingestor.Chunk(document.Title, extracted.Passages);
        await documents.InsertAsync(caller.OrgId, document, ct);
        var location = $"/api/v1/chatbot/documents/{document.Id}";

        if (chunks.Count > options.Value.AsyncAboveChunks)
        {
            var input = new IngestionJobInput(document.Id, document.Title, [.. extracted.Passages.Select(p => new PassageInput(p.Text, p.Page, p.Paragraph))]);
            try
            {
                await jobs.EnqueueAsync(caller.OrgId, JobKind, input,
                    new IngestDocument { JobId = Guid.CreateVersion7(now), OrgId = caller.OrgId }, null, ct);
            }
            catch
            {
                await documents.DeleteAsync(caller.OrgId, document.Id, CancellationToken.None);
                throw;
            }

            return TypedResults.Accepted(location, document);
        }

        await ingestor.IngestAsync(caller.OrgId, document.Id, chunks, ct);
        return TypedResults.Created(location, await documents.GetAsync(caller.OrgId, document.Id, ct) ?? document);
    }

    public static async Task<Results<Ok<Page<DocumentView>>, ValidationProblem>> ListDocumentsAsync(
        CallerIdentity caller, DocumentStore documents, string? status, int? limit, string? cursor, CancellationToken ct)
    {
        var validation = Cursor.ValidatePage(limit, cursor, out var pageSize, out var after)
            .OneOf("status", string.IsNullOrEmpty(status) ? null : status, [.. DocumentStatus.All]);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        return TypedResults.Ok(await documents.ListAsync(caller.OrgId, string.IsNullOrEmpty(status) ? null : status, pageSize, after, ct));
    }

    public static async Task<Results<Ok<DocumentView>, NotFound>> GetDocumentAsync(Guid id, CallerIdentity caller, DocumentStore documents, CancellationToken ct) =>
        await documents.GetAsync(caller.OrgId, id, ct) is { } document ? TypedResults.Ok(document) : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> DeleteDocumentAsync(
        Guid id, CallerIdentity caller, DocumentStore documents, IVectorStore vectors, CancellationToken ct)
    {
        if (!await documents.DeleteAsync(caller.OrgId, id, ct))
        {
            return TypedResults.NotFound();
        }

        // The chunks went with the row, so search already ignores any vector left if this fails; the vectors go too.
        await vectors.DeleteDocumentAsync(caller.OrgId, id, CancellationToken.None);
        return TypedResults.NoContent();
    }

    private static string TitleFrom(string fileName)
    {
        var name = Path.GetFileNameWithoutExtension(fileName).Replace('_', ' ').Trim();
        return name.Length > 0 ? name : fileName;
    }

    private static string ContentType(DocumentKind kind) => kind switch
    {
        DocumentKind.Pdf => "application/pdf",
        DocumentKind.Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        DocumentKind.Markdown => "text/markdown",
        _ => "text/plain",
    };
}
