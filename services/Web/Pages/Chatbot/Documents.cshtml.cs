using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Chatbot;

public sealed class DocumentsModel(GatewayClient gateway) : GatewayPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<KnowledgeDocument>? Documents { get; private set; }

    public bool Ingesting => Documents?.Items.Any(d => d.Status is "queued" or "processing") == true;

    public async Task OnGetAsync(CancellationToken ct) =>
        Documents = await gateway.GetAsync<Page<KnowledgeDocument>>(Query.Of("api/v1/chatbot/documents", ("cursor", Cursor), ("limit", "100")), ct);

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? file, string? title, CancellationToken ct)
    {
        if (file is not { Length: > 0 })
        {
            Problem = ProblemView.Of("Choose a file to upload");
            await OnGetAsync(ct);
            return Page();
        }

        KnowledgeDocument? added = null;
        await using var stream = file.OpenReadStream();
        using var form = new MultipartFormDataContent { { Forms.File(stream, file), "file", file.FileName } };
        if (!string.IsNullOrWhiteSpace(title))
        {
            form.Add(new StringContent(title), "title");
        }

        if (!await TryAsync(async () => added = await gateway.PostFormAsync<KnowledgeDocument>("api/v1/chatbot/documents", form, ct)))
        {
            await OnGetAsync(ct);
            return Page();
        }

        Flash = added!.Status == "ready"
            ? $"\"{added.Title}\" added to the knowledge base ({added.ChunkCount} passages)."
            : $"\"{added.Title}\" is being ingested.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        await gateway.DeleteAsync($"api/v1/chatbot/documents/{id}", ct);
        Flash = "The document and its passages were removed.";
        return RedirectToPage();
    }
}
