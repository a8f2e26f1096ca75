using System.Collections.Concurrent;

namespace Platform.Gateway.RateLimiting;

// Used when no Redis is configured (a single replica), with exactly the fixed-window semantics of RedisKeyRateLimiter
// so the gateway behaves alike with and without Redis (the same contract tests run against both).
// System.Threading.RateLimiting's FixedWindowRateLimiter was not used: it cannot say when its window ends (needed for
// the RateLimit header's `t` and for Retry-After), it starts windows on a timer rather than with the first request as
// the Redis script does, and its limit is fixed per instance while a key's limit can change. A counter under a lock per
// key gives exact numbers and allocates nothing per request.
public sealed class LocalKeyRateLimiter(TimeProvider clock) : IKeyRateLimiter
{
    private const int PruneThreshold = 1024;

    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);
    private int pruneAt = PruneThreshold;

    public ValueTask<RateLimitDecision> AcquireAsync(string partitionKey, int permits, TimeSpan window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permits);
        var windowTicks = WindowTimestampTicks(window);

        if (windows.Count >= Volatile.Read(ref pruneAt))
        {
            Prune();
        }

        while (true)
        {
            // A window retired by Prune between the lookup and the lock refuses, and the loop takes the fresh one.
            if (windows.GetOrAdd(partitionKey, static _ => new Window()).TryAcquire(clock, permits, windowTicks, out var decision))
            {
                return ValueTask.FromResult(decision);
            }
        }
    }

    private long WindowTimestampTicks(TimeSpan window)
    {
        // Whole milliseconds, as the Redis script's PEXPIRE has them.
        var milliseconds = Math.Ceiling(window.TotalMilliseconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(milliseconds, 1, nameof(window));
        return (long)(milliseconds * clock.TimestampFrequency / 1000);
    }

    // Drops ended windows (an ended window means the same as none), so idle keys do not pile up.
    private void Prune()
    {
        var now = clock.GetTimestamp();
        foreach (var (key, window) in windows)
        {
            if (window.TryRetire(now))
            {
                windows.TryRemove(new KeyValuePair<string, Window>(key, window));
            }
        }

        Volatile.Write(ref pruneAt, Math.Max(PruneThreshold, windows.Count * 2));
    }

    private sealed class Window
    {
        private readonly Lock gate = new();
        private long endsAt = long.MinValue;
        private int used;
        private bool retired;

        public bool TryAcquire(TimeProvider clock, int permits, long windowTicks, out RateLimitDecision decision)
        {
            lock (gate)
            {
                if (retired)
                {
                    decision = default;
                    return false;
                }

                var now = clock.GetTimestamp();
                if (now >= endsAt)
                {
                    endsAt = now + windowTicks;
                    used = 0;
                }

                var resetAfter = clock.GetElapsedTime(now, endsAt);
                if (used < permits)
                {
                    used++;
                    decision = new RateLimitDecision(true, permits, permits - used, resetAfter, null, false);
                }
                else
                {
                    decision = new RateLimitDecision(false, permits, 0, resetAfter, resetAfter, false);
                }

                return true;
            }
        }

        public bool TryRetire(long now)
        {
            lock (gate)
            {
                retired = now >= endsAt;
                return retired;
            }
        }
    }
}
