using System.Net;
using System.Text.Json.Nodes;
using Platform.Contracts;
using Platform.Testing;

namespace Platform.IntegrationTests.Admin;

[Parallelizable(ParallelScope.All)]
public sealed class PromptsApiTests
{
    private const string Path = "api/v1/admin/prompts";

    [Test]
    public async Task Migrations_SeedAnActiveGlobalPrompt_ForEveryKey()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());

        using var response = await client.GetAsync($"{Path}?org_id=global&limit=100");

        var items = (await AdminClient.OkJsonAsync(response))["items"]!.AsArray();
        Assert.That(items.Select(i => (string?)i!["key"]), Is.EquivalentTo(PromptKeys.All));
        Assert.That(items.All(i => i!["org_id"] is null && (int)i["active_version"]! >= 1), Is.True);
        var p1 = items.Single(i => (string?)i!["key"] == "analyzer.p1")!;
        Assert.That(p1["placeholders"]!.AsArray().Select(p => (string?)p), Does.Contain("document"));
    }

    [Test]
    public async Task Resolve_PrefersTheOrganisationsOverride_OverTheGlobalDefault()
    {
        var org = await AdminClient.CreateOrganizationAsync();
        var other = await AdminClient.CreateOrganizationAsync();

        var before = await ResolveAsync(org, "analyzer.p2");
        Assert.That(before["org_id"], Is.Null, "without an override the global prompt applies");

        using var created = await AdminClient.ForOrg(org).PostAsync(Path, new
        {
            key = "analyzer.p2",
            template = "Our house view of strengths and weaknesses of {document} in {language}.",
            parameters = new { temperature = 0.1, max_tokens = 500 },
        });
        await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);

        var mine = await ResolveAsync(org, "analyzer.p2");
        var theirs = await ResolveAsync(other, "analyzer.p2");
        Assert.Multiple(() =>
        {
            Assert.That((Guid?)mine["org_id"], Is.EqualTo(org));
            Assert.That((string?)mine["template"], Does.StartWith("Our house view"));
            Assert.That((double?)mine["parameters"]!["temperature"], Is.EqualTo(0.1).Within(1e-6));
            Assert.That((int?)mine["parameters"]!["max_tokens"], Is.EqualTo(500));
            Assert.That(theirs["org_id"], Is.Null, "another organisation still gets the global prompt");
        });
    }

    [Test]
    public async Task Update_AddsAVersion_AndActivatingAnOldOne_RollsBack()
    {
        var org = await AdminClient.CreateOrganizationAsync();
        var client = AdminClient.ForOrg(org);
        using var created = await client.PostAsync(Path, new { key = "chatbot.answer", template = "v1 {question}" });
        var id = (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;
        var etag = created.Headers.ETag!.Tag;

        using var updated = await client.PutAsync($"{Path}/{id}", new { template = "v2 {question} {context}" }, etag);
        var v2 = await AdminClient.OkJsonAsync(updated);
        Assert.That((int)v2["active_version"]!, Is.EqualTo(2));
        Assert.That((string?)(await ResolveAsync(org, "chatbot.answer"))["template"], Is.EqualTo("v2 {question} {context}"));

        using var versions = await client.GetAsync($"{Path}/{id}/versions");
        var list = (await AdminClient.OkJsonAsync(versions)).AsArray();
        Assert.That(list.Select(v => (int)v!["version"]!), Is.EqualTo(new[] { 2, 1 }), "old versions are kept");
        Assert.That(list.Select(v => (bool)v!["active"]!), Is.EqualTo(new[] { true, false }));

        using var rollback = await client.PostAsync($"{Path}/{id}/versions/1/activate");
        var rolledBack = await AdminClient.OkJsonAsync(rollback);
        Assert.That((int)rolledBack["active_version"]!, Is.EqualTo(1));
        Assert.That((int)rolledBack["latest_version"]!, Is.EqualTo(2));
        var resolved = await ResolveAsync(org, "chatbot.answer");
        Assert.That((string?)resolved["template"], Is.EqualTo("v1 {question}"));
        Assert.That((int)resolved["version"]!, Is.EqualTo(1));
    }

    [Test]
    public async Task StaleUpdate_Is412_AndChangesNothing()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var created = await client.PostAsync(Path, new { key = "analyzer.p5", template = "first {document}" });
        var id = (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;
        var staleTag = created.Headers.ETag!.Tag;
        using (var winner = await client.PutAsync($"{Path}/{id}", new { template = "winner {document}" }, staleTag))
        {
            Assert.That(winner.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var loser = await client.PutAsync($"{Path}/{id}", new { template = "loser {document}" }, staleTag);
        using var missing = await client.PutAsync($"{Path}/{id}", new { template = "blind {document}" });

        await ProblemAssert.IsProblemAsync(loser, HttpStatusCode.PreconditionFailed);
        await ProblemAssert.IsProblemAsync(missing, (HttpStatusCode)428);
        using var current = await client.GetAsync($"{Path}/{id}");
        var body = await AdminClient.OkJsonAsync(current);
        Assert.That((string?)body["template"], Is.EqualTo("winner {document}"));
        Assert.That((int)body["latest_version"]!, Is.EqualTo(2));
    }

    [Test]
    public async Task ConcurrentUpdatesWithOneETag_ExactlyOneWins()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var created = await client.PostAsync(Path, new { key = "analyzer.p4", template = "base {document}" });
        var id = (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;
        var etag = created.Headers.ETag!.Tag;

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => client.PutAsync($"{Path}/{id}", new { template = $"attempt {i} {{document}}" }, etag)));

        Assert.That(attempts.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(1));
        Assert.That(attempts.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed), Is.EqualTo(5));
        foreach (var attempt in attempts)
        {
            attempt.Dispose();
        }
    }

    [Test]
    public async Task AnOrganisationsKey_CannotChangeGlobalPrompts()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var list = await client.GetAsync($"{Path}?org_id=global&key=analyzer.p1");
        var global = (await AdminClient.OkJsonAsync(list))["items"]![0]!;
        var id = (Guid)global["id"]!;

        using var get = await client.GetAsync($"{Path}/{id}");
        using var put = await client.PutAsync($"{Path}/{id}", new { template = "hijack {document}" }, get.Headers.ETag!.Tag);
        using var delete = await client.DeleteAsync($"{Path}/{id}");
        using var activate = await client.PostAsync($"{Path}/{id}/versions/1/activate");

        await ProblemAssert.IsProblemAsync(put, HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(delete, HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(activate, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task AnotherOrganisationsPrompt_IsInvisible()
    {
        var owner = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var stranger = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var created = await owner.PostAsync(Path, new { key = "evaluator.delta", template = "secret sauce {internal_analysis}" });
        var id = (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;

        using var get = await stranger.GetAsync($"{Path}/{id}");
        using var versions = await stranger.GetAsync($"{Path}/{id}/versions");
        using var delete = await stranger.DeleteAsync($"{Path}/{id}");
        using var list = await stranger.GetAsync($"{Path}?key=evaluator.delta");

        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(versions, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(delete, HttpStatusCode.NotFound);
        var items = (await AdminClient.OkJsonAsync(list))["items"]!.AsArray();
        Assert.That(items.Select(i => (Guid)i!["id"]!), Does.Not.Contain(id));
    }

    [Test]
    public async Task InvalidPrompt_Is400_AndDuplicateIs409()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());

        using var invalid = await client.PostAsync(Path, new { key = "analyzer.p9", template = "broken {Document", parameters = new { temperature = 3.5, max_tokens = 0 } });
        var errors = (await ProblemAssert.IsProblemAsync(invalid, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(e => e.Name),
            Is.EquivalentTo(new[] { "key", "template", "parameters.temperature", "parameters.max_tokens" }));

        using (var first = await client.PostAsync(Path, new { key = "analyzer.p3", template = "a {document}" }))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        using var duplicate = await client.PostAsync(Path, new { key = "analyzer.p3", template = "b {document}" });
        await ProblemAssert.IsProblemAsync(duplicate, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Delete_RemovesTheOverride_SoTheGlobalAppliesAgain()
    {
        var org = await AdminClient.CreateOrganizationAsync();
        var client = AdminClient.ForOrg(org);
        using var created = await client.PostAsync(Path, new { key = "chatbot.refine", template = "mine {question}" });
        var id = (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;

        using var delete = await client.DeleteAsync($"{Path}/{id}");

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await ResolveAsync(org, "chatbot.refine"))["org_id"], Is.Null);
    }

    [Test]
    public async Task ActivateUnknownVersion_Is404()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var created = await client.PostAsync(Path, new { key = "evaluator.followup", template = "q {question}" });
        var id = (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;

        using var response = await client.PostAsync($"{Path}/{id}/versions/7/activate");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Resolve_UnknownKey_Is404()
    {
        using var response = await AdminClient.Internal().GetAsync($"internal/prompts/resolve?org={Guid.NewGuid()}&key=nothing.here");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    private static async Task<JsonNode> ResolveAsync(Guid org, string key)
    {
        using var response = await AdminClient.Internal().GetAsync($"internal/prompts/resolve?org={org}&key={key}");
        return await AdminClient.OkJsonAsync(response);
    }
}
