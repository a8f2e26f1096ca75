using System.Net;
using Platform.IntegrationTests.Admin;
using Platform.Testing;

namespace Platform.IntegrationTests.Gateway;

[Parallelizable(ParallelScope.All)]
public sealed class GatewayRateLimitTests
{
    [Test]
    public async Task KeyLimit_LetsExactlyNThrough_ThenAnswers429_WithRetryAfter()
    {
        var org = await AdminClient.CreateOrganizationAsync();
        using var created = await AdminClient.Platform().PostAsync($"api/v1/admin/api-keys?org_id={org}", new { name = "limited", scopes = new[] { "admin" }, rate_limit_per_minute = 5 });
        var body = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);
        var key = new ApiKey((Guid)body["id"]!, org, (string)body["api_key"]!, (string)body["api_secret"]!);

        var remaining = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var ok = await key.GetAsync(Fleet.Gateway.Client, $"api/v1/admin/organizations/{org}");
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"request {i + 1}");
            Assert.That(ok.Headers.GetValues("RateLimit-Policy").Single(), Is.EqualTo("\"default\";q=5;w=60"));
            remaining.Add(ok.Headers.GetValues("RateLimit").Single());
        }

        using var refused = await key.GetAsync(Fleet.Gateway.Client, $"api/v1/admin/organizations/{org}");

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.That(remaining.Select(r => r.Split(';')[1]), Is.EqualTo(new[] { "r=4", "r=3", "r=2", "r=1", "r=0" }));
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(retryAfter, Is.InRange(1, 60));
    }

    [Test]
    public async Task OrganisationSetting_AppliesToKeysWithoutTheirOwnLimit()
    {
        var org = await AdminClient.CreateOrganizationAsync(settings: new { requests_per_minute = 3 });
        var key = await ApiKey.CreateAsync(org, "admin");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await key.GetAsync(Fleet.Gateway.Client, $"api/v1/admin/organizations/{org}");
            statuses.Add(response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
    }
}
