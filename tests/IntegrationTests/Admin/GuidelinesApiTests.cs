using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Platform.Testing;

namespace Platform.IntegrationTests.Admin;

[Parallelizable(ParallelScope.All)]
public sealed class GuidelinesApiTests
{
    private const string Path = "api/v1/admin/guidelines";

    [Test]
    public async Task CreateFromText_Update_Delete()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());

        using var created = await client.PostAsync(Path, new { title = "Budget rules", content = "Overheads may not exceed 7% of direct costs." });
        var guideline = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);
        var id = (Guid)guideline["id"]!;
        Assert.That((string?)guideline["source"], Is.EqualTo("text"));

        using var updated = await client.PutAsync($"{Path}/{id}", new { content = "Overheads may not exceed 10% of direct costs." });
        var after = await AdminClient.OkJsonAsync(updated);
        Assert.That((string?)after["title"], Is.EqualTo("Budget rules"));
        Assert.That((string?)after["content"], Does.Contain("10%"));

        using var list = await client.GetAsync(Path);
        Assert.That((await AdminClient.OkJsonAsync(list))["items"]!.AsArray(), Has.Count.EqualTo(1));

        using var deleted = await client.DeleteAsync($"{Path}/{id}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var gone = await client.GetAsync($"{Path}/{id}");
        await ProblemAssert.IsProblemAsync(gone, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task UploadDocx_ExtractsTheText_AndKeepsNameAndHash()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var docx = Docx("Safeguarding policy", "Every project names a safeguarding focal point.", "Incidents are reported within 24 hours.");

        using var response = await client.SendAsync(HttpMethod.Post, $"{Path}/upload", content: Upload(docx, "policy.docx", ("title", "Safeguarding")));

        var body = await AdminClient.OkJsonAsync(response, HttpStatusCode.Created);
        Assert.Multiple(() =>
        {
            Assert.That((string?)body["title"], Is.EqualTo("Safeguarding"));
            Assert.That((string?)body["source"], Is.EqualTo("docx"));
            Assert.That((string?)body["file_name"], Is.EqualTo("policy.docx"));
            Assert.That((string?)body["file_sha256"], Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(docx))));
            Assert.That((string?)body["content"], Does.Contain("safeguarding focal point").And.Contain("within 24 hours"));
        });
    }

    [Test]
    public async Task UploadMarkdown_UsesTheFileNameAsTitle()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var markdown = Encoding.UTF8.GetBytes("# Reporting\n\nQuarterly narrative reports are due 30 days after each quarter.\n");

        using var response = await client.SendAsync(HttpMethod.Post, $"{Path}/upload", content: Upload(markdown, "reporting-duties.md"));

        var body = await AdminClient.OkJsonAsync(response, HttpStatusCode.Created);
        Assert.That((string?)body["title"], Is.EqualTo("reporting-duties"));
        Assert.That((string?)body["source"], Is.EqualTo("markdown"));
        Assert.That((string?)body["content"], Does.Contain("30 days after each quarter"));
    }

    [Test]
    public async Task UploadUnsupportedOrEmptyOrMissingFile_IsAClear4xx_AndStoresNothing()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52 };

        using var unsupported = await client.SendAsync(HttpMethod.Post, $"{Path}/upload", content: Upload(png, "guidelines.pdf"));
        using var empty = await client.SendAsync(HttpMethod.Post, $"{Path}/upload", content: Upload(Encoding.UTF8.GetBytes("   \n  "), "empty.txt"));
        using var missing = await client.SendAsync(HttpMethod.Post, $"{Path}/upload", content: new MultipartFormDataContent { { new StringContent("t"), "title" } });

        await ProblemAssert.IsProblemAsync(unsupported, HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(empty, HttpStatusCode.UnprocessableEntity);
        var problem = await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("file", out _), Is.True);
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM admin.guidelines WHERE org_id = @org", ("org", client.OrgId!.Value)), Is.Zero);
    }

    [Test]
    public async Task AnotherOrganisationsGuideline_Is404()
    {
        var owner = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var stranger = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var created = await owner.PostAsync(Path, new { title = "Private", content = "Internal only." });
        var id = (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;

        using var get = await stranger.GetAsync($"{Path}/{id}");
        using var put = await stranger.PutAsync($"{Path}/{id}", new { title = "Mine now" });
        using var delete = await stranger.DeleteAsync($"{Path}/{id}");
        using var list = await stranger.GetAsync(Path);

        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(put, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(delete, HttpStatusCode.NotFound);
        Assert.That((await AdminClient.OkJsonAsync(list))["items"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task MissingFields_Are400()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());

        using var response = await client.PostAsync(Path, new { title = "  " });

        var errors = (await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(e => e.Name), Is.EquivalentTo(new[] { "title", "content" }));
    }

    [Test]
    public async Task InternalList_GivesTheEvaluatorOneOrganisationsGuidelines_AllOrSelected()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var other = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var ids = new List<Guid>();
        foreach (var title in new[] { "Budget", "Safeguarding", "Reporting" })
        {
            using var created = await client.PostAsync(Path, new { title, content = title + " rules apply." });
            ids.Add((Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!);
        }

        using (await other.PostAsync(Path, new { title = "Elsewhere", content = "Not theirs." }))
        {
        }

        using var all = await AdminClient.Internal().GetAsync($"internal/guidelines?org={client.OrgId}");
        using var some = await AdminClient.Internal().GetAsync($"internal/guidelines?org={client.OrgId}&ids={ids[2]},{ids[0]}");
        using var foreign = await AdminClient.Internal().GetAsync($"internal/guidelines?org={client.OrgId}&ids={Guid.NewGuid()}");
        using var bad = await AdminClient.Internal().GetAsync($"internal/guidelines?org={client.OrgId}&ids=nope");
        using var publicKey = await client.GetAsync($"internal/guidelines?org={client.OrgId}");

        // Global guidelines other tests create meanwhile apply too; this organisation's own come after them, in order.
        var own = (await AdminClient.OkJsonAsync(all)).AsArray().Where(g => (string?)g!["scope"] == "organisation").ToList();
        Assert.That(own.Select(g => (string?)g!["title"]), Is.EqualTo(new[] { "Budget", "Safeguarding", "Reporting" }));
        Assert.That((await AdminClient.OkJsonAsync(some)).AsArray().Select(g => (Guid)g!["id"]!), Is.EqualTo(new[] { ids[0], ids[2] }));
        Assert.That((await AdminClient.OkJsonAsync(foreign)).AsArray(), Is.Empty);
        await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(publicKey, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task GlobalGuideline_OnlyPlatformKeysManageIt_EveryOrganisationReadsIt()
    {
        var platform = AdminClient.Platform();
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var title = "Global budget " + Guid.NewGuid().ToString("N")[..8];

        var global = await CreateGlobalAsync(platform, title, "Overheads may not exceed 7% of direct costs.");
        try
        {
            using var asAdmin = await client.PostAsync($"{Path}?org_id=global", new { title = "Mine", content = "Not allowed." });
            using var uploadAsAdmin = await client.SendAsync(HttpMethod.Post, $"{Path}/upload?org_id=global",
                content: Upload(Encoding.UTF8.GetBytes("Rule."), "rule.txt"));
            using var putAsAdmin = await client.PutAsync($"{Path}/{global}", new { content = "Changed." });
            using var deleteAsAdmin = await client.DeleteAsync($"{Path}/{global}");
            using var getAsAdmin = await client.GetAsync($"{Path}/{global}");
            using var listGlobal = await client.GetAsync($"{Path}?org_id=global&limit=200");
            using var listOwn = await client.GetAsync(Path);
            using var duplicate = await platform.PostAsync($"{Path}?org_id=global", new { title = "  " + title.ToUpperInvariant().Replace(" ", "   ", StringComparison.Ordinal), content = "Again." });
            using var badTarget = await client.GetAsync($"{Path}?org_id=everyone");
            using var renamed = await platform.PutAsync($"{Path}/{global}", new { content = "Overheads may not exceed 8% of direct costs." });

            await ProblemAssert.IsProblemAsync(asAdmin, HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(uploadAsAdmin, HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(putAsAdmin, HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(deleteAsAdmin, HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(duplicate, HttpStatusCode.Conflict);
            await ProblemAssert.IsProblemAsync(badTarget, HttpStatusCode.BadRequest);
            var read = await AdminClient.OkJsonAsync(getAsAdmin);
            var globals = (await AdminClient.OkJsonAsync(listGlobal))["items"]!.AsArray().Select(g => (Guid)g!["id"]!).ToList();
            var owns = (await AdminClient.OkJsonAsync(listOwn))["items"]!.AsArray();
            var changed = await AdminClient.OkJsonAsync(renamed);
            Assert.Multiple(() =>
            {
                Assert.That((string?)read["scope"], Is.EqualTo("global"));
                Assert.That(read["org_id"], Is.Null);
                Assert.That(globals, Does.Contain(global));
                Assert.That(owns, Is.Empty, "the own list holds the organisation's own only");
                Assert.That((string?)changed["content"], Does.Contain("8%"));
            });
            Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM admin.guidelines WHERE org_id IS NULL AND title = 'Mine'"), Is.Zero);
        }
        finally
        {
            using var deleted = await platform.DeleteAsync($"{Path}/{global}");
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
    }

    [Test]
    public async Task Effective_OwnGuidelineOverridesTheGlobalOfTheSameTitle_OtherOrganisationsKeepTheGlobal()
    {
        var platform = AdminClient.Platform();
        var owner = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var other = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var tag = Guid.NewGuid().ToString("N")[..8];
        var budget = await CreateGlobalAsync(platform, $"Budget {tag}", "Overheads may not exceed 7% of direct costs.");
        var safeguarding = await CreateGlobalAsync(platform, $"Safeguarding {tag}", "Every project names a safeguarding focal point.");
        try
        {
            // Same title up to case and spacing: the organisation's own rule replaces the global one for it alone.
            using var created = await owner.PostAsync(Path, new { title = $"  budget   {tag.ToUpperInvariant()} ", content = "Overheads may not exceed 10% of direct costs." });
            var own = (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;

            var forOwner = await EffectiveAsync($"internal/guidelines?org={owner.OrgId}", AdminClient.Internal());
            var forOther = await EffectiveAsync($"internal/guidelines?org={other.OrgId}", AdminClient.Internal());
            var viaPublicApi = await EffectiveAsync($"{Path}/effective", owner);
            var named = await EffectiveAsync($"internal/guidelines?org={owner.OrgId}&ids={budget},{own}", AdminClient.Internal());

            Assert.Multiple(() =>
            {
                Assert.That(forOwner.Keys, Does.Contain(own).And.Contain(safeguarding).And.Not.Contain(budget));
                Assert.That((string?)forOwner[own]["scope"], Is.EqualTo("organisation"));
                Assert.That((Guid?)forOwner[own]["overrides"], Is.EqualTo(budget));
                Assert.That((string?)forOwner[safeguarding]["scope"], Is.EqualTo("global"));
                Assert.That(forOther.Keys, Does.Contain(budget).And.Contain(safeguarding).And.Not.Contain(own));
                Assert.That(viaPublicApi.Keys.Intersect([budget, safeguarding, own]), Is.EquivalentTo(new[] { safeguarding, own }));
                Assert.That(named.Keys, Is.EquivalentTo(new[] { budget, own }), "named ids are used as named");
            });
        }
        finally
        {
            foreach (var id in new[] { budget, safeguarding })
            {
                using var deleted = await platform.DeleteAsync($"{Path}/{id}");
                Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            }
        }
    }

    internal static async Task<Guid> CreateGlobalAsync(AdminClient platform, string title, string content)
    {
        using var created = await platform.PostAsync($"{Path}?org_id=global", new { title, content });
        var body = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);
        Assert.That((string?)body["scope"], Is.EqualTo("global"));
        return (Guid)body["id"]!;
    }

    private static async Task<Dictionary<Guid, System.Text.Json.Nodes.JsonNode>> EffectiveAsync(string path, AdminClient client)
    {
        using var response = await client.GetAsync(path);
        return (await AdminClient.OkJsonAsync(response)).AsArray().ToDictionary(g => (Guid)g!["id"]!, g => g!);
    }

    internal static MultipartFormDataContent Upload(byte[] bytes, string fileName, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        form.Add(file, "file", fileName);
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    internal static byte[] Docx(string heading, params string[] paragraphs)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body(new Paragraph(new Run(new Text(heading))));
            foreach (var text in paragraphs)
            {
                body.AppendChild(new Paragraph(new Run(new Text(text))));
            }

            main.Document = new Document(body);
            main.Document.Save();
        }

        return stream.ToArray();
    }
}
