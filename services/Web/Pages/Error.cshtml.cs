using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Platform.Web.Pages;

/// <summary>What a person sees when something unexpected fails: a plain explanation, never a stack trace.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Heading { get; private set; } = "Something went wrong";

    public string Message { get; private set; } = "The page could not be shown. Try again; if it keeps failing, tell your administrator the time it happened.";

    public void OnGet(int? status) => Describe(status);

    public void OnPost(int? status) => Describe(status);

    private void Describe(int? status)
    {
        var failure = HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
        if (failure is AntiforgeryValidationException)
        {
            (Heading, Message) = ("The form has expired", "Reload the page and send the form again.");
            return;
        }

        switch (status)
        {
            case 404:
                (Heading, Message) = ("Page not found", "There is no page at this address.");
                break;
            case 400:
                (Heading, Message) = ("The request was not valid", "Reload the page and try again (a form may have expired).");
                break;
            case 413:
                (Heading, Message) = ("The upload is too large", "Choose a smaller file.");
                break;
        }
    }
}
