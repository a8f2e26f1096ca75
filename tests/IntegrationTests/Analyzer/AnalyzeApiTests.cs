using System.Net;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using Platform.IntegrationTests.Admin;
using Platform.Testing;

namespace Platform.IntegrationTests.Analyzer;

[Parallelizable(ParallelScope.All)]
public sealed class AnalyzeApiTests
{
    [Test]
    public async Task AnalyzePastedText_GivesFiveDocumentSpecificSections_AndStoresTheSession()
    {
        var client = await AnalyzerClient.CreateAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "analyze", AnalyzerClient.TextForm("user-7", Proposal.Text));

        var body = await AdminClient.OkJsonAsync(response);
        var sections = body["sections"]!.AsArray();
        Assert.That(sections.Select(s => (string?)s!["key"]), Is.EqualTo(new[] { "analyzer.p1", "analyzer.p2", "analyzer.p3", "analyzer.p4", "analyzer.p5" }));
        Assert.That(sections.Select(s => ((string?)s!["content"])!.Length), Is.All.GreaterThan(80));
        var all = string.Join("\n", sections.Select(s => (string?)s!["content"]));
        Assert.That(all, Does.Contain("480,000").Or.Contain("18,500").Or.Contain("40 primary schools"), "the analysis quotes the document");
        Assert.That((string?)body["provider"], Is.Not.Empty);
        Assert.That((int)body["token_usage"]!["input_tokens"]!, Is.GreaterThan(0));

