using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Gateway.Auth;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Rollout;

/// <summary>
/// Step of YARP's proxy pipeline that picks the side of a request: a stable hash of the client (API key id by default)
/// puts it in one of 100 buckets, and buckets below the route's weight go to the new services; so raising the weight
/// only ever moves clients from legacy to new, and a client never flips back and forth. When every destination of the
/// chosen side is down, the request goes to the other side (counted) instead of failing with 502.
/// </summary>
public sealed class TrafficSplitter(RequestDelegate next, RolloutState state, IProxyStateLookup lookup, GatewayMetrics metrics)
{
    public const string ServedByHeader = "X-Served-By";
    public const string New = "new";
    public const string Legacy = "legacy";
    public const string LegacySuffix = "-legacy";

    private readonly ConcurrentDictionary<string, string> legacyClusterIds = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var group = proxy.Route.Config.ClusterId ?? string.Empty;
        ClusterState? legacy = null;
        var hasLegacy = lookup.TryGetCluster(LegacyClusterId(group), out legacy) && !legacy.Destinations.IsEmpty;

        var side = New;
        if (hasLegacy && state.Get(group) is { } rollout)
        {
            var bucket = RolloutState.Bucket(StickinessKey(context, rollout.StickyBy));
            side = RolloutState.ToNew(bucket, rollout.Weight) ? New : Legacy;
        }

        if (side == Legacy)
        {
            context.ReassignProxyRequest(legacy!);
        }

        if (hasLegacy && context.GetReverseProxyFeature().AvailableDestinations.Count == 0)
        {
            var from = side;
            side = side == New ? Legacy : New;
            if (side == Legacy)
            {
                context.ReassignProxyRequest(legacy!);
            }
            else if (lookup.TryGetCluster(group, out var fresh))
            {
                context.ReassignProxyRequest(fresh);
            }

            metrics.FailedOver(group, from);
        }

        context.Features.Set(side == New ? ServedBy.NewSide : ServedBy.LegacySide);
        context.Response.Headers[ServedByHeader] = side;
        var started = Stopwatch.GetTimestamp();
        metrics.Started();
        try
        {
            await next(context);
        }
        finally
        {
            metrics.Proxied(group, side, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    // "analyzer" -> "analyzer-legacy", made once per route group rather than concatenated on every request.
    private string LegacyClusterId(string group) =>
        legacyClusterIds.TryGetValue(group, out var id) ? id : legacyClusterIds.GetOrAdd(group, static g => g + LegacySuffix);

    private static string StickinessKey(HttpContext context, string stickyBy)
    {
        var header = stickyBy switch
        {
            "user-id" => context.Request.Headers["X-User-Id"].ToString() is { Length: > 0 } h ? h : context.Request.Query["user_id"].ToString(),
            "session" => context.Request.Headers["X-Session-Id"].ToString(),
            _ => string.Empty,
        };
        return header.Length > 0 ? header : context.Features.Get<VerifiedKey>()?.KeyIdText ?? context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
    }
}
