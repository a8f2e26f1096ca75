using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Ops;

/// <summary>One time slot of a route side: requests, server errors and p95 latency.</summary>
public sealed record StatsPoint(DateTimeOffset At, double RequestsPerSecond, double ErrorRate, double? P95Ms);

/// <summary>The recent history of one side (legacy or new) of a route, or of every route together.</summary>
public sealed record SideStats(string Side, IReadOnlyList<StatsPoint> Points);

public sealed record RouteStats(string Route, int SlotSeconds, IReadOnlyList<SideStats> Sides);

public sealed record DestinationStatus(string Cluster, string Destination, string Side, string Health);

/// <summary>
/// Recent request rate, error rate and p95 latency per route group and side, kept in memory by this replica from the
/// gateway's own instruments (<c>gateway.requests</c>, <c>gateway.request.duration</c>), for the Ops page's charts
/// without a Prometheus server. Slots are short and few: this is a live view, Prometheus keeps the history.
/// </summary>
public sealed class OpsStats : IHostedService, IDisposable
{
    public const int SlotSeconds = 10;
    public const int Slots = 60;

    // Latency histogram bounds in milliseconds (log-spaced, about 12% apart): p95 is read from the bucket it falls in.
    private static readonly double[] BoundsMs = [.. Enumerable.Range(0, 100).Select(i => 0.25 * Math.Pow(1.12, i))];

    private readonly ConcurrentDictionary<(string Route, string Side), Series> series = new();
    private readonly TimeProvider clock;
    private readonly MeterListener listener = new();

    public OpsStats(TimeProvider clock)
    {
        this.clock = clock;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.PlatformMeter
                && instrument.Name is "gateway.requests" or "gateway.request.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>(OnRequest);
        listener.SetMeasurementEventCallback<double>(OnDuration);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => listener.Dispose();

    /// <summary>The last <see cref="Slots"/> slots of one route (or every route when null), oldest first.</summary>
    public RouteStats Read(string? route)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds() / SlotSeconds;
        var sides = new List<SideStats>();
        foreach (var side in new[] { "legacy", "new" })
        {
            var matching = series.Where(s => s.Key.Side == side && (route is null || s.Key.Route == route)).Select(s => s.Value).ToArray();
            var points = new List<StatsPoint>(Slots);
            for (var slot = now - Slots + 1; slot <= now; slot++)
            {
                long requests = 0, errors = 0;
                var histogram = new long[BoundsMs.Length + 1];
                foreach (var s in matching)
                {
                    s.Add(slot, ref requests, ref errors, histogram);
                }

                points.Add(new StatsPoint(
                    DateTimeOffset.FromUnixTimeSeconds(slot * SlotSeconds),
                    Math.Round((double)requests / SlotSeconds, 3),
                    requests == 0 ? 0 : Math.Round((double)errors / requests, 4),
                    Percentile(histogram, 0.95)));
            }

            sides.Add(new SideStats(side, points));
        }

        return new RouteStats(route ?? "all", SlotSeconds, sides);
    }

    private void OnRequest(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name != "gateway.requests")
        {
            return;
        }

