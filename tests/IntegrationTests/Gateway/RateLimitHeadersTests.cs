using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Gateway.RateLimiting;
using Platform.ServiceDefaults;
using static Platform.IntegrationTests.Gateway.RateLimitTestSupport;

namespace Platform.IntegrationTests.Gateway;

[Parallelizable(ParallelScope.All)]
public sealed class RateLimitHeadersTests
{
    [Test]
    public void Allowed_CarriesPolicyAndLimit_AsTheDraftFormatsThem()
    {
        var response = new DefaultHttpContext().Response;

        RateLimitHeaders.Apply(response, new RateLimitDecision(true, 600, 599, TimeSpan.FromSeconds(41.2), null, false), 60);

        Assert.Multiple(() =>
        {
            Assert.That(response.Headers["RateLimit-Policy"].ToString(), Is.EqualTo("\"default\";q=600;w=60"));
            Assert.That(response.Headers["RateLimit"].ToString(), Is.EqualTo("\"default\";r=599;t=42"));
            Assert.That(response.Headers.ContainsKey("Retry-After"), Is.False);
        });
    }

    [Test]
    public void Refused_CarriesRetryAfter_InWholeSecondsRoundedUp()
    {
        var response = new DefaultHttpContext().Response;
        var wait = TimeSpan.FromSeconds(7.01);

        RateLimitHeaders.Apply(response, new RateLimitDecision(false, 5, 0, wait, wait, false), 60);

        Assert.Multiple(() =>
        {
            Assert.That(response.Headers["RateLimit"].ToString(), Is.EqualTo("\"default\";r=0;t=8"));
            Assert.That(response.Headers.RetryAfter.ToString(), Is.EqualTo("8"));
        });
    }

    [TestCase(0, 1)]
    [TestCase(1, 1)]
    [TestCase(999, 1)]
    [TestCase(1000, 1)]
    [TestCase(1001, 2)]
    public void RetryAfter_IsAtLeastOneSecond(int milliseconds, int seconds) =>
        Assert.That(RateLimitHeaders.RetryAfterSeconds(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(seconds));

    [Test]
    public void Apply_ReplacesEarlierValues()
    {
        var response = new DefaultHttpContext().Response;

        RateLimitHeaders.Apply(response, new RateLimitDecision(true, 3, 2, TimeSpan.FromSeconds(60), null, false), 60);
        RateLimitHeaders.Apply(response, new RateLimitDecision(true, 3, 1, TimeSpan.FromSeconds(59), null, false), 60);

        Assert.That(response.Headers["RateLimit"].ToArray(), Is.EqualTo(new[] { "\"default\";r=1;t=59" }));
    }
}

[Parallelizable(ParallelScope.All)]
public sealed class RateLimitEnforceTests
{
    [Test]
    public async Task WithinTheLimit_Continues_WithHeaders()
    {
        using var metrics = new MetricRecorder();
        var context = NewContext();

        var proceed = await RateLimitingExtensions.EnforceAsync(
            context, new LocalKeyRateLimiter(TimeProvider.System), NewPartition(), 3, "analyzer", metrics.Metrics);

        Assert.Multiple(() =>
        {
            Assert.That(proceed, Is.True);
            Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK));
            Assert.That(context.Response.Headers["RateLimit-Policy"].ToString(), Is.EqualTo("\"default\";q=3;w=60"));
            Assert.That(context.Response.Headers["RateLimit"].ToString(), Is.EqualTo("\"default\";r=2;t=60"));
            Assert.That(metrics.Sum(RateLimitMetrics.RateLimitedName), Is.Zero);
        });
    }

    [Test]
    public async Task OverTheLimit_Is429QuotaExceeded_WithRetryAfter_AndCounted()
    {
        using var metrics = new MetricRecorder();
        var limiter = new LocalKeyRateLimiter(TimeProvider.System);
        var key = NewPartition();
        for (var i = 0; i < 2; i++)
        {
            Assert.That(await RateLimitingExtensions.EnforceAsync(NewContext(), limiter, key, 2, "chatbot", metrics.Metrics), Is.True);
        }

        var context = NewContext();
        var proceed = await RateLimitingExtensions.EnforceAsync(context, limiter, key, 2, "chatbot", metrics.Metrics);

        var problem = ReadProblem(context);
        Assert.Multiple(() =>
        {
            Assert.That(proceed, Is.False);
            Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status429TooManyRequests));
            Assert.That(context.Response.ContentType, Does.StartWith("application/problem+json"));
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(429));
            Assert.That(problem.GetProperty("type").GetString(), Is.EqualTo(RateLimitingExtensions.QuotaExceededType));
            Assert.That(problem.GetProperty("violated-policies")[0].GetString(), Is.EqualTo("default"));
            Assert.That(int.Parse(context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture),
                Is.InRange(1, 60));
            Assert.That(context.Response.Headers["RateLimit"].ToString(), Does.StartWith("\"default\";r=0;t="));
            Assert.That(metrics.Sum(RateLimitMetrics.RateLimitedName, "route", "chatbot"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RedisUnavailable_FailClosed_Is503ReducedCapacity_NotCountedAsRateLimited()
    {
        using var metrics = new MetricRecorder();
        var context = NewContext();
        var limiter = new FixedDecision(new RateLimitDecision(false, 10, 0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), true));

        var proceed = await RateLimitingExtensions.EnforceAsync(context, limiter, NewPartition(), 10, "evaluator", metrics.Metrics);

        Assert.Multiple(() =>
        {
            Assert.That(proceed, Is.False);
            Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status503ServiceUnavailable));
            Assert.That(ReadProblem(context).GetProperty("type").GetString(), Is.EqualTo(RateLimitingExtensions.ReducedCapacityType));
            Assert.That(context.Response.Headers.RetryAfter.ToString(), Is.EqualTo("1"));
            Assert.That(metrics.Sum(RateLimitMetrics.RateLimitedName), Is.Zero);
        });
    }

    [Test]
    public async Task RedisUnavailable_FailOpen_Continues_WithTheFullBudgetAdvertised()
    {
        using var metrics = new MetricRecorder();
        var context = NewContext();
        var limiter = new FixedDecision(new RateLimitDecision(true, 10, 10, TimeSpan.FromMinutes(1), null, true));

        var proceed = await RateLimitingExtensions.EnforceAsync(context, limiter, NewPartition(), 10, "evaluator", metrics.Metrics);

        Assert.Multiple(() =>
        {
            Assert.That(proceed, Is.True);
            Assert.That(context.Response.Headers["RateLimit"].ToString(), Is.EqualTo("\"default\";r=10;t=60"));
        });
    }

    private ServiceProvider? services;

    [OneTimeSetUp]
    public void BuildServices()
    {
        // What the gateway's problems go through: ServiceDefaults' ProblemDetails and the house (snake_case) JSON.
        var collection = new ServiceCollection().AddLogging();
        collection.AddPlatformProblemDetails("gateway");
        collection.Configure<JsonOptions>(options => Platform.ServiceDefaults.Extensions.ConfigureJson(options.SerializerOptions));
        services = collection.BuildServiceProvider();
    }

    [OneTimeTearDown]
    public void DisposeServices() => services?.Dispose();

    private DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext { RequestServices = services! };
        context.Request.Path = "/api/v1/analyzer/sessions";
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static JsonElement ReadProblem(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.Clone();
    }

    private sealed class FixedDecision(RateLimitDecision decision) : IKeyRateLimiter
    {
        public ValueTask<RateLimitDecision> AcquireAsync(string partitionKey, int permits, TimeSpan window, CancellationToken ct) =>
            ValueTask.FromResult(decision);
    }
}
