using System.Net;
using Platform.Testing;

namespace Platform.IntegrationTests.Admin;

[Parallelizable(ParallelScope.All)]
public sealed class UsersApiTests
{
    private const string Path = "api/v1/admin/users";

    [Test]
    public async Task Crud_WorksWithinTheOrganisation()
    {
        var org = await AdminClient.CreateOrganizationAsync();
        var client = AdminClient.ForOrg(org);

        using var created = await client.PostAsync(Path, new { external_id = "legacy-42", email = "ana@example.org", name = "Ana", role = "ops" });
        var user = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);
        var id = (Guid)user["id"]!;
        Assert.That((Guid)user["org_id"]!, Is.EqualTo(org));
        Assert.That((string?)user["role"], Is.EqualTo("ops"));

        using var updated = await client.PutAsync($"{Path}/{id}", new { name = "Ana Lima", role = "admin" });
        var after = await AdminClient.OkJsonAsync(updated);
        Assert.That((string?)after["name"], Is.EqualTo("Ana Lima"));
        Assert.That((string?)after["email"], Is.EqualTo("ana@example.org"), "fields left out keep their value");

        using var list = await client.GetAsync(Path);
        var items = (await AdminClient.OkJsonAsync(list))["items"]!.AsArray();
        Assert.That(items.Select(i => (string?)i!["external_id"]), Is.EqualTo(new[] { "legacy-42" }));

        using var deleted = await client.DeleteAsync($"{Path}/{id}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var gone = await client.GetAsync($"{Path}/{id}");
        await ProblemAssert.IsProblemAsync(gone, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task DefaultRole_IsMember()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());

        using var created = await client.PostAsync(Path, new { external_id = "m", email = "m@example.org", name = "M" });

        Assert.That((string?)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["role"], Is.EqualTo("member"));
    }

    [Test]
    public async Task DuplicateExternalId_Is409_ButAnotherOrganisationMayReuseIt()
    {
        var a = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var b = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using (await a.PostAsync(Path, new { external_id = "same", email = "a@example.org", name = "A" }))
        {
        }

        using var duplicate = await a.PostAsync(Path, new { external_id = "same", email = "a2@example.org", name = "A2" });
        using var elsewhere = await b.PostAsync(Path, new { external_id = "same", email = "b@example.org", name = "B" });

        await ProblemAssert.IsProblemAsync(duplicate, HttpStatusCode.Conflict);
        Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM admin.users WHERE org_id = @org", ("org", a.OrgId!.Value)), Is.EqualTo(1));
    }

    [Test]
    public async Task InvalidFields_Are400_WithAnErrorPerField()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());

        using var response = await client.PostAsync(Path, new { external_id = "", email = "not-an-email", name = "", role = "superuser" });

        var errors = (await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(e => e.Name), Is.EquivalentTo(new[] { "external_id", "email", "name", "role" }));
    }

    [Test]
    public async Task AnotherOrganisationsUser_Is404_ForEveryOperation()
    {
        var owner = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var stranger = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var created = await owner.PostAsync(Path, new { external_id = "x", email = "x@example.org", name = "X" });
        var id = (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;

        using var get = await stranger.GetAsync($"{Path}/{id}");
        using var put = await stranger.PutAsync($"{Path}/{id}", new { name = "Y" });
        using var delete = await stranger.DeleteAsync($"{Path}/{id}");
        using var listOther = await stranger.GetAsync($"{Path}?org_id={owner.OrgId}");

        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(put, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(delete, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(listOther, HttpStatusCode.NotFound);
        using var still = await owner.GetAsync($"{Path}/{id}");
        Assert.That((string?)(await AdminClient.OkJsonAsync(still))["name"], Is.EqualTo("X"));
    }

    [Test]
    public async Task PlatformKey_ManagesAnyOrganisationsUsers()
    {
        var org = await AdminClient.CreateOrganizationAsync();

        using var created = await AdminClient.Platform().PostAsync($"{Path}?org_id={org}", new { external_id = "p", email = "p@example.org", name = "P" });

        Assert.That((Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["org_id"]!, Is.EqualTo(org));
    }

    [Test]
    public async Task BadCursor_Is400()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());

        using var response = await client.GetAsync($"{Path}?cursor=garbage&limit=0");

        var errors = (await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.That(errors.TryGetProperty("cursor", out _) && errors.TryGetProperty("limit", out _), Is.True);
    }
}
