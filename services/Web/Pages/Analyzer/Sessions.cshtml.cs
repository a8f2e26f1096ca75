using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Analyzer;

public sealed class SessionsModel(GatewayClient gateway) : GatewayPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<AnalysisSummary>? Sessions { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Sessions = await gateway.GetAsync<Page<AnalysisSummary>>(Query.Of("api/v1/analyzer/sessions", ("user_id", UserId), ("cursor", Cursor), ("limit", "25")), ct);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        await gateway.DeleteAsync($"api/v1/analyzer/sessions/{id}", ct);
        Flash = "The analysis was deleted.";
        return RedirectToPage(new { userId = UserId });
    }
}
