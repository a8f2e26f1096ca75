using Microsoft.AspNetCore.Mvc;
using Platform.Web.Diff;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Admin;

public sealed class PromptModel(GatewayClient gateway) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public int? A { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? B { get; set; }

    public Prompt? Prompt { get; private set; }

    public string? ETag { get; private set; }

    public IReadOnlyList<PromptVersion> Versions { get; private set; } = [];

    public IReadOnlyList<DiffLine>? Diff { get; private set; }

    public async Task OnGetAsync(Guid id, CancellationToken ct)
    {
        (Prompt, ETag) = await gateway.GetWithETagAsync<Prompt>(AdminPath($"prompts/{id}"), ct);
        Versions = [.. (await gateway.GetAsync<List<PromptVersion>>(AdminPath($"prompts/{id}/versions"), ct)).OrderByDescending(v => v.Version)];
        if (A is { } a && B is { } b
            && Versions.FirstOrDefault(v => v.Version == a) is { } from && Versions.FirstOrDefault(v => v.Version == b) is { } to)
        {
            Diff = LineDiff.Compare(from.Template, to.Template);
        }
    }

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, string? template, string? description, string? etag, CancellationToken ct)
    {
        Prompt? updated = null;
        if (!await TryAsync(async () => updated = await gateway.PutJsonAsync<Prompt>(AdminPath($"prompts/{id}"), new { template, description }, ct, etag)))
        {
            var problem = Problem;
            await OnGetAsync(id, ct);
            Problem = problem;
            return Page();
        }

        Flash = $"Saved as v{updated!.ActiveVersion}, now active.";
        return RedirectToPage(new { id, Org, a = updated.ActiveVersion - 1, b = updated.ActiveVersion });
    }

    public async Task<IActionResult> OnPostActivateAsync(Guid id, int version, string? etag, CancellationToken ct)
    {
        if (!await TryAsync(() => gateway.PostJsonAsync<Prompt>(AdminPath($"prompts/{id}/versions/{version}/activate"), new { }, ct, etag)))
        {
            var problem = Problem;
            await OnGetAsync(id, ct);
            Problem = problem;
            return Page();
        }

        Flash = $"v{version} is now active.";
        return RedirectToPage(new { id, Org });
    }
}
