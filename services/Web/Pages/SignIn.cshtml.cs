using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Platform.Web.Auth;
using Platform.Web.Gateway;

namespace Platform.Web.Pages;

public sealed class SignInModel(SignInService signIn) : GatewayPageModel
{
    [BindProperty(SupportsGet = true)]
    public bool Expired { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Key { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? key, string? secret, CancellationToken ct)
    {
        Key = key;
        if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(secret))
        {
            Problem = ProblemView.Of("Enter both the API key and the secret");
            return Page();
        }

        var result = await signIn.CheckAsync(key, secret, ct);
        if (result.Principal is null)
        {
            Problem = result.Problem;
            return Page();
        }

        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, result.Principal);
        return Url.IsLocalUrl(ReturnUrl) ? LocalRedirect(ReturnUrl) : RedirectToPage("/Index");
    }
}
