using System.Diagnostics.Metrics;
using Platform.Gateway.Rollout;
using Platform.ServiceDefaults;

namespace Platform.Gateway;

/// <summary>The gateway's own instruments on the fleet's <c>Platform</c> meter (exported at <c>/metrics</c>).</summary>
public sealed class GatewayMetrics
{
    private readonly Counter<long> requests;
    private readonly Histogram<double> duration;
    private readonly Counter<long> authFailures;
    private readonly Counter<long> failovers;

    public GatewayMetrics(IMeterFactory meters, RolloutState rollout)
    {
        var meter = meters.Create(Telemetry.PlatformMeter);
        meter.CreateObservableGauge("gateway.rollout.weight",
            () => rollout.All.Select(r => new Measurement<int>(r.Weight, new KeyValuePair<string, object?>("route", r.Route))),
            description: "Current share (0..100) of each route group's clients sent to the new services.");
        requests = meter.CreateCounter<long>("gateway.requests", description: "Proxied requests by route group, side and status.");
        duration = meter.CreateHistogram<double>("gateway.request.duration", unit: "s", description: "Proxied request duration by route group and side.");
        authFailures = meter.CreateCounter<long>("gateway.auth.failures", description: "Refused authentications by reason.");
        failovers = meter.CreateCounter<long>("gateway.failovers", description: "Requests sent to the other side because every destination of the chosen side was down.");
    }

    // Status codes boxed once: a tag value is an object, and boxing it anew would allocate on every request.
    private static readonly object[] StatusCodes = [.. Enumerable.Range(0, 600).Select(code => (object)code)];

    public void Proxied(string route, string side, int status, double seconds)
    {
        var routeTag = new KeyValuePair<string, object?>("route", route);
        var sideTag = new KeyValuePair<string, object?>("side", side);
        duration.Record(seconds, routeTag, sideTag);
        requests.Add(1, routeTag, sideTag,
            new KeyValuePair<string, object?>("status", (uint)status < (uint)StatusCodes.Length ? StatusCodes[status] : status));
    }

    public void AuthFailed(string reason) => authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void FailedOver(string route, string from) =>
        failovers.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("from", from));
}
