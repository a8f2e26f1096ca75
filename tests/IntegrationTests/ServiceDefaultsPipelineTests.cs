using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.IntegrationTests;

/// <summary>
/// The shared error handling, on a small app built exactly like the services (real Kestrel on loopback): every
/// failure a client can cause is a 4xx problem+json, never a 500; a real fault is a 500 that reveals nothing.
/// </summary>
public sealed class ServiceDefaultsPipelineTests
{
    public sealed record Item(string Name, int Quantity);

    private WebApplication app = null!;
    private HttpClient client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ApplicationName = "Probe" });
        builder.Configuration["Identity:SigningSecret"] = new string('k', 40);
        builder.AddServiceDefaults();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 1024;
            k.Listen(IPAddress.Loopback, 0);
        });

        app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapPost("/items", (Item item) => TypedResults.Ok(new { item.Name, item.Quantity, TotalUnits = item.Quantity * 2 }));
        app.MapPost("/forms", ([FromForm] string name) => TypedResults.Ok(new { name })).DisableAntiforgery();
        app.MapGet("/unreadable", string () => throw new ProblemException(422, "Unreadable document", "The PDF has no text layer."));
        app.MapGet("/boom", string () => throw new InvalidOperationException("secret internal detail"));
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        client = new HttpClient { BaseAddress = new Uri(address) };
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
    }

    [Test]
    public async Task ValidJson_IsAnsweredInSnakeCase()
    {
        using var response = await client.PostAsync("/items", Json("""{"name":"pen","quantity":3}"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("""{"name":"pen","quantity":3,"total_units":6}"""));
    }

    [TestCase("{\"name\": \"pen\", \"quantity\": ")]
    [TestCase("not json at all")]
    [TestCase("{\"name\": \"pen\", \"quantity\": \"three\"}")]
    [TestCase("[1, 2, 3]")]
    public async Task MalformedJson_Gets400Problem(string body)
    {
        using var response = await client.PostAsync("/items", Json(body));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("service").GetString(), Is.EqualTo("probe"));
    }

    [Test]
    public async Task EmptyJsonBody_Gets400Problem()
    {
        using var response = await client.PostAsync("/items", Json(""));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task WrongContentType_Gets415Problem()
    {
        using var response = await client.PostAsync("/items", new StringContent("name=pen", Encoding.UTF8, "text/plain"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task OversizedBody_Gets413Problem()
    {
        var big = $$"""{"name":"{{new string('x', 4096)}}","quantity":1}""";

        using var response = await client.PostAsync("/items", Json(big));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task WrongMethod_Gets405Problem()
    {
        using var response = await client.DeleteAsync("/items");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Test]
    public async Task UnknownPath_Gets404Problem()
    {
        using var response = await client.GetAsync("/nothing/here");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("instance").GetString(), Is.EqualTo("/nothing/here"));
        Assert.That(problem.GetProperty("trace_id").GetString(), Is.Not.Empty);
    }

    [Test]
    public async Task MalformedMultipartForm_Gets400Problem()
    {
        var broken = new StringContent("--XYZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\npen", Encoding.UTF8);
        broken.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XYZ");

        using var response = await client.PostAsync("/forms", broken);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task ProblemException_KeepsItsStatusAndReadableDetail()
    {
        using var response = await client.GetAsync("/unreadable");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("Unreadable document"));
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("The PDF has no text layer."));
    }

    [Test]
    public async Task UnhandledFault_Gets500Problem_WithoutItsDetails()
    {
        using var response = await client.GetAsync("/boom");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.That(problem.ToString(), Does.Not.Contain("secret internal detail"));
        Assert.That(problem.GetProperty("trace_id").GetString(), Is.Not.Empty);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
