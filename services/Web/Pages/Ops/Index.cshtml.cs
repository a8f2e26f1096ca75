using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Ops;

public sealed class IndexModel(GatewayClient gateway) : GatewayPageModel
{
    public static readonly int[] Steps = [0, 10, 25, 50, 75, 100];

    [BindProperty(SupportsGet = true)]
    public string? Route { get; set; }

    public IReadOnlyList<RouteRollout> Routes { get; private set; } = [];

    public Dictionary<string, IReadOnlyList<RolloutHistoryEntry>> History { get; } = new(StringComparer.Ordinal);

    public RouteStats? Stats { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Routes = await gateway.GetAsync<List<RouteRollout>>("ops/rollout", ct);
        var histories = await Task.WhenAll(Routes.Select(async r =>
            (r.Route, Entries: await gateway.GetAsync<List<RolloutHistoryEntry>>($"ops/rollout/{Uri.EscapeDataString(r.Route)}/history?limit=20", ct))));
        foreach (var (route, entries) in histories)
        {
            History[route] = entries;
        }

        Stats = await ReadStatsAsync(ct);
    }

    public async Task<IActionResult> OnGetChartsAsync(CancellationToken ct) => Partial("_Charts", await ReadStatsAsync(ct));

    public async Task<IActionResult> OnPostWeightAsync(string? target, int? weight, string? reason, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            Problem = new ProblemView(400, "Give a reason for the change", null,
                new Dictionary<string, string[]> { ["reason"] = ["The reason is kept in the audit history."] });
            await OnGetAsync(ct);
            return Page();
        }

        RouteRollout? updated = null;
        if (!await TryAsync(async () => updated = await gateway.PutJsonAsync<RouteRollout>(
            $"ops/rollout/{Uri.EscapeDataString(target ?? string.Empty)}", new { weight, reason }, ct)))
        {
            await OnGetAsync(ct);
            return Page();
        }

        Flash = $"{updated!.Route}: {updated.Weight}% of clients now go to the new services.";
        return RedirectToPage(new { Route });
    }

    private async Task<RouteStats?> ReadStatsAsync(CancellationToken ct)
    {
        try
        {
            return await gateway.GetAsync<RouteStats>(Query.Of("ops/stats", ("route", Route)), ct);
        }
        catch (GatewayProblemException ex) when (ex.Status is 404 or 400)
        {
            return null;
        }
    }
}
