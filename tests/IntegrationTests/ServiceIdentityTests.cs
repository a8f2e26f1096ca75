using System.Net;
using Platform.ServiceDefaults.Identity;
using Platform.Testing;

namespace Platform.IntegrationTests;

/// <summary>Services trust only identity headers signed with the shared secret, and only while fresh.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ServiceIdentityTests
{
    [TestCase("admin")]
    [TestCase("analyzer")]
    [TestCase("chatbot")]
    [TestCase("evaluator")]
    public async Task DirectCall_WithoutSignature_Is401(string service)
    {
        using var response = await Fleet.App(service).Client.GetAsync($"api/v1/{service}/sessions");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("through the gateway"));
    }

    [TestCase("admin")]
    [TestCase("evaluator")]
    public async Task DirectCall_WithValidSignature_PassesToTheService(string service)
    {
        var client = new SignedClient(Fleet.App(service).Client, Guid.NewGuid(), "key-1", service);

        using var response = await client.GetAsync($"api/v1/{service}/no-such-resource");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task SpoofedHeaders_WithoutTheSecret_Are401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/admin/organizations");
        var forged = new GatewaySignature(new string('x', 48));
        forged.Sign(request, Guid.NewGuid().ToString(), "key-1", "platform admin", DateTimeOffset.UtcNow);

        using var response = await Fleet.App("admin").Client.SendAsync(request);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("not valid"));
    }

    [Test]
    public async Task SignatureForAnotherPath_Is401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/admin/organizations");
        var signer = new GatewaySignature(TestEnvironment.Secret("Identity__SigningSecret"));
        signer.Sign(request, Guid.NewGuid().ToString(), "key-1", "admin", DateTimeOffset.UtcNow);
        request.RequestUri = new Uri("api/v1/admin/users", UriKind.Relative);

        using var response = await Fleet.App("admin").Client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task StaleSignature_Is401()
    {
        var client = new SignedClient(Fleet.App("admin").Client, Guid.NewGuid(), "key-1", "admin");

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/admin/x"), DateTimeOffset.UtcNow.AddMinutes(-5));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("expired"));
    }

    [Test]
    public async Task HealthAndMetrics_NeedNoSignature()
    {
        using var ready = await Fleet.App("admin").Client.GetAsync("health/ready");
        using var metrics = await Fleet.App("admin").Client.GetAsync("metrics");

        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(metrics.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
