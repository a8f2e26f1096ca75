using System.Net;
using Npgsql;
using Platform.Testing;

namespace Platform.IntegrationTests.Admin;

[Parallelizable(ParallelScope.All)]
public sealed class OrganizationsApiTests
{
    private const string Path = "api/v1/admin/organizations";

    [Test]
    public async Task Create_ThenGet_ReturnsTheOrganisation_WithSettings()
    {
        var slug = "acme-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await AdminClient.Platform().PostAsync(Path, new
        {
            name = "Acme Foundation",
            slug,
            settings = new { requests_per_minute = 120, monthly_token_budget = 5_000_000, default_language = "pt-BR" },
        });

        var body = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);
        var id = (Guid)body["id"]!;
        Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/{Path}/{id}"));

        using var fetched = await AdminClient.ForOrg(id).GetAsync($"{Path}/{id}");
        var org = await AdminClient.OkJsonAsync(fetched);
        Assert.Multiple(() =>
        {
            Assert.That((string?)org["name"], Is.EqualTo("Acme Foundation"));
            Assert.That((string?)org["slug"], Is.EqualTo(slug));
            Assert.That((int?)org["settings"]!["requests_per_minute"], Is.EqualTo(120));
            Assert.That((long?)org["settings"]!["monthly_token_budget"], Is.EqualTo(5_000_000));
            Assert.That((string?)org["settings"]!["default_language"], Is.EqualTo("pt-BR"));
            Assert.That(org["created_at"], Is.Not.Null);
        });
    }

    [Test]
    public async Task List_PagesWithACursor_WithoutRepeatsOrGaps()
    {
        var mine = new HashSet<Guid>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add(await AdminClient.CreateOrganizationAsync());
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            using var response = await AdminClient.Platform().GetAsync($"{Path}?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            var page = await AdminClient.OkJsonAsync(response);
            var items = page["items"]!.AsArray();
            Assert.That(items, Has.Count.LessThanOrEqualTo(2));
            seen.AddRange(items.Select(i => (Guid)i!["id"]!));
            cursor = (string?)page["next_cursor"];
        }
        while (cursor is not null);

        Assert.That(seen, Is.Unique);
        Assert.That(seen, Is.SupersetOf(mine));
    }

    [Test]
    public async Task List_ForAnOrganisationsKey_ShowsOnlyItsOwn()
    {
        var org = await AdminClient.CreateOrganizationAsync();
        await AdminClient.CreateOrganizationAsync();

        using var response = await AdminClient.ForOrg(org).GetAsync(Path);

        var items = (await AdminClient.OkJsonAsync(response))["items"]!.AsArray();
        Assert.That(items.Select(i => (Guid)i!["id"]!), Is.EqualTo(new[] { org }));
    }

    [Test]
    public async Task Update_ChangesOnlyTheFieldsSent()
    {
        var org = await AdminClient.CreateOrganizationAsync("Before", new { requests_per_minute = 60 });

        using var response = await AdminClient.ForOrg(org).PutAsync($"{Path}/{org}", new { name = "After" });

        var body = await AdminClient.OkJsonAsync(response);
        Assert.That((string?)body["name"], Is.EqualTo("After"));
        Assert.That((int?)body["settings"]!["requests_per_minute"], Is.EqualTo(60));
    }

    [Test]
    public async Task DuplicateSlug_Is409_AndStoresNothing()
    {
        var slug = "dup-" + Guid.NewGuid().ToString("N")[..8];
        using (var first = await AdminClient.Platform().PostAsync(Path, new { name = "One", slug }))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        using var second = await AdminClient.Platform().PostAsync(Path, new { name = "Two", slug });

        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict);
        Assert.That(await CountAsync("SELECT count(*) FROM admin.organizations WHERE slug = @slug", ("slug", slug)), Is.EqualTo(1));
    }

    [Test]
    public async Task UpdateToATakenSlug_Is409()
    {
        var slug = "taken-" + Guid.NewGuid().ToString("N")[..8];
        using (await AdminClient.Platform().PostAsync(Path, new { name = "One", slug }))
        {
        }

        var other = await AdminClient.CreateOrganizationAsync();
        using var response = await AdminClient.ForOrg(other).PutAsync($"{Path}/{other}", new { slug });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task InvalidFields_Are400_WithAnErrorPerField()
    {
        using var response = await AdminClient.Platform().PostAsync(Path, new
        {
            name = "",
            slug = "Not A Slug!",
            settings = new { requests_per_minute = 0, default_language = "english please" },
        });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Multiple(() =>
        {
            Assert.That(errors.TryGetProperty("name", out _), Is.True);
            Assert.That(errors.TryGetProperty("slug", out _), Is.True);
            Assert.That(errors.TryGetProperty("settings.requests_per_minute", out _), Is.True);
            Assert.That(errors.TryGetProperty("settings.default_language", out _), Is.True);
        });
    }

    [Test]
    public async Task MalformedJson_Is400Problem()
    {
        using var response = await AdminClient.Platform().SendAsync(HttpMethod.Post, Path, content: Json.Raw("{\"name\": \"x\", \"slug\": "));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task OversizedBody_Is413Problem()
    {
        var name = new string('x', 2 * 1024 * 1024);

        using var response = await AdminClient.Platform().PostAsync(Path, new { name, slug = "big" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task AnOrganisationsKey_CannotCreateOrDelete_OrSeeAnother()
    {
        var org = await AdminClient.CreateOrganizationAsync();
        var other = await AdminClient.CreateOrganizationAsync();
        var client = AdminClient.ForOrg(org);

        using var create = await client.PostAsync(Path, new { name = "Mine", slug = "mine-" + Guid.NewGuid().ToString("N")[..8] });
        using var get = await client.GetAsync($"{Path}/{other}");
        using var update = await client.PutAsync($"{Path}/{other}", new { name = "Hijacked" });
        using var delete = await client.DeleteAsync($"{Path}/{org}");

        await ProblemAssert.IsProblemAsync(create, HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(update, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(delete, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task KeyWithoutAdminScope_Is403()
    {
        var org = await AdminClient.CreateOrganizationAsync();

        using var response = await AdminClient.ForOrg(org, "analyzer").GetAsync($"{Path}/{org}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Delete_RemovesTheOrganisationAndItsUsers()
    {
        var org = await AdminClient.CreateOrganizationAsync();
        using (var user = await AdminClient.ForOrg(org).PostAsync("api/v1/admin/users", new { external_id = "u1", email = "u1@example.org", name = "U One" }))
        {
            Assert.That(user.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        using var delete = await AdminClient.Platform().DeleteAsync($"{Path}/{org}");
        using var get = await AdminClient.Platform().GetAsync($"{Path}/{org}");

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound);
        Assert.That(await CountAsync("SELECT count(*) FROM admin.users WHERE org_id = @org", ("org", org)), Is.Zero);
    }

    [Test]
    public async Task UnknownId_Is404Problem()
    {
        using var response = await AdminClient.Platform().GetAsync($"{Path}/{Guid.NewGuid()}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    internal static async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres"));
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }
}
