using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.RateLimiting;

// Per-API-key rate limiting (section RateLimiting); Redis comes from ConnectionStrings:Redis.
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    // Requests per minute for a key whose key and organisation set no limit.
    [Range(1, 10_000_000)]
    public int DefaultPermitsPerMinute { get; set; } = 600;

    // When Redis cannot answer in time: true lets the request through, false refuses it.
    public bool FailOpen { get; set; } = true;

    // The longest a request waits for Redis before the fail-open/closed policy decides.
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    // Prefix of the Redis keys holding the counters.
    [Required(AllowEmptyStrings = false)]
    public string KeyPrefix { get; set; } = "rl:";

    // The share of a key's limit one replica takes from Redis at a time and hands out locally (see RedisKeyRateLimiter):
    // bigger leases mean fewer Redis round trips, but permits leased by one replica and not yet used are unavailable to
    // the others until the window ends. 0 asks Redis on every request.
    [Range(0.0, 0.5)]
    public double LeaseShare { get; set; } = 0.01;

    // The most permits one lease takes, whatever the limit.
    [Range(1, 1_000_000)]
    public int MaxLeasePermits { get; set; } = 1000;

    // Permits per lease for a limit: LeaseShare of it, at least 1, at most MaxLeasePermits.
    public int LeaseSize(int permits) => (int)Math.Clamp(Math.Floor(permits * LeaseShare), 1, MaxLeasePermits);

    // The limit that applies: the key's own, else its organisation's, else DefaultPermitsPerMinute.
    public int PermitsPerMinuteFor(int? keyLimit, int? organisationLimit) =>
        keyLimit is > 0 ? keyLimit.Value : organisationLimit is > 0 ? organisationLimit.Value : DefaultPermitsPerMinute;
}
