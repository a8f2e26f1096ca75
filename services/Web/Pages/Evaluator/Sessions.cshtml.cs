using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Evaluator;

public sealed class SessionsModel(GatewayClient gateway) : GatewayPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<EvaluationSummary>? Sessions { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Sessions = await gateway.GetAsync<Page<EvaluationSummary>>(Query.Of("api/v1/evaluator/sessions", ("user_id", UserId), ("cursor", Cursor), ("limit", "25")), ct);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        await gateway.DeleteAsync($"api/v1/evaluator/sessions/{id}", ct);
        Flash = "The evaluation was deleted.";
        return RedirectToPage(new { userId = UserId });
    }
}
