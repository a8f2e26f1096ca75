using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Platform.Web.Pages;

public sealed class ForbiddenModel : PageModel
{
    public void OnGet()
    {
    }
}
