using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Evaluator;

public sealed class JobModel(GatewayClient gateway) : GatewayPageModel
{
    public JobView? Job { get; private set; }

    public bool Running => Job?.Status is "queued" or "running";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Job = await gateway.GetAsync<JobView>($"api/v1/evaluator/jobs/{id}", ct);
        if (Job.Status == "succeeded" && Job.SessionId is { } session)
        {
            return RedirectToPage("Session", new { id = session });
        }

        return Page();
    }
}
