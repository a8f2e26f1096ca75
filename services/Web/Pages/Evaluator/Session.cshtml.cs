using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Evaluator;

public sealed class SessionModel(GatewayClient gateway) : GatewayPageModel
{
    public EvaluationSession? Session { get; private set; }

    public (Guid SessionId, string Key, string Title) AlignmentFeedback => (Session?.Id ?? Guid.Empty, "alignment", "the alignment table");

    public async Task OnGetAsync(Guid id, CancellationToken ct) =>
        Session = await gateway.GetAsync<EvaluationSession>($"api/v1/evaluator/sessions/{id}", ct);

    public async Task<IActionResult> OnGetExportAsync(Guid id, string? format, CancellationToken ct)
    {
        var kind = format == "docx" ? "docx" : "md";
        var file = await gateway.DownloadAsync($"api/v1/evaluator/sessions/{id}/export?format={kind}", $"evaluation-{id:N}.{kind}", ct);
        return File(file.Content, file.ContentType, file.FileName);
    }

    public async Task<IActionResult> OnPostFollowupAsync(Guid id, string? question, CancellationToken ct)
    {
        if (!await TryAsync(() => gateway.PostJsonAsync($"api/v1/evaluator/sessions/{id}/followup", new { question }, ct)))
        {
            await OnGetAsync(id, ct);
            return Page();
        }

        Flash = "Answered below.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostFeedbackAsync(Guid id, int? rating, string? comment, string? part, CancellationToken ct)
    {
        if (!await TryAsync(() => gateway.PostJsonAsync($"api/v1/evaluator/sessions/{id}/feedback", new { rating, comment, part }, ct)))
        {
            await OnGetAsync(id, ct);
            return Page();
        }

        Flash = $"Thank you: feedback on {part ?? "the evaluation"} recorded.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        await gateway.DeleteAsync($"api/v1/evaluator/sessions/{id}", ct);
        Flash = "The evaluation was deleted.";
        return RedirectToPage("Sessions");
    }
}