        string? route = null, side = null;
        var status = 0;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "route": route = tag.Value as string; break;
                case "side": side = tag.Value as string; break;
                case "status": status = tag.Value is int i ? i : 0; break;
            }
        }

        if (route is not null && side is not null)
        {
            Get(route, side).Count(Slot(), value, status >= 500 ? value : 0);
        }
    }

    private void OnDuration(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? route = null, side = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "route")
            {
                route = tag.Value as string;
            }
            else if (tag.Key == "side")
            {
                side = tag.Value as string;
            }
        }

        if (route is not null && side is not null)
        {
            var index = Array.BinarySearch(BoundsMs, seconds * 1000);
            Get(route, side).Observe(Slot(), index < 0 ? ~index : index);
        }
    }

    private long Slot() => clock.GetUtcNow().ToUnixTimeSeconds() / SlotSeconds;

    private Series Get(string route, string side) => series.GetOrAdd((route, side), _ => new Series(BoundsMs.Length + 1));

    private static double? Percentile(long[] histogram, double q)
    {
        var total = histogram.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(total * q);
        long seen = 0;
        for (var i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= rank)
            {
                return Math.Round(i < BoundsMs.Length ? BoundsMs[i] : BoundsMs[^1], 2);
            }
        }

        return Math.Round(BoundsMs[^1], 2);
    }

    /// <summary>A ring of slots; a slot is reset when time comes round to it again.</summary>
    private sealed class Series(int buckets)
    {
        private readonly long[] stamps = new long[Slots];
        private readonly long[] requests = new long[Slots];
        private readonly long[] errors = new long[Slots];
        private readonly long[][] latency = [.. Enumerable.Range(0, Slots).Select(_ => new long[buckets])];
        private readonly Lock gate = new();

        public void Count(long slot, long value, long error)
        {
            lock (gate)
            {
                var i = Claim(slot);
                requests[i] += value;
                errors[i] += error;
            }
        }

        public void Observe(long slot, int bucket)
        {
            lock (gate)
            {
                latency[Claim(slot)][bucket]++;
            }
        }

        public void Add(long slot, ref long totalRequests, ref long totalErrors, long[] histogram)
        {
            lock (gate)
            {
                var i = (int)(slot % Slots);
                if (stamps[i] != slot)
                {
                    return;
                }

                totalRequests += requests[i];
                totalErrors += errors[i];
                for (var b = 0; b < histogram.Length; b++)
                {
                    histogram[b] += latency[i][b];
                }
            }
        }

        private int Claim(long slot)
        {
            var i = (int)(slot % Slots);
            if (stamps[i] != slot)
            {
                stamps[i] = slot;
                requests[i] = 0;
                errors[i] = 0;
                Array.Clear(latency[i]);
            }

            return i;
        }
    }
}

/// <summary>
/// <c>GET /ops/stats?route=</c> (scope <c>ops</c>, like the rest of <c>/ops</c>) for the Ops page's charts, and
/// <c>GET /health/fleet</c>: each service destination's health as the gateway's active checks see it, for the
/// Web UI's system status (no details beyond healthy/unhealthy/unknown).
/// </summary>
public static class OpsStatsApi
{
    public static IServiceCollection AddOpsStats(this IServiceCollection services)
    {
        services.AddSingleton<OpsStats>();
        services.AddHostedService(sp => sp.GetRequiredService<OpsStats>());
        return services;
    }

    public static IEndpointRouteBuilder MapOpsStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ops/stats", GetStats).WithTags("Ops").WithName("OpsStats")
            .WithSummary("Requests/s, error rate and p95 latency per 10 s slot over the last 10 minutes, legacy vs new.");
        app.MapGet("/health/fleet", GetFleetHealth).WithTags("Ops").WithName("FleetHealth").DisableHttpMetrics();
        return app;
    }

    public static Results<Ok<RouteStats>, ValidationProblem> GetStats(string? route, OpsStats stats, Rollout.RolloutState state)
    {
        if (!string.IsNullOrEmpty(route) && state.Get(route) is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["route"] = [$"Unknown route '{route}'. Routes are: {string.Join(", ", state.All.Select(r => r.Route).Order(StringComparer.Ordinal))}."],
            });
        }

        return TypedResults.Ok(stats.Read(string.IsNullOrEmpty(route) ? null : route));
    }

    public static Ok<IReadOnlyList<DestinationStatus>> GetFleetHealth(IProxyStateLookup lookup) =>
        TypedResults.Ok<IReadOnlyList<DestinationStatus>>([.. lookup.GetClusters()
            .SelectMany(c => c.Destinations.Values.Select(d => new DestinationStatus(
                c.ClusterId, d.DestinationId, c.ClusterId.EndsWith(Rollout.TrafficSplitter.LegacySuffix, StringComparison.Ordinal) ? "legacy" : "new",
                Health(d))))
            .OrderBy(d => d.Cluster, StringComparer.Ordinal)]);

    private static string Health(DestinationState d) => d.Health.Active switch
    {
        DestinationHealth.Healthy => "healthy",
        DestinationHealth.Unhealthy => "unhealthy",
        _ => d.Health.Passive == DestinationHealth.Unhealthy ? "unhealthy" : "unknown",
    };
}
