using System.Net;
using Platform.Testing;

namespace Platform.MigratorTests;

/// <summary>
/// Legacy client keys keep working after the cutover: migrated into the fleet's database, they verify through
/// Admin (/internal/keys/verify, as the gateway calls it) and through the gateway with the legacy headers.
/// </summary>
[NonParallelizable]
public sealed class ApiKeyMigrationTests
{
    private LegacyDatabase legacy = null!;
    private AppProcess admin = null!;
    private AppProcess gateway = null!;

    /// <summary>
    /// Admin and a gateway only, as real processes on this run's test database (the services that consume queues
    /// stay out, so they cannot take messages meant for another test project's fleet on the shared test vhost).
    /// </summary>
    [OneTimeSetUp]
    public async Task StartAdminAndGatewayAsync()
    {
        await Fleet.ResetDatabaseAsync();
        admin = AppProcess.Start("admin", "services/Admin/Admin.csproj", FreePort.Next(), Fleet.CommonEnvironment("admin"));
        await admin.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        var env = Fleet.CommonEnvironment("gateway");
        env["ReverseProxy__Clusters__admin__Destinations__primary__Address"] = admin.BaseAddress.ToString();
        env["Auth__AdminAddress"] = admin.BaseAddress.ToString();
        gateway = AppProcess.Start("gateway", "gateway/Gateway.csproj", FreePort.Next(), env);
        await gateway.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        legacy = await LegacyDatabase.CreateAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await legacy.DisposeAsync();
        await gateway.DisposeAsync();
        await admin.DisposeAsync();
        await Fleet.StopAsync(); // drops the test database
    }

    [Test]
    public async Task MigratedLegacyKeys_VerifyThroughAdminAndGateway_RevokedOnesDoNot()
    {
        await legacy.ExecAsync("""
            INSERT INTO organizations (id, name, slug, settings) VALUES (1, 'Legacy Org', 'legacy-org', '{"requests_per_minute": 600}');
            INSERT INTO api_keys (organization_id, name, api_key, api_secret, scopes, is_active) VALUES
              (1, 'mobile app', 'legacy-key-0001', 'legacy-secret-0001', 'admin,chatbot,analyzer', 1),
              (1, 'old app', 'legacy-key-0002', 'legacy-secret-0002', 'admin,chatbot', 0);
            """);
        var target = TargetDatabase.Existing(TestEnvironment.Database);

        var (exit, output, _) = await MigratorCli.RunAsync(legacy, target, "migrate", "--tables", "organizations,api_keys");
        Assert.That(exit, Is.EqualTo(0), output);

        var internalClient = new SignedClient(admin.Client, null, "gateway-test", "internal");
        using (var verify = await internalClient.SendAsync(new HttpRequestMessage(HttpMethod.Post, "internal/keys/verify")
        {
            Content = Json.Body(new { api_key = "legacy-key-0001", api_secret = "legacy-secret-0001" }),
        }))
        {
            Assert.That(verify.StatusCode, Is.EqualTo(HttpStatusCode.OK), await verify.Content.ReadAsStringAsync());
            var body = await verify.Content.ReadAsStringAsync();
            Assert.That(body, Does.Contain("chatbot").And.Contain("analyzer"));
        }

        using (var wrongSecret = await internalClient.SendAsync(new HttpRequestMessage(HttpMethod.Post, "internal/keys/verify")
        {
            Content = Json.Body(new { api_key = "legacy-key-0001", api_secret = "not-the-secret" }),
        }))
        {
            Assert.That(wrongSecret.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        // through the gateway with the legacy headers: the organisation's own keys, listed by Admin
        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/admin/api-keys"))
        {
            request.Headers.Add("api-key", "legacy-key-0001");
            request.Headers.Add("api-secret", "legacy-secret-0001");
            using var response = await gateway.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(body, Does.Contain("mobile app").And.Contain("legacy-key-"));
        }

        using (var revoked = new HttpRequestMessage(HttpMethod.Get, "api/v1/admin/api-keys"))
        {
            revoked.Headers.Add("api-key", "legacy-key-0002");
            revoked.Headers.Add("api-secret", "legacy-secret-0002");
            using var response = await gateway.Client.SendAsync(revoked);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
    }
}
