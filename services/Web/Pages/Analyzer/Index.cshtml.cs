using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Analyzer;

public sealed class IndexModel(GatewayClient gateway) : GatewayPageModel
{
    public string? Text { get; private set; }

    public string UserId { get; private set; } = "web";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file, string? text, string? userId, CancellationToken ct)
    {
        Text = text;
        UserId = string.IsNullOrWhiteSpace(userId) ? "web" : userId.Trim();
        if (file is not { Length: > 0 } && string.IsNullOrWhiteSpace(text))
        {
            Problem = ProblemView.Of("Choose a file or paste some text", "The analysis needs a document.");
            return Page();
        }

        using var form = new MultipartFormDataContent { { new StringContent(UserId), "user_id" } };
        await using var upload = file is { Length: > 0 } ? file.OpenReadStream() : null;
        if (upload is not null)
        {
            form.Add(Forms.File(upload, file!), "file", file!.FileName);
        }
        else
        {
            form.Add(new StringContent(text!), "text_input");
        }

        var job = await gateway.PostFormAsync<JobAccepted>("api/v1/analyzer/jobs", form, ct);
        return RedirectToPage("Job", new { id = job.JobId });
    }
}
