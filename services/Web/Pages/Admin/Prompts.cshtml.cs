using Microsoft.AspNetCore.Mvc;
using Platform.Web.Auth;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Admin;

public sealed class PromptsModel(GatewayClient gateway) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<Prompt>? Prompts { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Prompts = await gateway.GetAsync<Page<Prompt>>(AdminPath("prompts", ("cursor", Cursor), ("limit", "100")), ct);

    public async Task<IActionResult> OnPostCreateAsync(string? key, string? description, string? template, CancellationToken ct)
    {
        Prompt? created = null;
        var org = Org ?? User.OrgId();
        if (!await TryAsync(async () => created = await gateway.PostJsonAsync<Prompt>(
            "api/v1/admin/prompts", new { key, org_id = org, description, template }, ct)))
        {
            await OnGetAsync(ct);
            return Page();
        }

        Flash = $"Prompt {created!.Key} created (v{created.ActiveVersion}).";
        return RedirectToPage("Prompt", new { id = created.Id, Org });
    }
}
