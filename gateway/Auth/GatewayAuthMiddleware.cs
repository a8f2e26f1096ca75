using System.Collections.Frozen;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Gateway.RateLimiting;
using Platform.ServiceDefaults.Identity;

namespace Platform.Gateway.Auth;

/// <summary>
/// Authenticates every request to a route group (<c>/api/v1/{group}/...</c>) or to the ops API (<c>/ops</c>) with the
/// legacy <c>api-key</c>/<c>api-secret</c> headers, checks the group's scope, and removes any identity headers the client
/// sent so only the gateway's signed ones reach the services. Missing or bad credentials: 401 with
/// <c>WWW-Authenticate</c>; wrong scope: 403; too many failures from one address: 429; Admin unreachable: 503.
/// Then the key's rate limit: 429 with <c>Retry-After</c> past it, and <c>RateLimit-Policy</c>/<c>RateLimit</c> headers.
/// </summary>
public sealed class GatewayAuthMiddleware(
    RequestDelegate next, KeyVerifier verifier, FailedAttemptThrottle throttle, GatewayMetrics metrics,
    IKeyRateLimiter limiter, RateLimitMetrics rateLimitMetrics, IOptions<RateLimitOptions> rateLimits,
    IProblemDetailsService problems, IReadOnlySet<string> routeGroups)
{
    // Looked up by the path's segment as a span: no string per request.
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> groups =
        routeGroups.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public const string ApiKeyHeader = "api-key";
    public const string ApiSecretHeader = "api-secret";
    private const string Challenge = "ApiKey realm=\"platform\", headers=\"api-key api-secret\"";

    // Not an async method: on the usual path (key answered from the cache, permit served locally) every check
    // completes synchronously and the request goes straight on, without an async state machine per request.
    public Task InvokeAsync(HttpContext context)
    {
        var scope = RequiredScope(context.Request.Path);
        if (scope is null)
        {
            return next(context);
        }

        foreach (var header in IdentityHeaders.All)
        {
            context.Request.Headers.Remove(header);
        }

        var memo = ConnectionMemo.For(context);
        var client = memo?.Client ?? ConnectionMemo.ClientOf(context);
        if (throttle.IsBlocked(client, out var retryAfter))
        {
            metrics.AuthFailed("throttled");
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", "Too many failed authentication attempts from this address; try again later.");
        }

        var apiKey = context.Request.Headers[ApiKeyHeader].ToString();
        var apiSecret = context.Request.Headers[ApiSecretHeader].ToString();
        if (apiKey.Length == 0 || apiSecret.Length == 0)
        {
            return RefuseAsync(context, client, "missing", "Send your credentials in the api-key and api-secret headers.");
        }

        var cacheKey = memo is null ? KeyVerifier.CacheKey(apiKey, apiSecret) : memo.CacheKey(apiKey, apiSecret);
        var verifying = verifier.VerifyAsync(apiKey, apiSecret, cacheKey, context.RequestAborted);
        if (!verifying.IsCompletedSuccessfully)
        {
            return AfterVerifyAsync(context, client, scope, verifying);
        }

        var (outcome, key) = verifying.Result;
        return Authorize(context, client, scope, outcome, key) is { } refused ? refused : LimitThenProxy(context, key!, scope);
    }

    private async Task AfterVerifyAsync(HttpContext context, string client, string scope, ValueTask<(VerifyOutcome, VerifiedKey?)> verifying)
    {
        var (outcome, key) = await verifying;
        if (Authorize(context, client, scope, outcome, key) is { } refused)
        {
            await refused;
            return;
        }

        await LimitThenProxy(context, key!, scope);
    }

    // The answer for a verified pair: null when the request may go on, else the task writing the refusal.
    private Task? Authorize(HttpContext context, string client, string scope, VerifyOutcome outcome, VerifiedKey? key)
    {
        switch (outcome)
        {
            case VerifyOutcome.Unavailable:
                metrics.AuthFailed("unavailable");
                context.Response.Headers.RetryAfter = "1";
                return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable", "API keys cannot be verified right now; try again shortly.");
            case VerifyOutcome.Invalid:
                return RefuseAsync(context, client, "invalid", "The API key or secret is not valid.");
        }

        if (!key!.Has(scope) && !(scope == Scopes.Admin && key.Has(Scopes.Platform)))
        {
            metrics.AuthFailed("scope");
            return WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", $"This API key lacks the '{scope}' scope.");
        }

        context.Features.Set(key);
        return null;
    }

    // Per key, shared by every replica through Redis: the key's own limit, else its organisation's, else the default.
    private Task LimitThenProxy(HttpContext context, VerifiedKey key, string scope)
    {
        var permits = rateLimits.Value.PermitsPerMinuteFor(key.RateLimitPerMinute, key.OrgRequestsPerMinute);
        var limiting = RateLimitingExtensions.EnforceAsync(context, limiter, key.KeyIdText, permits, scope, rateLimitMetrics);
        if (!limiting.IsCompletedSuccessfully)
        {
            return ProxyIfAllowedAsync(context, limiting);
        }

        return limiting.Result ? next(context) : Task.CompletedTask;
    }

    private async Task ProxyIfAllowedAsync(HttpContext context, ValueTask<bool> limiting)
    {
        if (await limiting)
        {
            await next(context);
        }
    }

    /// <summary>The scope a path needs: its route group's name, <c>ops</c> for the ops API, none for anything else.</summary>
    private string? RequiredScope(PathString path)
    {
        if (path.StartsWithSegments("/ops"))
        {
            return Scopes.Ops;
        }

        if (!path.StartsWithSegments("/api/v1", out var rest) || !rest.HasValue)
        {
            return null;
        }

        var segment = rest.Value.AsSpan(1);
        var end = segment.IndexOf('/');
        return groups.TryGetValue(end < 0 ? segment : segment[..end], out var group) ? group : null;
    }

    private Task RefuseAsync(HttpContext context, string client, string reason, string detail)
    {
        throttle.RecordFailure(client);
        metrics.AuthFailed(reason);
        context.Response.Headers.WWWAuthenticate = Challenge;
        return WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    private Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
