namespace Platform.Gateway.RateLimiting;

// ResetAfter: when the current window ends and the full Limit is available again. RetryAfter: set only on a refusal.
// Degraded: Redis could not be reached in time, so the fail-open/closed policy decided instead of the counter.
public readonly record struct RateLimitDecision(
    bool Allowed, int Limit, int Remaining, TimeSpan ResetAfter, TimeSpan? RetryAfter, bool Degraded);
