using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Chatbot;

public sealed class SessionsModel(GatewayClient gateway) : GatewayPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<ChatSessionSummary>? Sessions { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Sessions = await gateway.GetAsync<Page<ChatSessionSummary>>(Query.Of("api/v1/chatbot/sessions", ("cursor", Cursor), ("limit", "25")), ct);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        await gateway.DeleteAsync($"api/v1/chatbot/sessions/{id}", ct);
        Flash = "The conversation was deleted.";
        return RedirectToPage();
    }
}
