using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.ServiceDefaults;

namespace Platform.UnitTests;

public class ProblemMappingTests
{
    private static async Task<(int Status, string? RetryAfter, JsonElement Body)> HandleAsync(Exception exception)
    {
        var services = new ServiceCollection().AddLogging().AddPlatformProblemDetails("test").BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = "/api/v1/chatbot/documents";
        context.Response.Body = new MemoryStream();
        var handler = new ProblemDetailsSetup.ProblemExceptionHandler(
            services.GetRequiredService<IProblemDetailsService>(), NullLogger<ProblemDetailsSetup.ProblemExceptionHandler>.Instance);

        Assert.That(await handler.TryHandleAsync(context, exception, CancellationToken.None), Is.True);

        context.Response.Body.Position = 0;
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Response.Body);
        Assert.That(context.Response.ContentType, Does.StartWith("application/problem+json"));
        return (context.Response.StatusCode, context.Response.Headers.RetryAfter.ToString() is { Length: > 0 } r ? r : null, body);
    }

    [Test]
    public async Task A_failing_dependency_is_503_with_retry_after()
    {
        Exception[] failures =
        [
            new HttpRequestException("connection refused"),
            new Polly.CircuitBreaker.BrokenCircuitException("open"),
            new Polly.Timeout.TimeoutRejectedException("slow"),
            new AggregateException(new HttpRequestException("refused")),
        ];

        foreach (var failure in failures)
        {
            var (status, retryAfter, body) = await HandleAsync(failure);
            Assert.That(status, Is.EqualTo(StatusCodes.Status503ServiceUnavailable), failure.GetType().Name);
            Assert.That(retryAfter, Is.EqualTo("5"), failure.GetType().Name);
            Assert.That(body.GetProperty("detail").GetString(), Does.Contain("try again"));
            Assert.That(body.GetProperty("detail").GetString(), Does.Not.Contain(failure.Message), "no internals in the answer");
        }
    }

    [Test]
    public async Task Anything_else_is_still_a_500_without_retry_after()
    {
        var (status, retryAfter, body) = await HandleAsync(new InvalidOperationException("secret internals"));

        Assert.That(status, Is.EqualTo(StatusCodes.Status500InternalServerError));
        Assert.That(retryAfter, Is.Null);
        Assert.That(body.GetRawText(), Does.Not.Contain("secret internals"));
    }
}
