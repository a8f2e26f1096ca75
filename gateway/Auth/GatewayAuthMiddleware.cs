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

    public async Task InvokeAsync(HttpContext context)
    {
        var scope = RequiredScope(context.Request.Path);
        if (scope is null)
        {
            await next(context);
            return;
        }

        foreach (var header in IdentityHeaders.All)
        {
            context.Request.Headers.Remove(header);
        }

        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.IsBlocked(client, out var retryAfter))
        {
            metrics.AuthFailed("throttled");
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", "Too many failed authentication attempts from this address; try again later.");
            return;
        }

        var apiKey = context.Request.Headers[ApiKeyHeader].ToString();
        var apiSecret = context.Request.Headers[ApiSecretHeader].ToString();
        if (apiKey.Length == 0 || apiSecret.Length == 0)
        {
            await RefuseAsync(context, client, "missing", "Send your credentials in the api-key and api-secret headers.");
            return;
        }

        var (outcome, key) = await verifier.VerifyAsync(apiKey, apiSecret, context.RequestAborted);
        switch (outcome)
        {
            case VerifyOutcome.Unavailable:
                metrics.AuthFailed("unavailable");
                context.Response.Headers.RetryAfter = "1";
                await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable", "API keys cannot be verified right now; try again shortly.");
                return;
            case VerifyOutcome.Invalid:
                await RefuseAsync(context, client, "invalid", "The API key or secret is not valid.");
                return;
        }

        if (!key!.Has(scope) && !(scope == Scopes.Admin && key.Has(Scopes.Platform)))
        {
            metrics.AuthFailed("scope");
            await WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", $"This API key lacks the '{scope}' scope.");
            return;
        }

        context.Features.Set(key);

        // Per key, shared by every replica through Redis: the key's own limit, else its organisation's, else the default.
        var permits = rateLimits.Value.PermitsPerMinuteFor(key.RateLimitPerMinute, key.OrgRequestsPerMinute);
        if (!await RateLimitingExtensions.EnforceAsync(context, limiter, key.KeyIdText, permits, scope, rateLimitMetrics))
        {
            return;
        }

        await next(context);
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

    private async Task RefuseAsync(HttpContext context, string client, string reason, string detail)
    {
        throttle.RecordFailure(client);
        metrics.AuthFailed(reason);
        context.Response.Headers.WWWAuthenticate = Challenge;
        await WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
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
