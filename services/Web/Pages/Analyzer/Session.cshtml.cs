using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Analyzer;

public sealed class SessionModel(GatewayClient gateway) : GatewayPageModel
{
    public AnalysisSession? Session { get; private set; }

    public async Task OnGetAsync(Guid id, CancellationToken ct) =>
        Session = await gateway.GetAsync<AnalysisSession>($"api/v1/analyzer/sessions/{id}", ct);

    public async Task<IActionResult> OnGetExportAsync(Guid id, string? format, CancellationToken ct)
    {
        var kind = format == "docx" ? "docx" : "md";
        var file = await gateway.DownloadAsync($"api/v1/analyzer/sessions/{id}/export?format={kind}", $"analysis-{id:N}.{kind}", ct);
        return File(file.Content, file.ContentType, file.FileName);
    }

    public async Task<IActionResult> OnPostFollowupAsync(Guid id, string? question, CancellationToken ct)
    {
        if (!await TryAsync(() => gateway.PostJsonAsync($"api/v1/analyzer/sessions/{id}/followup", new { question }, ct)))
        {
            await OnGetAsync(id, ct);
            return Page();
        }

        Flash = "Answered below.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostFeedbackAsync(Guid id, int? rating, string? comment, string? section, CancellationToken ct)
    {
        if (!await TryAsync(() => gateway.PostJsonAsync($"api/v1/analyzer/sessions/{id}/feedback", new { rating, comment, section }, ct)))
        {
            await OnGetAsync(id, ct);
            return Page();
        }

        Flash = $"Thank you: feedback on {section?.ToUpperInvariant() ?? "the analysis"} recorded.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        await gateway.DeleteAsync($"api/v1/analyzer/sessions/{id}", ct);
        Flash = "The analysis was deleted.";
        return RedirectToPage("Sessions");
    }
}
