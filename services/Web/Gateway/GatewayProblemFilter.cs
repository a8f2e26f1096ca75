using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Platform.Web.Gateway;

/// <summary>
/// A problem the gateway answered, shown on the page that asked: a revoked or changed key signs the person out, any
/// other problem is rendered on the page (<see cref="GatewayPageModel.Problem"/>) instead of failing the request.
/// </summary>
public sealed class GatewayProblemFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.ExceptionHandled)
        {
            return;
        }

        if (executed.Exception is HttpRequestException or TaskCanceledException { InnerException: TimeoutException }
            && executed.HandlerInstance is GatewayPageModel unreachable)
        {
            // The gateway itself did not answer (down, or too slow): say so instead of failing the page.
            executed.ExceptionHandled = true;
            unreachable.Problem = ProblemView.Of("The gateway is not reachable right now", "Try again in a moment; if it persists, tell your operations team.");
            context.HttpContext.Response.StatusCode = StatusCodes.Status502BadGateway;
            executed.Result = new PageResult();
            return;
        }

        if (executed.Exception is not GatewayProblemException problem)
        {
            return;
        }

        executed.ExceptionHandled = true;
        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            executed.Result = new RedirectToPageResult("/SignIn", new { expired = true });
            return;
        }

        if (executed.HandlerInstance is GatewayPageModel page)
        {
            page.Problem = problem.Problem;
            context.HttpContext.Response.StatusCode = problem.Status is >= 400 and < 600 ? problem.Status : 502;
            executed.Result = new PageResult();
            return;
        }

        executed.Result = new RedirectToPageResult("/Error");
    }
}

/// <summary>A page that shows data from the gateway and, when a call fails, the service's problem instead.</summary>
public abstract class GatewayPageModel : PageModel
{
    public ProblemView? Problem { get; set; }

    /// <summary>A one-line confirmation carried across the redirect after a successful change.</summary>
    [TempData]
    public string? Flash { get; set; }

    /// <summary>Runs <paramref name="action"/>; a problem answer is kept for the page instead of thrown.</summary>
    protected async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (GatewayProblemException ex) when (ex.Status != StatusCodes.Status401Unauthorized)
        {
            Problem = ex.Problem;
            return false;
        }
    }
}
