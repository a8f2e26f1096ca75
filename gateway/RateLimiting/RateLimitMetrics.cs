using System.Diagnostics.Metrics;
using Platform.ServiceDefaults;

namespace Platform.Gateway.RateLimiting;

public sealed class RateLimitMetrics
{
    public const string RateLimitedName = "gateway.rate_limited";
    public const string UnavailableName = "gateway.rate_limiter.unavailable";

    private static readonly KeyValuePair<string, object?> FailOpenTag = new("policy", "fail_open");
    private static readonly KeyValuePair<string, object?> FailClosedTag = new("policy", "fail_closed");

    private readonly Counter<long> rateLimited;
    private readonly Counter<long> unavailable;

    public RateLimitMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.PlatformMeter);
        rateLimited = meter.CreateCounter<long>(RateLimitedName, unit: "{request}",
            description: "Requests refused because their API key's rate limit was exhausted, by route group.");
        unavailable = meter.CreateCounter<long>(UnavailableName, unit: "{request}",
            description: "Requests decided by the fail-open/closed policy because Redis did not answer in time.");
    }

    public void RateLimited(string route) => rateLimited.Add(1, new KeyValuePair<string, object?>("route", route));

    public void Unavailable(bool failOpen) => unavailable.Add(1, failOpen ? FailOpenTag : FailClosedTag);
}
