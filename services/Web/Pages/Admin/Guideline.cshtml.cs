using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Admin;

public sealed class GuidelineModel(GatewayClient gateway) : AdminPageModel
{
    public Guideline? Guideline { get; private set; }

    public async Task OnGetAsync(Guid id, CancellationToken ct) =>
        Guideline = await gateway.GetAsync<Guideline>(AdminPath($"guidelines/{id}"), ct);

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, string? title, string? content, CancellationToken ct)
    {
        if (!await TryAsync(() => gateway.PutJsonAsync<Guideline>(AdminPath($"guidelines/{id}"), new { title, content }, ct)))
        {
            var problem = Problem;
            await OnGetAsync(id, ct);
            Problem = problem;
            return Page();
        }

        Flash = "Guideline saved.";
        return RedirectToPage(new { id, Org });
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        await gateway.DeleteAsync(AdminPath($"guidelines/{id}"), ct);
        Flash = "Guideline deleted.";
        return RedirectToPage("Guidelines", new { Org });
    }
}
