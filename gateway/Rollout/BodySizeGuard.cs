using Microsoft.AspNetCore.Mvc;

namespace Platform.Gateway.Rollout;

/// <summary>
/// Refuses a request whose declared body is larger than its route accepts (413 problem) before anything is read or
/// forwarded, so a client that sent <c>Expect: 100-continue</c> never uploads the body at all. Bodies without a declared
/// length are cut off by the same limit while streaming.
/// </summary>
public sealed class BodySizeGuard(RequestDelegate next, IProblemDetailsService problems)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetReverseProxyFeature().Route.Config.MaxRequestBodySize;
        if (limit is not > 0 || context.Request.ContentLength is not { } length || length <= limit)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Payload too large",
                Detail = $"The request body is larger than this route accepts ({limit / (1024 * 1024)} MB).",
            },
        }).AsTask();
    }
}
