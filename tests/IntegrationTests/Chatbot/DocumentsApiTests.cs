using System.Net;
using System.Text;
using Platform.IntegrationTests.Admin;
using Platform.IntegrationTests.Analyzer;
using Platform.Testing;

namespace Platform.IntegrationTests.Chatbot;

[Parallelizable(ParallelScope.All)]
public sealed class DocumentsApiTests
{
    private static Project Aurora => KnowledgeBase.Projects[0];

    [Test]
    public async Task SmallUpload_IsIndexedAtOnce_AndSearchable()
    {
        var client = await ChatbotClient.CreateAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "documents",
            ChatbotClient.FileForm(Encoding.UTF8.GetBytes(Aurora.Document()), Aurora.FileName));

        var body = await AdminClient.OkJsonAsync(response, HttpStatusCode.Created);
        var id = (Guid)body["id"]!;
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/chatbot/documents/{id}"));
        Assert.That((string?)body["status"], Is.EqualTo("ready"));
        Assert.That((string?)body["title"], Is.EqualTo("project-aurora"), "the title defaults to the file name");
        Assert.That((string?)body["content_type"], Is.EqualTo("text/markdown"));
        Assert.That((int)body["chunk_count"]!, Is.GreaterThan(1));
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM chatbot.chunks WHERE document_id = @id", ("id", id)),
            Is.EqualTo((long)(int)body["chunk_count"]!));

        var answer = await client.AskAsync("What is the total budget of Project Aurora?");
        Assert.That(ChatbotClient.SourceDocuments(answer), Has.Member(id));
        Assert.That((string?)answer["answer"], Does.Contain(Aurora.Budget));
        Assert.That(answer["citations"]!.AsArray().Select(c => (Guid)c!["document_id"]!), Has.All.EqualTo(id));
    }

    [Test]
    public async Task LargeUpload_IsIngestedByAWorker_ThenReady()
    {
        var client = await ChatbotClient.CreateAsync();
        // Over Ingestion:AsyncAboveChunks (40 by default) chunks: the Aurora document with many pages of filler.
        var text = string.Join("\n\n", Enumerable.Range(0, 120).Select(i => KnowledgeBase.Filler("Atlas", i)))
            + "\n\nThe archive of Project Atlas is kept in the basement of the Zomba library, room 14.";

        using var response = await client.SendAsync(HttpMethod.Post, "documents", ChatbotClient.FileForm(Encoding.UTF8.GetBytes(text), "atlas.txt", "Atlas handbook"));

        var body = await AdminClient.OkJsonAsync(response, HttpStatusCode.Accepted);
        var id = (Guid)body["id"]!;
        Assert.That((string?)body["status"], Is.EqualTo("queued"));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/chatbot/documents/{id}"));

        var status = "queued";
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (status is "queued" or "processing" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            using var get = await client.SendAsync(HttpMethod.Get, $"documents/{id}");
            var document = await AdminClient.OkJsonAsync(get);
            status = (string)document["status"]!;
            if (status == "ready")
            {
                Assert.That((int)document["chunk_count"]!, Is.GreaterThan(40));
            }
        }

        Assert.That(status, Is.EqualTo("ready"));
        var answer = await client.AskAsync("Where is the archive of Project Atlas kept?");
        Assert.That((string?)answer["answer"], Does.Contain("Zomba library, room 14"));
        Assert.That(answer["citations"]!.AsArray().Select(c => (string?)c!["title"]), Has.Member("Atlas handbook"));
    }

    [Test]
    public async Task PdfCitation_NamesTheDocumentAndPage()
    {
        var client = await ChatbotClient.CreateAsync();
        using var upload = await client.SendAsync(HttpMethod.Post, "documents", ChatbotClient.FileForm(Proposal.Pdf(), "malawi.pdf", "Malawi water proposal"));
        var id = (Guid)(await AdminClient.OkJsonAsync(upload, HttpStatusCode.Created))["id"]!;

        var answer = await client.AskAsync("How often will financial reports be submitted?");

        var citations = answer["citations"]!.AsArray();
        Assert.That(citations, Is.Not.Empty);
        var first = citations[0]!;
        Assert.That((Guid)first["document_id"]!, Is.EqualTo(id));
        Assert.That((string?)first["title"], Is.EqualTo("Malawi water proposal"));
        Assert.That((int?)first["page"], Is.EqualTo(3), "the financial reports are on page 3");
        Assert.That((string?)answer["answer"], Does.Contain("every six months").And.Contain($"[{(int)first["number"]!}] Malawi water proposal, page 3"));
    }

    [Test]
    public async Task Delete_RemovesTheDocument_AndItsResults()
    {
        var client = await ChatbotClient.CreateAsync();
        var aurora = await client.UploadReadyAsync(Aurora.Document(), Aurora.FileName);
        var borealis = await client.UploadReadyAsync(KnowledgeBase.Projects[1].Document(), KnowledgeBase.Projects[1].FileName);
        const string vectors = "SELECT count(*) FROM chatbot.vectors WHERE document_id = @id";
        Assert.That(await OrganizationsApiTests.CountAsync(vectors, ("id", aurora)), Is.GreaterThan(1), "the local store holds the vectors");
        Assert.That(ChatbotClient.SourceDocuments(await client.AskAsync("What is the total budget of Project Aurora?")), Has.Member(aurora));

        using var deleted = await client.SendAsync(HttpMethod.Delete, $"documents/{aurora}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        using var gone = await client.SendAsync(HttpMethod.Get, $"documents/{aurora}");
        await ProblemAssert.IsProblemAsync(gone, HttpStatusCode.NotFound);
        using var again = await client.SendAsync(HttpMethod.Delete, $"documents/{aurora}");
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.NotFound);
        var answer = await client.AskAsync("What is the total budget of Project Aurora?");
        Assert.That(ChatbotClient.SourceDocuments(answer), Has.None.EqualTo(aurora));
        Assert.That(ChatbotClient.SourceDocuments(answer), Has.All.EqualTo(borealis));
        Assert.That((string?)answer["answer"], Does.Not.Contain(Aurora.Budget));
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM chatbot.chunks WHERE document_id = @id", ("id", aurora)), Is.Zero);
        Assert.That(await OrganizationsApiTests.CountAsync(vectors, ("id", aurora)), Is.Zero, "its vectors are removed too");
        Assert.That(await OrganizationsApiTests.CountAsync(vectors, ("id", borealis)), Is.GreaterThan(1));
    }

    [Test]
    public async Task List_IsKeysetPaginated_NewestFirst()
    {
        var client = await ChatbotClient.CreateAsync();
        var ids = new List<Guid>();
        foreach (var project in KnowledgeBase.Projects.Take(3))
        {
            ids.Add(await client.UploadReadyAsync($"Project {project.Name} notes. {project.Budget}.", project.FileName));
        }

        using var first = await client.SendAsync(HttpMethod.Get, "documents?limit=2");
        var page = await AdminClient.OkJsonAsync(first);
        Assert.That(page["items"]!.AsArray().Select(i => (Guid)i!["id"]!), Is.EqualTo(new[] { ids[2], ids[1] }));
        using var second = await client.SendAsync(HttpMethod.Get, $"documents?limit=2&cursor={(string)page["next_cursor"]!}");
        var rest = await AdminClient.OkJsonAsync(second);
        Assert.That(rest["items"]!.AsArray().Select(i => (Guid)i!["id"]!), Is.EqualTo(new[] { ids[0] }));
        Assert.That(rest["next_cursor"], Is.Null);

        using var ready = await client.SendAsync(HttpMethod.Get, "documents?status=failed");
        Assert.That((await AdminClient.OkJsonAsync(ready))["items"]!.AsArray(), Is.Empty);
        using var badStatus = await client.SendAsync(HttpMethod.Get, "documents?status=done");
        await ProblemAssert.IsProblemAsync(badStatus, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task BadUploads_AreClear4xx()
    {
        var client = await ChatbotClient.CreateAsync();
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4 };
        var corruptPdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage");

        using var json = await client.SendAsync(HttpMethod.Post, "documents", Json.Body(new { title = "x" }));
        await ProblemAssert.IsProblemAsync(json, HttpStatusCode.UnsupportedMediaType);
        using var image = await client.SendAsync(HttpMethod.Post, "documents", ChatbotClient.FileForm(png, "picture.pdf"));
        await ProblemAssert.IsProblemAsync(image, HttpStatusCode.UnsupportedMediaType);
        using var corrupt = await client.SendAsync(HttpMethod.Post, "documents", ChatbotClient.FileForm(corruptPdf, "broken.pdf"));
        await ProblemAssert.IsProblemAsync(corrupt, HttpStatusCode.UnprocessableEntity);
        using var empty = await client.SendAsync(HttpMethod.Post, "documents", ChatbotClient.FileForm([], "empty.txt"));
        await ProblemAssert.IsProblemAsync(empty, HttpStatusCode.UnprocessableEntity);
        using var noFile = await client.SendAsync(HttpMethod.Post, "documents", new MultipartFormDataContent { { new StringContent("t"), "title" } });
        await ProblemAssert.IsProblemAsync(noFile, HttpStatusCode.BadRequest);

        using var list = await client.SendAsync(HttpMethod.Get, "documents");
        Assert.That((await AdminClient.OkJsonAsync(list))["items"]!.AsArray(), Is.Empty, "nothing refused was stored");
    }
}
