using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Gateway.RateLimiting;

public static class RateLimitingExtensions
{
    public const string QuotaExceededType = "https://iana.org/assignments/http-problem-types#quota-exceeded";
    public const string ReducedCapacityType = "https://iana.org/assignments/http-problem-types#temporary-reduced-capacity";

    // The limiter is Redis-backed when ConnectionStrings:Redis is set, in-process otherwise.
    public static IHostApplicationBuilder AddKeyRateLimiting(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RateLimitMetrics>();

        var connectionString = builder.Configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            services.TryAddSingleton<IKeyRateLimiter, LocalKeyRateLimiter>();
            return builder;
        }

        // Connected when the limiter is first resolved, in the background: with AbortOnConnectFail off the multiplexer
        // exists even while Redis is down and keeps reconnecting, so the gateway starts (and serves, per FailOpen)
        // without Redis. Other code resolving IConnectionMultiplexer waits for that first attempt (at most 5 s).
        services.TryAddSingleton(_ => new RedisConnection(RedisConfiguration(connectionString)));
        services.TryAddSingleton<IConnectionMultiplexer>(sp => sp.GetRequiredService<RedisConnection>().Connecting.GetAwaiter().GetResult());
        services.TryAddSingleton<IKeyRateLimiter>(sp => new RedisKeyRateLimiter(
            sp.GetRequiredService<RedisConnection>().Connecting, sp.GetRequiredService<IOptions<RateLimitOptions>>(),
            sp.GetRequiredService<RateLimitMetrics>(), sp.GetRequiredService<ILogger<RedisKeyRateLimiter>>()));
        return builder;
    }

    // On top of the connection string: start without Redis, and fail a command at once while disconnected (FailFast)
    // instead of queueing it for a reconnect, which would hold every request for the whole RedisTimeout for nothing.
    public static ConfigurationOptions RedisConfiguration(string connectionString)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ClientName ??= "gateway";
        return configuration;
    }

    // For the auth/proxy pipeline once the key is known: takes a permit for partitionKey (the API key id), sets the
    // RateLimit headers, and on refusal writes the problem and returns false (do not proxy). The budget spent: 429
    // quota-exceeded, counted in gateway.rate_limited by route. Redis unavailable with FailOpen off: 503
    // temporary-reduced-capacity (the draft's type for it), since the client exceeded nothing and a 429 would say so.
    public static ValueTask<bool> EnforceAsync(
        HttpContext context, IKeyRateLimiter limiter, string partitionKey, int permitsPerMinute, string route, RateLimitMetrics metrics) =>
        EnforceAsync(context, limiter, partitionKey, permitsPerMinute, IKeyRateLimiter.OneMinute, route, metrics);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<bool> EnforceAsync(
        HttpContext context, IKeyRateLimiter limiter, string partitionKey, int permits, TimeSpan window, string route, RateLimitMetrics metrics)
    {
        var decision = await limiter.AcquireAsync(partitionKey, permits, window, context.RequestAborted);
        var windowSeconds = Math.Max(1, RateLimitHeaders.WholeSeconds(window));
        RateLimitHeaders.Apply(context.Response, decision, windowSeconds);
        if (decision.Allowed)
        {
            return true;
        }

        var retryAfter = RateLimitHeaders.RetryAfterSeconds(decision.RetryAfter ?? decision.ResetAfter);
        ProblemDetails problem;
        if (decision.Degraded)
        {
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = ReducedCapacityType,
                Title = "Service unavailable",
                Detail = string.Create(CultureInfo.InvariantCulture,
                    $"Rate limits cannot be checked right now; retry after {retryAfter} s."),
            };
        }
        else
        {
            metrics.RateLimited(route);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = QuotaExceededType,
                Title = "Too many requests",
                Detail = string.Create(CultureInfo.InvariantCulture,
                    $"This API key may make {decision.Limit} requests per {windowSeconds} s; retry after {retryAfter} s."),
            };
        }

        problem.Extensions["violated-policies"] = new[] { RateLimitHeaders.PolicyName };
        context.Response.StatusCode = problem.Status.Value;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
        });
        return false;
    }
}
