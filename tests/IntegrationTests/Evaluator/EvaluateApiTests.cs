using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml.Packaging;
using Platform.IntegrationTests.Admin;
using Platform.Testing;

namespace Platform.IntegrationTests.Evaluator;

[Parallelizable(ParallelScope.All)]
public sealed class EvaluateApiTests
{
    [Test]
    public async Task Evaluate_TorWithTenRequirements_GivesSevenCoveredOnePartialTwoMissing()
    {
        var client = await EvaluatorClient.CreateAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "evaluate",
            EvaluatorClient.TextForm("user-1", TermsOfReference.Proposal, TermsOfReference.Text));

        var body = await AdminClient.OkJsonAsync(response);
        var alignment = body["alignment"]!;
        var rows = alignment["requirements"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => (string?)r!["status"]), Is.EqualTo(TermsOfReference.Expected), alignment.ToJsonString());
            Assert.That(rows.Select(r => (int)r!["number"]!), Is.EqualTo(Enumerable.Range(1, 10)));
            Assert.That((string?)rows[0]!["requirement"], Does.Contain("200 community health volunteers"));
            Assert.That((string?)rows[0]!["passage"], Does.StartWith("We will train 200"));
            Assert.That((string?)rows[3]!["passage"], Does.Contain("EUR 450,000"));
            Assert.That((string?)rows[3]!["category"], Is.EqualTo("budget"));
            Assert.That((string?)rows[2]!["category"], Is.EqualTo("eligibility"));
            Assert.That((string?)rows[7]!["passage"], Does.Contain("gender equality strategy"));
            Assert.That(rows[8]!["passage"], Is.Null);
            Assert.That(rows[9]!["passage"], Is.Null);
            Assert.That((int)alignment["covered"]!, Is.EqualTo(7));
            Assert.That((int)alignment["partial"]!, Is.EqualTo(1));
            Assert.That((int)alignment["missing"]!, Is.EqualTo(2));
            Assert.That((double)alignment["score"]!, Is.EqualTo(75.0));
        });

        foreach (var part in new[] { "internal_analysis", "external_analysis", "delta_analysis" })
        {
            Assert.That(((string?)body[part]!["content"])!.Length, Is.GreaterThan(40), part);
        }

        // Offline, the external review and the delta are built from the alignment table.
        var external = (string?)body["external_analysis"]!["content"];
        var delta = (string?)body["delta_analysis"]!["content"];
        Assert.That(external, Does.Contain("### Missing (2)").And.Contain("### Partly covered (1)").And.Contain("Alignment score"));
        foreach (var missing in rows.Where(r => (string?)r!["status"] == "missing").Select(r => (string)r!["requirement"]!))
        {
            Assert.That(external, Does.Contain("Not addressed: " + missing));
            Assert.That(delta, Does.Contain("Add a passage that addresses: " + missing));
        }

        // Global guidelines other tests create meanwhile may apply; this organisation has none of its own.
        Assert.That((int)body["guidelines"]!["organisation"]!, Is.Zero, "this organisation has no guidelines");
        Assert.That(rows.Select(r => r!["similarity"]), Is.All.Not.Null, "passages are matched by meaning too");
        Assert.That(rows.Take(8).Select(r => (string?)r!["matched_by"]), Is.All.EqualTo("keywords"));
        Assert.That((int)body["token_usage"]!["input_tokens"]!, Is.GreaterThan(0));

        var id = (Guid)body["session_id"]!;
        using var stored = await client.SendAsync(HttpMethod.Get, $"sessions/{id}");
        var session = await AdminClient.OkJsonAsync(stored);
        Assert.That((string?)session["status"], Is.EqualTo("completed"));
        Assert.That(session["alignment"]!["requirements"]!.AsArray().Select(r => (string?)r!["status"]), Is.EqualTo(TermsOfReference.Expected));
        Assert.That((string?)session["delta_analysis"]!["key"], Is.EqualTo("evaluator.delta"));
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM evaluator.token_usage WHERE session_id = @id", ("id", id)), Is.EqualTo(3));
    }

    [Test]
    public async Task Evaluate_RequirementCoveredOnlyInOtherWords_IsFoundByMeaning()
    {
        const string terms = """
            Requirements

            1. Solar cold storage units must be installed at twelve rural clinics.
            2. Staff must complete safeguarding training before deployment.
            """;
        const string proposal = """
            Lakeside Relief partnership

            We will put photovoltaic-powered vaccine refrigerators in a dozen village health posts.

            We look forward to working with you.
            """;
        var client = await EvaluatorClient.CreateAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "evaluate", EvaluatorClient.TextForm("user-p", proposal, terms));

        var body = await AdminClient.OkJsonAsync(response);
        var rows = body["alignment"]!["requirements"]!.AsArray();
        var paraphrased = rows[0]!;
        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => (string?)r!["status"]), Is.EqualTo(new[] { "covered", "missing" }), body["alignment"]!.ToJsonString());
            Assert.That(paraphrased["key_terms"]!.AsArray().Select(t => (string)t!).Where(t => proposal.Contains(t, StringComparison.OrdinalIgnoreCase)),
                Is.Empty, "no key term of the requirement is in the proposal");
            Assert.That((string?)paraphrased["matched_by"], Is.EqualTo("meaning"));
            Assert.That((string?)paraphrased["passage"], Does.StartWith("We will put photovoltaic-powered vaccine refrigerators"));
            Assert.That((string?)body["external_analysis"]!["content"], Does.Contain("### Covered (1)"));
        });
    }

    [Test]
    public async Task Evaluate_InternalAndExternalRunConcurrently_ThenDelta()
    {
        var client = await EvaluatorClient.CreateAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "evaluate",
            EvaluatorClient.TextForm("user-2", TermsOfReference.Proposal, TermsOfReference.Text));

        var body = await AdminClient.OkJsonAsync(response);
        var (internalStart, internalEnd) = Timing(body["internal_analysis"]!);
        var (externalStart, externalEnd) = Timing(body["external_analysis"]!);
        var (deltaStart, _) = Timing(body["delta_analysis"]!);
        Assert.Multiple(() =>
        {
            Assert.That(internalStart, Is.LessThan(externalEnd), "internal started before external finished");
            Assert.That(externalStart, Is.LessThan(internalEnd), "external started before internal finished");
            Assert.That(deltaStart, Is.GreaterThanOrEqualTo(internalEnd).And.GreaterThanOrEqualTo(externalEnd), "delta uses both");
        });
    }

    [Test]
    public async Task Evaluate_ProposalPdf_AgainstAToRDocx_GivesTheSameTable()
    {
        var client = await EvaluatorClient.CreateAsync();
        var lines = TermsOfReference.Text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var torDocx = Admin.GuidelinesApiTests.Docx(lines[0], lines[1..]);

        using var response = await client.SendAsync(HttpMethod.Post, "evaluate",
            EvaluatorClient.FileForm("user-docx", TermsOfReference.ProposalPdf(), "proposal.pdf", null, (torDocx, "terms.docx")));

        var body = await AdminClient.OkJsonAsync(response);
        Assert.That((string?)body["tor_name"], Is.EqualTo("terms.docx"));
        Assert.That(body["alignment"]!["requirements"]!.AsArray().Select(r => (string?)r!["status"]), Is.EqualTo(TermsOfReference.Expected));
    }

    [Test]
    public async Task Evaluate_ProposalPdf_CitesThePageOfEachCoveringPassage()
    {
        var client = await EvaluatorClient.CreateAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "evaluate",
            EvaluatorClient.FileForm("user-3", TermsOfReference.ProposalPdf(), "proposal.pdf", TermsOfReference.Text));

        var body = await AdminClient.OkJsonAsync(response);
        Assert.That((string?)body["proposal_name"], Is.EqualTo("proposal.pdf"));
        var rows = body["alignment"]!["requirements"]!.AsArray();
        Assert.That(rows.Select(r => (string?)r!["status"]), Is.EqualTo(TermsOfReference.Expected), body["alignment"]!.ToJsonString());
        Assert.That((int?)rows[0]!["page"], Is.EqualTo(1));
        Assert.That((int?)rows[6]!["page"], Is.EqualTo(2));
    }

    [Test]
    public async Task Followup_Feedback_Export_List_Delete()
    {
        var client = await EvaluatorClient.CreateAsync();
        using var evaluated = await client.SendAsync(HttpMethod.Post, "evaluate",
            EvaluatorClient.TextForm("user-4", TermsOfReference.Proposal, TermsOfReference.Text));
        var id = (Guid)(await AdminClient.OkJsonAsync(evaluated))["session_id"]!;

        using var followup = await client.SendAsync(HttpMethod.Post, $"sessions/{id}/followup",
            Json.Body(new { question = "Where will the quarterly financial statements be uploaded?" }));
        var answer = await AdminClient.OkJsonAsync(followup, HttpStatusCode.Created);
        Assert.That((string?)answer["answer"], Does.Contain("donor portal"), "the answer quotes the right passage");

        using var feedback = await client.SendAsync(HttpMethod.Post, $"sessions/{id}/feedback", Json.Body(new { rating = 5, comment = "clear", part = "alignment" }));
        var record = await AdminClient.OkJsonAsync(feedback, HttpStatusCode.Created);
        Assert.That((string?)record["part"], Is.EqualTo("alignment"));
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM evaluator.feedback WHERE session_id = @id", ("id", id)), Is.EqualTo(1));

        using var markdown = await client.SendAsync(HttpMethod.Get, $"sessions/{id}/export?format=md");
        Assert.That(markdown.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var md = await markdown.Content.ReadAsStringAsync();
        Assert.That(md, Does.Contain("Alignment with the Terms of Reference")
            .And.Contain("| Requirement")
            .And.Contain("Solar cold storage units")
            .And.Contain("Where will the quarterly financial statements be uploaded?"));
        Assert.That(md, Does.Contain("Delta: gaps and contradictions"));

        using var docx = await client.SendAsync(HttpMethod.Get, $"sessions/{id}/export?format=docx");
        Assert.That(docx.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
        using (var word = WordprocessingDocument.Open(new MemoryStream(await docx.Content.ReadAsByteArrayAsync()), false))
        {
            var bodyPart = word.MainDocumentPart!.Document!.Body!;
            Assert.That(bodyPart.Descendants<DocumentFormat.OpenXml.Wordprocessing.Table>().Count(), Is.GreaterThanOrEqualTo(2), "metadata and alignment tables");
            Assert.That(bodyPart.InnerText, Does.Contain("grievance mechanism").And.Contain("External review"));
        }

        using var list = await client.SendAsync(HttpMethod.Get, "sessions?user_id=user-4");
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
        var owner = await EvaluatorClient.CreateAsync();
        var stranger = await EvaluatorClient.CreateAsync();
        using var evaluated = await owner.SendAsync(HttpMethod.Post, "evaluate",
            EvaluatorClient.TextForm("u", TermsOfReference.Proposal, TermsOfReference.Text));
        var id = (Guid)(await AdminClient.OkJsonAsync(evaluated))["session_id"]!;

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
        using var still = await owner.SendAsync(HttpMethod.Get, $"sessions/{id}");
        Assert.That(still.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the stranger's delete did nothing");
    }

    [Test]
    public async Task BadInput_IsAClear4xx_AndStoresNothing()
    {
        var client = await EvaluatorClient.CreateAsync();
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4 };
        var corruptPdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage");

        using var noProposal = await client.SendAsync(HttpMethod.Post, "evaluate", EvaluatorClient.TextForm("u", null, TermsOfReference.Text));
        using var noTerms = await client.SendAsync(HttpMethod.Post, "evaluate", EvaluatorClient.TextForm("u", TermsOfReference.Proposal, null));
        using var neither = await client.SendAsync(HttpMethod.Post, "evaluate", EvaluatorClient.TextForm("", null, null));
        using var json = await client.SendAsync(HttpMethod.Post, "evaluate", Json.Body(new { user_id = "u", proposal_text_input = "p", tor_text_input = "t" }));
        using var unsupported = await client.SendAsync(HttpMethod.Post, "evaluate", EvaluatorClient.FileForm("u", png, "image.pdf", TermsOfReference.Text));
        using var corrupt = await client.SendAsync(HttpMethod.Post, "evaluate", EvaluatorClient.FileForm("u", corruptPdf, "broken.pdf", TermsOfReference.Text));
        using var emptyTerms = await client.SendAsync(HttpMethod.Post, "evaluate",
            EvaluatorClient.FileForm("u", Encoding.UTF8.GetBytes(TermsOfReference.Proposal), "proposal.txt", null, ([], "tor.txt")));
        using var badFeedback = await client.SendAsync(HttpMethod.Post, $"sessions/{Guid.NewGuid()}/feedback", Json.Body(new { rating = 3, part = "p9" }));
        using var emptyQuestion = await client.SendAsync(HttpMethod.Post, $"sessions/{Guid.NewGuid()}/followup", Json.Body(new { question = " " }));
        using var badFormat = await client.SendAsync(HttpMethod.Get, $"sessions/{Guid.NewGuid()}/export?format=pdf");

        var proposalErrors = (await ProblemAssert.IsProblemAsync(noProposal, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.That(proposalErrors.TryGetProperty("proposal_text_input", out _), Is.True);
        Assert.That(proposalErrors.TryGetProperty("tor_text_input", out _), Is.False);
        var termsErrors = (await ProblemAssert.IsProblemAsync(noTerms, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.That(termsErrors.TryGetProperty("tor_text_input", out _), Is.True);
        Assert.That(termsErrors.TryGetProperty("proposal_text_input", out _), Is.False);
        var allErrors = (await ProblemAssert.IsProblemAsync(neither, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.That(new[] { "user_id", "proposal_text_input", "tor_text_input" }.All(f => allErrors.TryGetProperty(f, out _)), Is.True, allErrors.ToString());
        await ProblemAssert.IsProblemAsync(json, HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(unsupported, HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(corrupt, HttpStatusCode.UnprocessableEntity);
        await ProblemAssert.IsProblemAsync(emptyTerms, HttpStatusCode.UnprocessableEntity);
        await ProblemAssert.IsProblemAsync(badFeedback, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(emptyQuestion, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(badFormat, HttpStatusCode.BadRequest);
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM evaluator.sessions WHERE org_id = @org", ("org", client.Key.OrgId)), Is.Zero,
            "nothing is stored for a refused request");
    }

    [Test]
    public async Task OversizedUpload_Is413()
    {
        var client = await EvaluatorClient.CreateAsync();
        var huge = Encoding.UTF8.GetBytes(new string('a', 21 * 1024 * 1024));

        using var request = client.Key.Request(HttpMethod.Post, "api/v1/evaluator/evaluate",
            EvaluatorClient.FileForm("u", huge, "huge.txt", TermsOfReference.Text));
        request.Headers.ExpectContinue = true;

        using var response = await Fleet.Gateway.Client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    private static (DateTimeOffset Started, DateTimeOffset Finished) Timing(JsonNode part) =>
        ((DateTimeOffset)part["started_at"]!, (DateTimeOffset)part["finished_at"]!);
}
