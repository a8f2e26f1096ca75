using System.Net;
using System.Text.Json;
using Platform.Testing;

namespace Platform.IntegrationTests;

[Parallelizable(ParallelScope.All)]
public sealed class FleetTests
{
    public static readonly string[] AllApps = ["gateway", "admin", "analyzer", "chatbot", "evaluator"];

    [TestCaseSource(nameof(AllApps))]
    public async Task App_BootsAndReportsReady_WithPostgresAndRabbitMq(string name)
    {
        var client = Fleet.App(name).Client;

        using var ready = await client.GetAsync("health/ready");
        var body = await ready.Content.ReadAsStringAsync();
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);

        using var report = JsonDocument.Parse(body);
        var checks = report.RootElement.GetProperty("checks");
        Assert.Multiple(() =>
        {
            Assert.That(report.RootElement.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(checks.GetProperty("postgres").GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(checks.EnumerateObject().Any(c => c.Name.Contains("masstransit", StringComparison.OrdinalIgnoreCase)),
                Is.True, "readiness must include the RabbitMQ bus: " + body);
        });

        using var live = await client.GetAsync("health/live");
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCaseSource(nameof(AllApps))]
    public async Task App_ServesPrometheusMetrics(string name)
    {
        var client = Fleet.App(name).Client;
        // One ordinary request first so the HTTP server histogram has a sample.
        (await client.GetAsync("openapi/v1.json")).Dispose();

        using var response = await client.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Does.StartWith("text/plain").Or.StartWith("application/openmetrics-text"));
            Assert.That(text, Does.Contain("http_server_request_duration_seconds_bucket"));
            Assert.That(text, Does.Contain("process_runtime_dotnet_gc_collections_count").Or.Contain("dotnet_gc_collections"));
            Assert.That(text, Does.Contain("service_name=\"" + name + "\"").Or.Contain("job=\"" + name + "\""));
        });
    }

    [TestCaseSource(nameof(AllApps))]
    public async Task App_ServesOpenApiDocument_AndScalarUi(string name)
    {
        var client = Fleet.App(name).Client;

        using var response = await client.GetAsync("openapi/v1.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(document.RootElement.GetProperty("openapi").GetString(), Does.StartWith("3."));

        using var ui = await client.GetAsync("scalar/");
        Assert.That(ui.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ui.Content.ReadAsStringAsync(), Does.Contain("openapi/v1.json").IgnoreCase.Or.Contain("scalar").IgnoreCase);
    }
}
