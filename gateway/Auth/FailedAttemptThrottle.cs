using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Auth;

/// <summary>
/// Counts failed authentications per client address in one-minute windows; past the limit the address is refused
/// (429) until its window ends, which makes guessing secrets through the gateway impractical.
/// </summary>
public sealed class FailedAttemptThrottle(IOptions<AuthOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Counter> counters = new(StringComparer.Ordinal);

    public bool IsBlocked(string client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!counters.TryGetValue(client, out var counter))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        lock (counter)
        {
            if (now - counter.Start >= Window)
            {
                return false;
            }

            retryAfter = counter.Start + Window - now;
            return counter.Count >= options.Value.FailuresPerMinutePerClient;
        }
    }

    public void RecordFailure(string client)
    {
        var now = clock.GetUtcNow();
        if (counters.Count > 100_000)
        {
            foreach (var (k, c) in counters)
            {
                if (now - c.Start >= Window)
                {
                    counters.TryRemove(k, out _);
                }
            }
        }

        var counter = counters.GetOrAdd(client, _ => new Counter { Start = now });
        lock (counter)
        {
            if (now - counter.Start >= Window)
            {
                counter.Start = now;
                counter.Count = 0;
            }

            counter.Count++;
        }
    }

    private sealed class Counter
    {
        public DateTimeOffset Start { get; set; }

        public int Count { get; set; }
    }
}
