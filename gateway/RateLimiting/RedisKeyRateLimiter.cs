using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Gateway.RateLimiting;

// The budget all gateway replicas share: one Redis counter per key and window, from which each replica takes permits
// in leases (batches) and hands them out locally, so a busy key costs one Redis round trip per lease rather than per
// request. A Lua script grants min(wanted, what is left) and increments the counter by it atomically: the counter never
// passes the limit, so across all replicas no more than the limit is ever allowed in a window. The price of leasing is
// on the other side: permits leased by one replica and not yet used are not available to the others until the window
// ends. With R replicas and leases of L permits (RateLimitOptions.LeaseSize: LeaseShare of the limit, at most
// MaxLeasePermits), the replicas together allow at least limit - (R - 1) * L requests of a window before any refuses,
// and never more than the limit; a single replica is exact. Small limits (below 1 / LeaseShare, 100 by default) get
// leases of 1 permit: every request asks Redis, and the count is exact across replicas too.
//
// A fixed window (rather than RedisRateLimiting's token bucket) gives the RateLimit header exact numbers on one replica:
// `r` is what is left until the window ends in `t` seconds, and Retry-After is exactly that end. With several replicas
// `r` is this replica's view (what Redis had left at its last lease plus what it holds). The window's clock is the
// counter's expiry in Redis; a replica ends its lease's window at its own request time plus the expiry Redis reported,
// never later than Redis's, so a leased permit cannot be spent in the next window. A replica that found the budget
// spent refuses locally until the window ends (the counter only grows within a window).
// A Redis that is down or slower than RedisTimeout never holds a request longer than that: the fail-open/closed policy
// decides, counted in gateway.rate_limiter.unavailable. Known trade-off of fixed windows: a client can spend two
// budgets in quick succession around a window's end.
public sealed partial class RedisKeyRateLimiter : IKeyRateLimiter
{
    // KEYS[1] counter, ARGV[1] permits, ARGV[2] window in ms, ARGV[3] permits wanted. Returns {granted, used, ms until
    // the window ends}. A new counter gets its expiry here: the window starts with the first lease after the previous
    // window ended.
    private const string Script = """
        local permits = tonumber(ARGV[1])
        local used = tonumber(redis.call('GET', KEYS[1]) or '0')
        local granted = 0
        if used < permits then
          granted = math.min(tonumber(ARGV[3]), permits - used)
          used = redis.call('INCRBY', KEYS[1], granted)
        end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          ttl = tonumber(ARGV[2])
        end
        return {granted, used, ttl}
        """;

    private const int MaxCachedPartitions = 100_000;
    private static readonly TimeSpan RetryWhenUnavailable = TimeSpan.FromSeconds(1);

    private readonly Task<ConnectionMultiplexer>? connecting;
    private IConnectionMultiplexer? redis;
    private readonly RateLimitMetrics metrics;
    private readonly ILogger<RedisKeyRateLimiter> logger;
    private readonly RateLimitOptions options;
    private readonly string keyPrefix;
    private readonly bool failOpen;
    private readonly TimeSpan timeout;
    private readonly ConcurrentDictionary<string, Partition> partitions = new(StringComparer.Ordinal);
    private int failing;

    public RedisKeyRateLimiter(
        IConnectionMultiplexer redis, IOptions<RateLimitOptions> options, RateLimitMetrics metrics, ILogger<RedisKeyRateLimiter> logger)
        : this(options, metrics, logger) => this.redis = redis;

    // For a connection still being made (see RedisConnection): until it is, requests wait for it within RedisTimeout.
    public RedisKeyRateLimiter(
        Task<ConnectionMultiplexer> connecting, IOptions<RateLimitOptions> options, RateLimitMetrics metrics, ILogger<RedisKeyRateLimiter> logger)
        : this(options, metrics, logger) => this.connecting = connecting;

    private RedisKeyRateLimiter(IOptions<RateLimitOptions> options, RateLimitMetrics metrics, ILogger<RedisKeyRateLimiter> logger)
    {
        this.metrics = metrics;
        this.logger = logger;
        this.options = options.Value;
        keyPrefix = options.Value.KeyPrefix;
        failOpen = options.Value.FailOpen;
        timeout = options.Value.RedisTimeout;
    }

    public ValueTask<RateLimitDecision> AcquireAsync(string partitionKey, int permits, TimeSpan window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permits);
        var windowMs = (long)Math.Ceiling(window.TotalMilliseconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowMs, 1, nameof(window));

