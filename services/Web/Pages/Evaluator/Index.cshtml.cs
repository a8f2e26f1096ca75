using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Evaluator;

public sealed class IndexModel(GatewayClient gateway) : GatewayPageModel
{
    public string? ProposalText { get; private set; }

    public string? TorText { get; private set; }

    public string UserId { get; private set; } = "web";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(
        IFormFile? proposalFile, string? proposalText, IFormFile? torFile, string? torText, string? userId, CancellationToken ct)
    {
        (ProposalText, TorText) = (proposalText, torText);
        UserId = string.IsNullOrWhiteSpace(userId) ? "web" : userId.Trim();
        var missing = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (proposalFile is not { Length: > 0 } && string.IsNullOrWhiteSpace(proposalText))
        {
            missing["proposal"] = ["Choose the proposal's file or paste its text."];
        }

        if (torFile is not { Length: > 0 } && string.IsNullOrWhiteSpace(torText))
        {
            missing["terms of reference"] = ["Choose the ToR's file or paste its text."];
        }

        if (missing.Count > 0)
        {
            Problem = new ProblemView(400, "Both documents are needed", null, missing);
            return Page();
        }

        using var form = new MultipartFormDataContent { { new StringContent(UserId), "user_id" } };
        await using var proposal = proposalFile is { Length: > 0 } ? proposalFile.OpenReadStream() : null;
        await using var tor = torFile is { Length: > 0 } ? torFile.OpenReadStream() : null;
        if (proposal is not null)
        {
            form.Add(Forms.File(proposal, proposalFile!), "proposal_file", proposalFile!.FileName);
        }
        else
        {
            form.Add(new StringContent(proposalText!), "proposal_text_input");
        }

        if (tor is not null)
        {
            form.Add(Forms.File(tor, torFile!), "tor_file", torFile!.FileName);
        }
        else
        {
            form.Add(new StringContent(torText!), "tor_text_input");
        }

        var job = await gateway.PostFormAsync<JobAccepted>("api/v1/evaluator/jobs", form, ct);
        return RedirectToPage("Job", new { id = job.JobId });
    }
}
