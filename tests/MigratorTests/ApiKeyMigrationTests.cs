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

    [OneTimeSetUp]
    public async Task StartFleetAsync()
    {
        await Fleet.StartAsync();
        legacy = await LegacyDatabase.CreateAsync();
    }

    [OneTimeTearDown]
    public async Task StopFleetAsync()
    {
        await legacy.DisposeAsync();
        await Fleet.StopAsync();
    }

    [Test]
    public async Task MigratedLegacyKeys_VerifyThroughAdminAndGateway_RevokedOnesDoNot()
    {
        await legacy.ExecAsync("""
            INSERT INTO organizations (id, name, slug, settings) VALUES (1, 'Legacy Org', 'legacy-org', '{"requests_per_minute": 600}');
            INSERT INTO api_keys (organization_id, name, api_key, api_secret, scopes, is_active) VALUES
              (1, 'mobile app', 'legacy-key-0001', 'legacy-secret-0001', 'chatbot,analyzer', 1),
              (1, 'old app', 'legacy-key-0002', 'legacy-secret-0002', 'chatbot', 0);
            INSERT INTO chatbot_sessions (id, organization_id, user_id, channel, title) VALUES (1, 1, 'client-user', 'api', 'from legacy');
            """);
        var target = TargetDatabase.Existing(TestEnvironment.Database);

        var (exit, output, _) = await MigratorCli.RunAsync(legacy, target, "migrate", "--tables", "organizations,api_keys,chatbot_sessions");
        Assert.That(exit, Is.EqualTo(0), output);

        var admin = new SignedClient(Fleet.App("admin").Client, null, "gateway-test", "internal");
        using (var verify = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, "internal/keys/verify")
        {
            Content = Json.Body(new { api_key = "legacy-key-0001", api_secret = "legacy-secret-0001" }),
        }))
        {
            Assert.That(verify.StatusCode, Is.EqualTo(HttpStatusCode.OK), await verify.Content.ReadAsStringAsync());
            var body = await verify.Content.ReadAsStringAsync();
            Assert.That(body, Does.Contain("chatbot").And.Contain("analyzer"));
        }

        using (var wrongSecret = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, "internal/keys/verify")
        {
            Content = Json.Body(new { api_key = "legacy-key-0001", api_secret = "not-the-secret" }),
        }))
        {
            Assert.That(wrongSecret.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        var gateway = Fleet.Gateway.Client;
        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/chatbot/sessions?user_id=client-user"))
        {
            request.Headers.Add("api-key", "legacy-key-0001");
            request.Headers.Add("api-secret", "legacy-secret-0001");
            using var response = await gateway.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(body, Does.Contain("from legacy"));
        }

        using (var revoked = new HttpRequestMessage(HttpMethod.Get, "api/v1/chatbot/sessions?user_id=client-user"))
        {
            revoked.Headers.Add("api-key", "legacy-key-0002");
            revoked.Headers.Add("api-secret", "legacy-secret-0002");
            using var response = await gateway.SendAsync(revoked);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
    }
}