        var partition = PartitionFor(partitionKey);
        // The common case, a permit left in this replica's lease (or the budget known to be spent), takes no await.
        return partition.TryDecide(permits, windowMs, out var decision, out var lease)
            ? ValueTask.FromResult(decision)
            : WaitForLeaseAsync(partition, permits, window, windowMs, lease, ct);
    }

    private async ValueTask<RateLimitDecision> WaitForLeaseAsync(
        Partition partition, int permits, TimeSpan window, long windowMs, LeaseRequest lease, CancellationToken ct)
    {
        while (true)
        {
            if (lease.Mine)
            {
                // Started outside the partition's lock: it may complete synchronously (Redis disconnected).
                _ = LeaseAsync(partition, lease.Source, permits, windowMs, options.LeaseSize(permits));
            }

            if (await lease.Source.Task.WaitAsync(ct) is { } failure)
            {
                return Unavailable(permits, window, failure);
            }

            // Requests that waited for one lease share it; whoever finds it spent asks for the next.
            if (partition.TryDecide(permits, windowMs, out var decision, out lease))
            {
                return decision;
            }
        }
    }

    // Takes a lease from Redis and installs it in the partition. Never throws: a failure completes `source` with the
    // exception, so every request waiting for this lease applies the fail-open/closed policy. It does not take a
    // request's cancellation: others wait for the same lease.
    private async Task LeaseAsync(Partition partition, TaskCompletionSource<Exception?> source, int permits, long windowMs, int wanted)
    {
        Task<RedisResult>? call = null;
        try
        {
            // One RedisTimeout covers both waiting for the first connection and the call itself.
            var started = Stopwatch.GetTimestamp();
            var multiplexer = redis ?? await ConnectedAsync();
            var left = timeout - Stopwatch.GetElapsedTime(started);
            call = multiplexer.GetDatabase().ScriptEvaluateAsync(Script, partition.Keys, [permits, windowMs, wanted]);
            var result = await call.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            partition.Install(source, permits, windowMs, (int)(long)result[0], (long)result[1], started, (long)result[2]);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Observe(call);
            partition.Failed(source, ex);
            return;
        }
        catch (Exception ex)
        {
            // Anything else (a malformed answer) must not leave the partition waiting for a lease forever.
            partition.Failed(source, ex);
            return;
        }

        if (Interlocked.Exchange(ref failing, 0) == 1)
        {
            LogRecovered(logger);
        }
    }

    private async Task<IConnectionMultiplexer> ConnectedAsync()
    {
        var multiplexer = await connecting!.WaitAsync(timeout);
        redis = multiplexer;
        return multiplexer;
    }

    private Partition PartitionFor(string partitionKey)
    {
        if (partitions.TryGetValue(partitionKey, out var partition))
        {
            return partition;
        }

        // Bounded by the number of API keys in practice; the cap only guards against a caller keying by something else.
        if (partitions.Count >= MaxCachedPartitions)
        {
            partitions.Clear();
        }

        return partitions.GetOrAdd(partitionKey, static (key, prefix) => new Partition(prefix + key), keyPrefix);
    }

    private RateLimitDecision Unavailable(int permits, TimeSpan window, Exception exception)
    {
        metrics.Unavailable(failOpen);
        if (Interlocked.Exchange(ref failing, 1) == 0)
        {
            LogUnavailable(logger, exception, failOpen ? "allowed" : "refused");
        }

        // Open: nothing is counted while Redis is away, so the whole budget is what the client may assume.
        return failOpen
            ? new RateLimitDecision(true, permits, permits, window, null, true)
            : new RateLimitDecision(false, permits, 0, RetryWhenUnavailable, RetryWhenUnavailable, true);
    }

    // A call abandoned at the timeout may still fail later: observe it so it is not an unobserved exception.
    private static void Observe(Task? call)
    {
        if (call is { IsCompleted: false })
        {
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable for rate limiting; requests are {Policy} until it answers again")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string policy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers rate-limit checks again")]
    private static partial void LogRecovered(ILogger logger);

    // A lease being taken: its completion (null, or the failure), and whether the request that found it must start it.
    private readonly record struct LeaseRequest(TaskCompletionSource<Exception?> Source, bool Mine);

    // One key's lease on this replica. Everything under `gate`: a decision is a few field updates, no allocation.
    private sealed class Partition(string key)
    {
        private readonly Lock gate = new();
        private int permits;
        private long windowMs;
        private long endsAt = long.MinValue; // Stopwatch timestamp: the lease's window ends (no lease: MinValue)
        private int leased;                  // permits of the current lease not handed out yet
        private long used;                   // the Redis counter at the last lease
        private bool spent;                  // Redis had nothing left in this window
        private TaskCompletionSource<Exception?>? refill;

        public RedisKey[] Keys { get; } = [key];

        // True with a decision from the lease; false with the lease being taken, to wait for and try again.
        public bool TryDecide(int permits, long windowMs, out RateLimitDecision decision, out LeaseRequest lease)
        {
            lock (gate)
            {
                var now = Stopwatch.GetTimestamp();
                if (this.permits == permits && this.windowMs == windowMs && now < endsAt)
                {
                    var resetAfter = Stopwatch.GetElapsedTime(now, endsAt);
                    if (leased > 0)
                    {
                        leased--;
                        decision = new RateLimitDecision(true, permits, (int)Math.Clamp(permits - used + leased, 0, permits), resetAfter, null, false);
                        lease = default;
                        return true;
                    }

                    if (spent)
                    {
                        decision = new RateLimitDecision(false, permits, 0, resetAfter, resetAfter, false);
                        lease = default;
                        return true;
                    }
                }

                // A lease for another limit or window (the key's limit changed) is dropped: the permits it still
                // held stay counted in Redis, which errs on the side of refusing.
                decision = default;
                if (refill is { } pending)
                {
                    lease = new LeaseRequest(pending, Mine: false);
                }
                else
                {
                    refill = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    lease = new LeaseRequest(refill, Mine: true);
                }

                return false;
            }
        }

        public void Install(TaskCompletionSource<Exception?> source, int permits, long windowMs, int granted, long used, long requestedAt, long millisecondsLeft)
        {
            lock (gate)
            {
                this.permits = permits;
                this.windowMs = windowMs;
                leased = granted;
                this.used = used;
                spent = granted == 0;
                // From when the request left, not when the answer came: never later than the counter's expiry.
                endsAt = requestedAt + (long)(millisecondsLeft * (Stopwatch.Frequency / 1000.0));
                refill = null;
            }

            source.TrySetResult(null);
        }

        public void Failed(TaskCompletionSource<Exception?> source, Exception failure)
        {
            lock (gate)
            {
                refill = null;
            }

            source.TrySetResult(failure);
        }
    }
}
