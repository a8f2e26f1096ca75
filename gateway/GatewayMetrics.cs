using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Platform.Gateway.Rollout;
using Platform.ServiceDefaults;

namespace Platform.Gateway;

/// <summary>The gateway's own instruments on the fleet's <c>Platform</c> meter (exported at <c>/metrics</c>).</summary>
public sealed class GatewayMetrics
{
    private readonly Histogram<double> duration;
    private readonly Counter<long> authFailures;
    private readonly Counter<long> failovers;
    private readonly RequestCounts requests;
    private long active;

    public GatewayMetrics(IMeterFactory meters, RolloutState rollout, IOptions<RolloutOptions> options)
    {
        requests = new RequestCounts(options.Value.Routes);
        var meter = meters.Create(Telemetry.PlatformMeter);
        meter.CreateObservableGauge("gateway.rollout.weight",
            () => rollout.All.Select(r => new Measurement<int>(r.Weight, new KeyValuePair<string, object?>("route", r.Route))),
            description: "Current share (0..100) of each route group's clients sent to the new services.");
        meter.CreateObservableCounter("gateway.requests", requests.Observe,
            description: "Proxied requests by route group, side and status.");
        meter.CreateObservableUpDownCounter("gateway.requests.active", () => Volatile.Read(ref active),
            description: "Proxied requests in flight (ASP.NET Core's http.server.active_requests is not recorded by the gateway).");
        duration = meter.CreateHistogram<double>("gateway.request.duration", unit: "s", description: "Proxied request duration by route group and side.");
        authFailures = meter.CreateCounter<long>("gateway.auth.failures", description: "Refused authentications by reason.");
        failovers = meter.CreateCounter<long>("gateway.failovers", description: "Requests sent to the other side because every destination of the chosen side was down.");
    }

    /// <summary>A proxied request starts; <see cref="Proxied"/> ends it.</summary>
    public void Started() => Interlocked.Increment(ref active);

    public void Proxied(string route, string side, int status, double seconds)
    {
        Interlocked.Decrement(ref active);
        duration.Record(seconds, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("side", side));
        requests.Add(route, side, status);
    }

    public void AuthFailed(string reason) => authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void FailedOver(string route, string from) =>
        failovers.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("from", from));

    /// <summary>
    /// Request counts by route group, side and status, counted in plain arrays (one interlocked increment per request)
    /// and read by the metrics reader at scrape time. A counter instrument with three tags cost every request a
    /// lookup of its tag combination in OpenTelemetry's aggregator (perf: the gateway's busiest metrics function).
    /// Route groups outside the configured ones and unusual status codes go to a dictionary.
    /// </summary>
    internal sealed class RequestCounts
    {
        private const int Statuses = 600;
        private static readonly string[] Sides = [TrafficSplitter.New, TrafficSplitter.Legacy];
        private readonly string[] routes;
        private readonly FrozenDictionary<string, int> routeIndex;
        private readonly long[] counts;
        private readonly ConcurrentDictionary<(string Route, string Side, int Status), long> others = new();

        public RequestCounts(IEnumerable<string> routeGroups)
        {
            routes = [.. routeGroups.Distinct(StringComparer.Ordinal)];
            routeIndex = routes.Select((route, i) => (route, i)).ToFrozenDictionary(x => x.route, x => x.i, StringComparer.Ordinal);
            counts = new long[routes.Length * Sides.Length * Statuses];
        }

        public void Add(string route, string side, int status)
        {
            var sideIndex = ReferenceEquals(side, TrafficSplitter.New) || side == TrafficSplitter.New ? 0
                : side == TrafficSplitter.Legacy ? 1 : -1;
            if (sideIndex >= 0 && (uint)status < Statuses && routeIndex.TryGetValue(route, out var r))
            {
                Interlocked.Increment(ref counts[((r * Sides.Length) + sideIndex) * Statuses + status]);
                return;
            }

            others.AddOrUpdate((route, side, status), 1, (_, n) => n + 1);
        }

        public IEnumerable<Measurement<long>> Observe()
        {
            for (var r = 0; r < routes.Length; r++)
            {
                for (var s = 0; s < Sides.Length; s++)
                {
                    for (var status = 0; status < Statuses; status++)
                    {
                        var n = Volatile.Read(ref counts[((r * Sides.Length) + s) * Statuses + status]);
                        if (n > 0)
                        {
                            yield return Measurement(n, routes[r], Sides[s], status);
                        }
                    }
                }
            }

            foreach (var ((route, side, status), n) in others)
            {
                yield return Measurement(n, route, side, status);
            }
        }

        private static Measurement<long> Measurement(long n, string route, string side, int status) =>
            new(n, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("side", side),
                new KeyValuePair<string, object?>("status", status));
    }
}
