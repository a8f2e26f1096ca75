using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Admin;

public sealed class GuidelinesModel(GatewayClient gateway) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<Guideline>? Guidelines { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Guidelines = await gateway.GetAsync<Page<Guideline>>(AdminPath("guidelines", ("cursor", Cursor), ("limit", "100")), ct);

    public async Task<IActionResult> OnPostCreateAsync(string? title, string? content, CancellationToken ct)
    {
        Guideline? created = null;
        if (!await TryAsync(async () => created = await gateway.PostJsonAsync<Guideline>(AdminPath("guidelines"), new { title, content }, ct)))
        {
            await OnGetAsync(ct);
            return Page();
        }

        Flash = $"Guideline \"{created!.Title}\" saved.";
        return RedirectToPage(new { Org });
    }

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? file, string? title, CancellationToken ct)
    {
        if (file is not { Length: > 0 })
        {
            Problem = ProblemView.Of("Choose a file to upload");
            await OnGetAsync(ct);
            return Page();
        }

        Guideline? created = null;
        await using var stream = file.OpenReadStream();
        using var form = new MultipartFormDataContent { { Forms.File(stream, file), "file", file.FileName } };
        if (!string.IsNullOrWhiteSpace(title))
        {
            form.Add(new StringContent(title), "title");
        }

        if (!await TryAsync(async () => created = await gateway.PostFormAsync<Guideline>(AdminPath("guidelines/upload"), form, ct)))
        {
            await OnGetAsync(ct);
            return Page();
        }

        Flash = $"Guideline \"{created!.Title}\" uploaded ({created.Content.Length} characters of text).";
        return RedirectToPage(new { Org });
    }
}
