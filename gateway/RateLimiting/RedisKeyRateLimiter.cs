using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Gateway.RateLimiting;

// The budget all gateway replicas share: one Redis counter per key, checked and incremented by one Lua script, so the
// check and the increment are atomic across replicas and no permit is handed out twice. A fixed window (rather than
// RedisRateLimiting's token bucket) gives the RateLimit header exact numbers: `r` is precisely what is left until the
// window ends in `t` seconds, and Retry-After is exactly that end; the token bucket reported no usable RetryAfter.
// The window's clock is the key's expiry in Redis, so replicas' clocks never matter. A Redis that is down or slower
// than RedisTimeout never holds a request longer than that: the fail-open/closed policy decides, counted in
// gateway.rate_limiter.unavailable. Known trade-off of fixed windows: a client can spend two budgets in quick
// succession around a window's end.
public sealed partial class RedisKeyRateLimiter : IKeyRateLimiter
{
    // KEYS[1] counter, ARGV[1] permits, ARGV[2] window in ms. Returns {allowed, used, ms until the window ends}.
    // Refusals do not increment, so the counter never passes the limit. A new counter gets its expiry here: the
    // window starts with the first request after the previous window ended.
    private const string Script = """
        local permits = tonumber(ARGV[1])
        local used = tonumber(redis.call('GET', KEYS[1]) or '0')
        local allowed = 0
        if used < permits then
          used = redis.call('INCR', KEYS[1])
          allowed = 1
        end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          ttl = tonumber(ARGV[2])
        end
        return {allowed, used, ttl}
        """;

    private const int MaxCachedPartitions = 100_000;
    private static readonly TimeSpan RetryWhenUnavailable = TimeSpan.FromSeconds(1);

    private readonly Task<ConnectionMultiplexer>? connecting;
    private IConnectionMultiplexer? redis;
    private readonly RateLimitMetrics metrics;
    private readonly ILogger<RedisKeyRateLimiter> logger;
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
        keyPrefix = options.Value.KeyPrefix;
        failOpen = options.Value.FailOpen;
        timeout = options.Value.RedisTimeout;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RateLimitDecision> AcquireAsync(string partitionKey, int permits, TimeSpan window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permits);
        var partition = PartitionFor(partitionKey, permits, window);

        Task<RedisResult>? call = null;
        RedisResult result;
        try
        {
            // One RedisTimeout covers both waiting for the first connection and the call itself.
            var started = Environment.TickCount64;
            var multiplexer = redis ?? await ConnectedAsync(ct);
            var left = timeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
            call = multiplexer.GetDatabase().ScriptEvaluateAsync(Script, partition.Keys, partition.Arguments);
            result = await call.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, ct);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Observe(call);
            return Unavailable(permits, window, ex);
        }
        catch (OperationCanceledException)
        {
            Observe(call);
            throw;
        }

        if (Interlocked.Exchange(ref failing, 0) == 1)
        {
            LogRecovered(logger);
        }

        var allowed = (long)result[0] == 1;
        var used = (long)result[1];
        var resetAfter = TimeSpan.FromMilliseconds((long)result[2]);
        return allowed
            ? new RateLimitDecision(true, permits, (int)Math.Max(0, permits - used), resetAfter, null, false)
            : new RateLimitDecision(false, permits, 0, resetAfter, resetAfter, false);
    }

    private async Task<IConnectionMultiplexer> ConnectedAsync(CancellationToken ct)
    {
        var multiplexer = await connecting!.WaitAsync(timeout, ct);
        redis = multiplexer;
        return multiplexer;
    }

    private Partition PartitionFor(string partitionKey, int permits, TimeSpan window)
    {
        var windowMs = (long)Math.Ceiling(window.TotalMilliseconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowMs, 1, nameof(window));
        if (partitions.TryGetValue(partitionKey, out var partition) && partition.Permits == permits && partition.WindowMs == windowMs)
        {
            return partition;
        }

        // Bounded by the number of API keys in practice; the cap only guards against a caller keying by something else.
        if (partitions.Count >= MaxCachedPartitions)
        {
            partitions.Clear();
        }

        partition = new Partition(keyPrefix + partitionKey, permits, windowMs);
        partitions[partitionKey] = partition;
        return partition;
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

    // The arguments of one key's script call, built once rather than per request (they are only read).
    private sealed class Partition(string key, int permits, long windowMs)
    {
        public int Permits { get; } = permits;

        public long WindowMs { get; } = windowMs;

        public RedisKey[] Keys { get; } = [key];

        public RedisValue[] Arguments { get; } = [permits, windowMs];
    }
}
