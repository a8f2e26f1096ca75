using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Admin;

public sealed class UsersModel(GatewayClient gateway) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<User>? Users { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Users = await gateway.GetAsync<Page<User>>(AdminPath("users", ("cursor", Cursor)), ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? email, string? externalId, string? role, CancellationToken ct)
    {
        if (!await TryAsync(() => gateway.PostJsonAsync<User>(AdminPath("users"), new { name, email, external_id = externalId, role }, ct)))
        {
            await OnGetAsync(ct);
            return Page();
        }

        Flash = $"User {name} added.";
        return RedirectToPage(new { Org });
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        await gateway.DeleteAsync(AdminPath($"users/{id}"), ct);
        Flash = "User deleted.";
        return RedirectToPage(new { Org });
    }
}
