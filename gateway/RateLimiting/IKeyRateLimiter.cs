namespace Platform.Gateway.RateLimiting;

// A fixed-window budget per partition (API key): `permits` acquisitions per window, a window starting with the first
// acquisition after the previous one ended. Refused acquisitions consume nothing. The window is a parameter so that
// tests can use seconds; the gateway uses the per-minute overload.
public interface IKeyRateLimiter
{
    static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);

    ValueTask<RateLimitDecision> AcquireAsync(string partitionKey, int permitsPerMinute, CancellationToken ct) =>
        AcquireAsync(partitionKey, permitsPerMinute, OneMinute, ct);

    // `window` is counted in whole milliseconds.
    ValueTask<RateLimitDecision> AcquireAsync(string partitionKey, int permits, TimeSpan window, CancellationToken ct);
}
