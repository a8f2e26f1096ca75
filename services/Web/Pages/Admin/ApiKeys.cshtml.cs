using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Admin;

public sealed class ApiKeysModel(GatewayClient gateway) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<ApiKey>? Keys { get; private set; }

    /// <summary>Only in the answer to the creating POST: the secret is never stored by the UI.</summary>
    public CreatedApiKey? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Keys = await gateway.GetAsync<Page<ApiKey>>(AdminPath("api-keys", ("cursor", Cursor), ("limit", "100")), ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string[]? scopes, int? rateLimitPerMinute, CancellationToken ct)
    {
        var ok = await TryAsync(async () => Created = await gateway.PostJsonAsync<CreatedApiKey>(
            AdminPath("api-keys"), new { name, scopes = scopes ?? [], rate_limit_per_minute = rateLimitPerMinute }, ct));
        if (ok)
        {
            // Shown in this answer only: not cached, not kept in TempData, gone on reload.
            Response.Headers.CacheControl = "no-store";
        }

        await OnGetAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        await gateway.PostJsonAsync(AdminPath($"api-keys/{id}/revoke"), new { }, ct);
        Flash = "The key was revoked: it stops working within a second.";
        return RedirectToPage(new { Org });
    }
}
