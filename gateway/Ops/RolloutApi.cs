using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Auth;
using Platform.Gateway.Rollout;
using Platform.ServiceDefaults.Http;
using Yarp.ReverseProxy;

namespace Platform.Gateway.Ops;

public sealed record RouteRolloutView(
    string Route, int Weight, string StickyBy, bool LegacyConfigured, string ChangedBy, string Reason, DateTimeOffset ChangedAt);

public sealed record SetWeightRequest(int? Weight, string? Reason, string? StickyBy);

public sealed record RollbackRequest(string? Reason);

/// <summary>
/// The cutover controls for ops staff (scope <c>ops</c>): each route group's share of traffic to the new services,
/// who changed it, when and why. A change reaches every gateway replica within a second.
/// </summary>
public static class RolloutApi
{
    public static RouteGroupBuilder MapRolloutApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/ops/rollout").WithTags("Ops");

        api.MapGet("/", ListRolloutAsync).WithName("ListRollout");
        api.MapGet("/{route}", GetRolloutAsync).WithName("GetRollout");
        api.MapPut("/{route}", SetWeightAsync).WithName("SetRolloutWeight")
            .WithSummary("weight 0..100 = percentage of clients sent to the new services; reason required.");
        api.MapPost("/{route}/rollback", RollbackAsync).WithName("RollbackRollout").WithSummary("Weight 0 at once: everyone back to legacy.");
        api.MapGet("/{route}/history", HistoryAsync).WithName("RolloutHistory");
        return api;
    }

    public static Ok<IReadOnlyList<RouteRolloutView>> ListRolloutAsync(RolloutState state, IProxyStateLookup lookup) =>
        TypedResults.Ok<IReadOnlyList<RouteRolloutView>>([.. state.All.OrderBy(r => r.Route, StringComparer.Ordinal).Select(r => View(r, lookup))]);

    public static Results<Ok<RouteRolloutView>, NotFound> GetRolloutAsync(string route, RolloutState state, IProxyStateLookup lookup) =>
        state.Get(route) is { } rollout ? TypedResults.Ok(View(rollout, lookup)) : TypedResults.NotFound();

    public static async Task<Results<Ok<RouteRolloutView>, NotFound, ValidationProblem>> SetWeightAsync(
        string route, SetWeightRequest request, HttpContext context, RolloutStore store, IProxyStateLookup lookup, CancellationToken ct)
    {
        var validation = new Validation()
            .Range("weight", request.Weight, 0, 100, required: true)
            .Text("reason", request.Reason, 500)
            .OneOf("sticky_by", request.StickyBy, RolloutOptions.StickyByValues);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var updated = await store.SetAsync(route, request.Weight!.Value, request.StickyBy, request.Reason!.Trim(), ChangedBy(context), ct);
        return updated is null ? TypedResults.NotFound() : TypedResults.Ok(View(updated, lookup));
    }

    public static async Task<Results<Ok<RouteRolloutView>, NotFound, ValidationProblem>> RollbackAsync(
        string route, RollbackRequest? request, HttpContext context, RolloutStore store, IProxyStateLookup lookup, CancellationToken ct)
    {
        var validation = new Validation().Text("reason", request?.Reason, 500, required: false);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? "rollback" : "rollback: " + request.Reason.Trim();
        var updated = await store.SetAsync(route, 0, null, reason, ChangedBy(context), ct);
        return updated is null ? TypedResults.NotFound() : TypedResults.Ok(View(updated, lookup));
    }

    public static async Task<Results<Ok<IReadOnlyList<RolloutHistoryEntry>>, NotFound, ValidationProblem>> HistoryAsync(
        string route, int? limit, RolloutState state, RolloutStore store, CancellationToken ct)
    {
        var validation = new Validation().Range("limit", limit, 1, 1000);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        if (state.Get(route) is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await store.HistoryAsync(route, limit ?? 100, ct));
    }

    private static string ChangedBy(HttpContext context) => "key:" + (context.Features.Get<VerifiedKey>()?.KeyIdText ?? "unknown");

    private static RouteRolloutView View(RouteRollout r, IProxyStateLookup lookup) =>
        new(r.Route, r.Weight, r.StickyBy,
            lookup.TryGetCluster(r.Route + TrafficSplitter.LegacySuffix, out var legacy) && !legacy.Destinations.IsEmpty,
            r.ChangedBy, r.Reason, r.ChangedAt);
}
