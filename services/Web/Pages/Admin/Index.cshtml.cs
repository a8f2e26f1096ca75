using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Admin;

public sealed class IndexModel(GatewayClient gateway) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<Organization>? Organizations { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Organizations = await gateway.GetAsync<Page<Organization>>(Query.Of("api/v1/admin/organizations", ("cursor", Cursor)), ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? slug, CancellationToken ct)
    {
        Organization? created = null;
        if (!await TryAsync(async () => created = await gateway.PostJsonAsync<Organization>("api/v1/admin/organizations", new { name, slug }, ct)))
        {
            await OnGetAsync(ct);
            return Page();
        }

        Flash = $"Organisation {created!.Name} created.";
        return RedirectToPage();
    }
}
