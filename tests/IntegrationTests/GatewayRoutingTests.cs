using System.Net;
using Platform.IntegrationTests.Gateway;
using Platform.Testing;

namespace Platform.IntegrationTests;

[Parallelizable(ParallelScope.All)]
public sealed class GatewayRoutingTests
{
    [TestCase("admin")]
    [TestCase("analyzer")]
    [TestCase("chatbot")]
    [TestCase("evaluator")]
    public async Task Prefix_IsRoutedToItsService(string service)
    {
        // No such resource exists: the answer must be the named service's own 404, relayed by the gateway.
        var key = await ApiKey.CreateAsync(service);

        using var response = await key.GetAsync(Fleet.Gateway.Client, $"api/v1/{service}/no-such-resource-{Guid.NewGuid():N}");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("service").GetString(), Is.EqualTo(service));
        Assert.That(response.Headers.GetValues("X-Served-By").Single(), Is.EqualTo("new"));
    }

    [TestCase("no/such/path")]
    [TestCase("api/v1/legacy-thing/x")]
    [TestCase("api/v2/admin/organizations")]
    public async Task UnknownPath_Gets404ProblemFromTheGateway(string path)
    {
        using var response = await Fleet.Gateway.Client.GetAsync(path);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("service").GetString(), Is.EqualTo("gateway"));
        Assert.That(problem.GetProperty("instance").GetString(), Is.EqualTo("/" + path));
    }

    [Test]
    public async Task Gateway_PropagatesTraceContext_ToTheService()
    {
        var key = await ApiKey.CreateAsync("admin");
        using var request = key.Request(HttpMethod.Get, "api/v1/admin/no-such-resource");
        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await Fleet.Gateway.Client.SendAsync(request);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("service").GetString(), Is.EqualTo("admin"));
        Assert.That(problem.GetProperty("trace_id").GetString(), Is.EqualTo(traceId));
    }
}
