using System.Net;
using System.Text;
using Npgsql;
using Platform.Contracts;
using Platform.Testing;

namespace Platform.IntegrationTests.Admin;

[Parallelizable(ParallelScope.All)]
public sealed class ApiKeysApiTests
{
    private const string Path = "api/v1/admin/api-keys";

    [Test]
    public async Task Create_AnswersTheSecretOnce_AndListingNeverShowsIt()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());

        using var created = await client.PostAsync(Path, new { name = "ci", scopes = new[] { "admin" }, rate_limit_per_minute = 30 });
        var key = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);
        var apiKey = (string)key["api_key"]!;
        var secret = (string)key["api_secret"]!;
        Assert.That(apiKey, Does.StartWith("pk_"));
        Assert.That(secret, Does.StartWith("sk_").And.Length.GreaterThan(40));
        Assert.That((string?)key["prefix"], Is.EqualTo(apiKey[..11]));

        using var list = await client.GetAsync(Path);
        var text = await list.Content.ReadAsStringAsync();
        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(text, Does.Not.Contain(secret).And.Not.Contain(apiKey).And.Not.Contain("api_secret").And.Not.Contain("hash"));
        var listed = (await Json.ReadAsync(list))["items"]!.AsArray().Single()!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)listed["prefix"], Is.EqualTo(apiKey[..11]));
            Assert.That(listed["scopes"]!.AsArray().Select(s => (string?)s), Is.EqualTo(new[] { "admin" }));
            Assert.That((int?)listed["rate_limit_per_minute"], Is.EqualTo(30));
            Assert.That(listed["revoked_at"], Is.Null);
        });
    }

    [Test]
    public async Task TheDatabase_NeverHoldsThePlainKeyOrSecret()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var created = await client.PostAsync(Path, new { name = "probe", scopes = new[] { "admin" } });
        var key = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);
        var secret = (string)key["api_secret"]!;
        var apiKey = (string)key["api_key"]!;

        // Every column of every row, as text and as the raw bytes of bytea columns.
        await using var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres"));
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FROM admin.api_keys k
            WHERE k::text LIKE '%' || @secret || '%' OR k::text LIKE '%' || @key || '%'
               OR position(convert_to(@secret, 'UTF8') IN k.secret_hash) > 0
               OR position(convert_to(@secret, 'UTF8') IN k.key_hash) > 0
            """, db);
        command.Parameters.AddWithValue("secret", secret[3..]);
        command.Parameters.AddWithValue("key", apiKey[3..]);
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(0L));
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM admin.api_keys WHERE org_id = @org", ("org", client.OrgId!.Value)), Is.EqualTo(1));
    }

    [Test]
    public async Task Verify_AnswersOrganisationScopesAndLimits_AndRecordsUse()
    {
        var org = await AdminClient.CreateOrganizationAsync(settings: new { requests_per_minute = 77 });
        var client = AdminClient.ForOrg(org, "admin", "analyzer");
        using var created = await client.PostAsync(Path, new { name = "app", scopes = new[] { "analyzer", "admin" } });
        var key = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);

        using var verified = await AdminClient.Internal().PostAsync("internal/keys/verify", new { api_key = (string)key["api_key"]!, api_secret = (string)key["api_secret"]! });

        var body = await AdminClient.OkJsonAsync(verified);
        Assert.Multiple(() =>
        {
            Assert.That((Guid)body["key_id"]!, Is.EqualTo((Guid)key["id"]!));
            Assert.That((Guid)body["org_id"]!, Is.EqualTo(org));
            Assert.That(body["scopes"]!.AsArray().Select(s => (string?)s), Is.EqualTo(new[] { "admin", "analyzer" }));
            Assert.That(body["rate_limit_per_minute"], Is.Null);
            Assert.That((int?)body["org_requests_per_minute"], Is.EqualTo(77));
        });
        using var list = await client.GetAsync(Path);
        Assert.That((await Json.ReadAsync(list))["items"]![0]!["last_used_at"], Is.Not.Null);
    }

    [Test]
    public async Task Verify_WrongSecretOrUnknownKey_Is401_WithTheSameAnswer()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var created = await client.PostAsync(Path, new { name = "app", scopes = new[] { "admin" } });
        var key = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);

        using var wrongSecret = await AdminClient.Internal().PostAsync("internal/keys/verify", new { api_key = (string)key["api_key"]!, api_secret = "sk_wrong" });
        using var unknownKey = await AdminClient.Internal().PostAsync("internal/keys/verify", new { api_key = "pk_unknown", api_secret = (string)key["api_secret"]! });

        var a = await ProblemAssert.IsProblemAsync(wrongSecret, HttpStatusCode.Unauthorized);
        var b = await ProblemAssert.IsProblemAsync(unknownKey, HttpStatusCode.Unauthorized);
        Assert.That(a.GetProperty("detail").GetString(), Is.EqualTo(b.GetProperty("detail").GetString()));
    }

    [Test]
    public async Task Verify_NeedsTheInternalScope()
    {
        var org = await AdminClient.CreateOrganizationAsync();

        using var response = await AdminClient.ForOrg(org, "admin", "platform").PostAsync("internal/keys/verify", new { api_key = "pk_x", api_secret = "sk_x" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Revoke_StopsVerification_AndPublishesApiKeyRevoked()
    {
        await using var bus = await TestBus<ApiKeyRevoked>.StartAsync();
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var created = await client.PostAsync(Path, new { name = "doomed", scopes = new[] { "admin" } });
        var key = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);
        var id = (Guid)key["id"]!;

        using var revoked = await client.PostAsync($"{Path}/{id}/revoke");

        var body = await AdminClient.OkJsonAsync(revoked);
        Assert.That(body["revoked_at"], Is.Not.Null);
        var message = await bus.WaitForAsync(m => m.KeyId == id, TimeSpan.FromSeconds(30));
        Assert.That(message.OrganizationId, Is.EqualTo(client.OrgId));
        using var verify = await AdminClient.Internal().PostAsync("internal/keys/verify", new { api_key = (string)key["api_key"]!, api_secret = (string)key["api_secret"]! });
        await ProblemAssert.IsProblemAsync(verify, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Revoke_AnotherOrganisationsKey_Is404_AndLeavesItWorking()
    {
        var owner = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        var stranger = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync());
        using var created = await owner.PostAsync(Path, new { name = "mine", scopes = new[] { "admin" } });
        var key = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);

        using var revoke = await stranger.PostAsync($"{Path}/{(Guid)key["id"]!}/revoke");
        using var list = await stranger.GetAsync($"{Path}?org_id={owner.OrgId}");

        await ProblemAssert.IsProblemAsync(revoke, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(list, HttpStatusCode.NotFound);
        using var verify = await AdminClient.Internal().PostAsync("internal/keys/verify", new { api_key = (string)key["api_key"]!, api_secret = (string)key["api_secret"]! });
        Assert.That(verify.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Scopes_MustBeKnown_AndNoBroaderThanTheCreators()
    {
        var client = AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync(), "admin", "analyzer");

        using var unknown = await client.PostAsync(Path, new { name = "x", scopes = new[] { "root" } });
        using var none = await client.PostAsync(Path, new { name = "x", scopes = Array.Empty<string>() });
        using var escalate = await client.PostAsync(Path, new { name = "x", scopes = new[] { "analyzer", "platform" } });
        using var allowed = await client.PostAsync(Path, new { name = "x", scopes = new[] { "analyzer" } });

        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(none, HttpStatusCode.BadRequest);
        var problem = await ProblemAssert.IsProblemAsync(escalate, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("platform"));
        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Verify_MissingFields_Is400()
    {
        using var response = await AdminClient.Internal().SendAsync(HttpMethod.Post, "internal/keys/verify", content: new StringContent("{}", Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
