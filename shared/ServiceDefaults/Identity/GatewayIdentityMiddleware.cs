using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Identity;

/// <summary>
/// In the services: requests to <c>/api</c> and <c>/internal</c> must carry identity headers signed by the gateway
/// (or by another app of the fleet) within <see cref="IdentityOptions.MaxAge"/>; anything else is a 401 problem, so
/// calling a service directly, around the gateway, gets nowhere.
/// </summary>
internal sealed class GatewayIdentityMiddleware(
    RequestDelegate next, GatewaySignature signature, IOptions<IdentityOptions> options, TimeProvider clock,
    IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/internal"))
        {
            await next(context);
            return;
        }

        var failure = TryVerify(context, out var caller);
        if (failure is not null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status401Unauthorized,
                    Title = "Unauthorized",
                    Detail = failure,
                },
            });
            return;
        }

        context.Features.Set(caller);
        await next(context);
    }

    private string? TryVerify(HttpContext context, out CallerIdentity? caller)
    {
        caller = null;
        var headers = context.Request.Headers;
        string org = headers[IdentityHeaders.OrgId].ToString(), key = headers[IdentityHeaders.KeyId].ToString(),
            scopes = headers[IdentityHeaders.Scopes].ToString(), timestamp = headers[IdentityHeaders.Timestamp].ToString(),
            sig = headers[IdentityHeaders.Signature].ToString();
        if (key.Length == 0 || timestamp.Length == 0 || sig.Length == 0)
        {
            return "This service accepts only requests signed by the gateway: call it through the gateway with an API key.";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - seconds) > options.Value.MaxAge.TotalSeconds)
        {
            return "The gateway signature has expired.";
        }

        var signedPath = context.Request.PathBase.Add(context.Request.Path).Value ?? "/";
        if (!signature.Verify(context.Request.Method, signedPath, org, key, scopes, timestamp, sig))
        {
            return "The gateway signature is not valid.";
        }

        Guid? orgId = null;
        if (org.Length > 0)
        {
            if (!Guid.TryParse(org, out var parsed))
            {
                return "The signed organisation id is not valid.";
            }

            orgId = parsed;
        }

        caller = new CallerIdentity(orgId, key, new HashSet<string>(scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal));
        return null;
    }
}