        var id = (Guid)body["session_id"]!;
        using var stored = await client.SendAsync(HttpMethod.Get, $"sessions/{id}");
        var session = await AdminClient.OkJsonAsync(stored);
        Assert.That((string?)session["status"], Is.EqualTo("completed"));
        Assert.That(session["sections"]!.AsArray(), Has.Count.EqualTo(5));
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM analyzer.token_usage WHERE session_id = @id", ("id", id)), Is.EqualTo(5));
    }

    [Test]
    public async Task AnalyzePdfUpload_Multipart_WithAPromptSubset()
    {
        var client = await AnalyzerClient.CreateAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "analyze",
            AnalyzerClient.FileForm("user-8", Proposal.Pdf(), "proposal.pdf", ("prompts", "p1,p4")));

        var body = await AdminClient.OkJsonAsync(response);
        Assert.That((string?)body["document_name"], Is.EqualTo("proposal.pdf"));
        var sections = body["sections"]!.AsArray();
        Assert.That(sections.Select(s => (string?)s!["key"]), Is.EqualTo(new[] { "analyzer.p1", "analyzer.p4" }));
        Assert.That((string?)sections[1]!["content"], Does.Contain("risk").IgnoreCase);
    }

    [Test]
    public async Task Followup_Feedback_Export_List_Delete()
    {
        var client = await AnalyzerClient.CreateAsync();
        using var analyzed = await client.SendAsync(HttpMethod.Post, "analyze", AnalyzerClient.FileForm("user-9", Proposal.Pdf(), "malawi.pdf"));
        var id = (Guid)(await AdminClient.OkJsonAsync(analyzed))["session_id"]!;

        using var followup = await client.SendAsync(HttpMethod.Post, $"sessions/{id}/followup", Json.Body(new { question = "How often will financial reports be submitted?" }));
        var answer = await AdminClient.OkJsonAsync(followup, HttpStatusCode.Created);
        Assert.That((string?)answer["answer"], Does.Contain("six months"), "the answer quotes the right passage");

        using var feedback = await client.SendAsync(HttpMethod.Post, $"sessions/{id}/feedback", Json.Body(new { rating = 4, comment = "useful", section = "p2" }));
        var record = await AdminClient.OkJsonAsync(feedback, HttpStatusCode.Created);
        Assert.That((string?)record["section"], Is.EqualTo("analyzer.p2"));

        using var markdown = await client.SendAsync(HttpMethod.Get, $"sessions/{id}/export?format=md");
        Assert.That(markdown.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var md = await markdown.Content.ReadAsStringAsync();
        Assert.That(md, Does.Contain("Summary and purpose").And.Contain("How often will financial reports be submitted?"));

        using var docx = await client.SendAsync(HttpMethod.Get, $"sessions/{id}/export?format=docx");
        Assert.That(docx.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
        using (var word = WordprocessingDocument.Open(new MemoryStream(await docx.Content.ReadAsByteArrayAsync()), false))
        {
            Assert.That(word.MainDocumentPart!.Document!.Body!.InnerText, Does.Contain("Recommendations"));
        }

        using var list = await client.SendAsync(HttpMethod.Get, "sessions?user_id=user-9");
        var items = (await AdminClient.OkJsonAsync(list))["items"]!.AsArray();
        Assert.That(items.Select(i => (Guid)i!["id"]!), Is.EqualTo(new[] { id }));

        using var deleted = await client.SendAsync(HttpMethod.Delete, $"sessions/{id}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var gone = await client.SendAsync(HttpMethod.Get, $"sessions/{id}");
        await ProblemAssert.IsProblemAsync(gone, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task AnotherOrganisationsSession_Is404_ForEveryOperation()
    {
        var owner = await AnalyzerClient.CreateAsync();
        var stranger = await AnalyzerClient.CreateAsync();
        using var analyzed = await owner.SendAsync(HttpMethod.Post, "analyze", AnalyzerClient.TextForm("u", Proposal.Text, ("prompts", "p1")));
        var id = (Guid)(await AdminClient.OkJsonAsync(analyzed))["session_id"]!;

        foreach (var (method, path, content) in new (HttpMethod, string, HttpContent?)[]
        {
            (HttpMethod.Get, $"sessions/{id}", null),
            (HttpMethod.Delete, $"sessions/{id}", null),
            (HttpMethod.Post, $"sessions/{id}/followup", Json.Body(new { question = "budget?" })),
            (HttpMethod.Post, $"sessions/{id}/feedback", Json.Body(new { rating = 1 })),
            (HttpMethod.Get, $"sessions/{id}/export", null),
        })
        {
            using var response = await stranger.SendAsync(method, path, content);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        }

        using var list = await stranger.SendAsync(HttpMethod.Get, "sessions");
        Assert.That((await AdminClient.OkJsonAsync(list))["items"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task BadInput_IsAClear4xx()
    {
        var client = await AnalyzerClient.CreateAsync();
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4 };
        var corruptPdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage");

        using var noUser = await client.SendAsync(HttpMethod.Post, "analyze", new FormUrlEncodedContent([new("text_input", "text")]));
        using var noDocument = await client.SendAsync(HttpMethod.Post, "analyze", new FormUrlEncodedContent([new("user_id", "u")]));
        using var badPrompts = await client.SendAsync(HttpMethod.Post, "analyze", AnalyzerClient.TextForm("u", "text", ("prompts", "p9")));
        using var json = await client.SendAsync(HttpMethod.Post, "analyze", Json.Body(new { user_id = "u", text_input = "text" }));
        using var unsupported = await client.SendAsync(HttpMethod.Post, "analyze", AnalyzerClient.FileForm("u", png, "image.pdf"));
        using var corrupt = await client.SendAsync(HttpMethod.Post, "analyze", AnalyzerClient.FileForm("u", corruptPdf, "broken.pdf"));
        using var empty = await client.SendAsync(HttpMethod.Post, "analyze", AnalyzerClient.FileForm("u", [], "empty.txt"));
        using var badFeedback = await client.SendAsync(HttpMethod.Post, $"sessions/{Guid.NewGuid()}/feedback", Json.Body(new { rating = 9 }));
        using var emptyQuestion = await client.SendAsync(HttpMethod.Post, $"sessions/{Guid.NewGuid()}/followup", Json.Body(new { question = " " }));
        using var badFormat = await client.SendAsync(HttpMethod.Get, $"sessions/{Guid.NewGuid()}/export?format=pdf");

        Assert.That((await ProblemAssert.IsProblemAsync(noUser, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("user_id", out _), Is.True);
        Assert.That((await ProblemAssert.IsProblemAsync(noDocument, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("text_input", out _), Is.True);
        await ProblemAssert.IsProblemAsync(badPrompts, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(json, HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(unsupported, HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(corrupt, HttpStatusCode.UnprocessableEntity);
        await ProblemAssert.IsProblemAsync(empty, HttpStatusCode.UnprocessableEntity);
        await ProblemAssert.IsProblemAsync(badFeedback, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(emptyQuestion, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(badFormat, HttpStatusCode.BadRequest);
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM analyzer.sessions WHERE org_id = @org", ("org", client.Key.OrgId)), Is.Zero,
            "nothing is stored for a refused request");
    }

    [Test]
    public async Task OversizedUpload_Is413()
    {
        var client = await AnalyzerClient.CreateAsync();
        var huge = Encoding.UTF8.GetBytes(new string('a', 21 * 1024 * 1024));

        using var request = client.Key.Request(HttpMethod.Post, "api/v1/analyzer/analyze", AnalyzerClient.FileForm("u", huge, "huge.txt"));
        // A well-behaved client of large uploads asks first, so it reads the refusal instead of a reset connection.
        request.Headers.ExpectContinue = true;

        using var response = await Fleet.Gateway.Client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }
}
