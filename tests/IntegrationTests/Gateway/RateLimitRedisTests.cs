using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Gateway.RateLimiting;
using Platform.Testing;
using StackExchange.Redis;
using static Platform.IntegrationTests.Gateway.RateLimitTestSupport;

namespace Platform.IntegrationTests.Gateway;

/// <summary>What only the shared limiter has: one budget across replicas, and a policy for when Redis is away.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RateLimitRedisTests
{
    private static readonly TimeSpan LongWindow = TimeSpan.FromMinutes(10);

    private static string RedisAddress => $"127.0.0.1:{TestEnvironment.RedisPort}";

    [Test]
    public async Task TwoReplicas_ShareOneBudget_ExactlyUnderConcurrency()
    {
        // Two gateway replicas: a connection and a limiter each.
        await using var redisA = await ConnectAsync(RedisAddress);
        await using var redisB = await ConnectAsync(RedisAddress);
        using var metrics = new MetricRecorder();
        var replicaA = Limiter(redisA, metrics, new RateLimitOptions { RedisTimeout = TimeSpan.FromSeconds(5) });
        var replicaB = Limiter(redisB, metrics, new RateLimitOptions { RedisTimeout = TimeSpan.FromSeconds(5) });
        var key = NewPartition();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() =>
            (i % 2 == 0 ? replicaA : replicaB).AcquireAsync(key, 30, LongWindow, CancellationToken.None).AsTask())));

        var allowed = decisions.Where(d => d.Allowed).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(decisions.Any(d => d.Degraded), Is.False);
            Assert.That(allowed, Has.Count.EqualTo(30));
            Assert.That(allowed.Select(d => d.Remaining).Order(), Is.EqualTo(Enumerable.Range(0, 30)),
                "every permit was handed out once");
        });
        var afterA = await replicaA.AcquireAsync(key, 30, LongWindow, CancellationToken.None);
        var afterB = await replicaB.AcquireAsync(key, 30, LongWindow, CancellationToken.None);
        Assert.That(afterA.Allowed || afterB.Allowed, Is.False);
    }

    [Test]
    public async Task LargeLimit_OneReplica_TakesPermitsInLeases_AndStaysExact()
    {
        await using var redis = await ConnectAsync(RedisAddress);
        using var metrics = new MetricRecorder();
        var prefix = "rl-test:" + Guid.NewGuid().ToString("N") + ":";
        var options = new RateLimitOptions { KeyPrefix = prefix, RedisTimeout = TimeSpan.FromSeconds(5) };
        var limiter = Limiter(redis, metrics, options);
        var key = NewPartition();
        var lease = options.LeaseSize(1000);

        var first = await limiter.AcquireAsync(key, 1000, LongWindow, CancellationToken.None);
        var counterAfterFirst = (long)await redis.GetDatabase().StringGetAsync(prefix + key);
        var remaining = new List<int> { first.Remaining };
        for (var i = 1; i < 1000; i++)
        {
            remaining.Add((await limiter.AcquireAsync(key, 1000, LongWindow, CancellationToken.None)).Remaining);
        }

        var refused = await limiter.AcquireAsync(key, 1000, LongWindow, CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(lease, Is.EqualTo(10), "1% of the limit by default");
            Assert.That(counterAfterFirst, Is.EqualTo(lease), "the first request took a whole lease from Redis");
            Assert.That(remaining, Is.EqualTo(Enumerable.Range(0, 1000).Reverse()), "one replica counts exactly");
            Assert.That(refused.Allowed, Is.False);
            Assert.That(refused.RetryAfter, Is.GreaterThan(TimeSpan.FromMinutes(9)));
            Assert.That((long)await redis.GetDatabase().StringGetAsync(prefix + key), Is.EqualTo(1000));
        });
    }

    [Test]
    public async Task LargeLimit_TwoReplicas_NeverPassTheLimit_AndFallShortByAtMostOneLease()
    {
        await using var redisA = await ConnectAsync(RedisAddress);
        await using var redisB = await ConnectAsync(RedisAddress);
        using var metrics = new MetricRecorder();
        var options = new RateLimitOptions { RedisTimeout = TimeSpan.FromSeconds(5) };
        var replicaA = Limiter(redisA, metrics, options);
        var replicaB = Limiter(redisB, metrics, options);
        var key = NewPartition();
        const int Limit = 1000;

        var decisions = await Task.WhenAll(Enumerable.Range(0, 1300).Select(i => Task.Run(() =>
            (i % 2 == 0 ? replicaA : replicaB).AcquireAsync(key, Limit, LongWindow, CancellationToken.None).AsTask())));

        // The documented bound for R replicas: limit - (R - 1) * lease <= allowed <= limit.
        var allowed = decisions.Count(d => d.Allowed);
        Assert.Multiple(() =>
        {
            Assert.That(decisions.Any(d => d.Degraded), Is.False);
            Assert.That(allowed, Is.InRange(Limit - options.LeaseSize(Limit), Limit));
            Assert.That(decisions.Where(d => !d.Allowed).Select(d => d.RetryAfter), Is.All.GreaterThan(TimeSpan.FromMinutes(9)));
        });
    }

    [Test]
    public void LeaseSize_IsAShareOfTheLimit_AtLeastOne_AtMostTheCap()
    {
        var options = new RateLimitOptions { LeaseShare = 0.01, MaxLeasePermits = 1000 };

        Assert.Multiple(() =>
        {
            Assert.That(options.LeaseSize(5), Is.EqualTo(1));
            Assert.That(options.LeaseSize(600), Is.EqualTo(6));
            Assert.That(options.LeaseSize(1_000_000), Is.EqualTo(1000));
            Assert.That(new RateLimitOptions { LeaseShare = 0 }.LeaseSize(1_000_000), Is.EqualTo(1), "0: every request asks Redis");
        });
    }

    [Test]
    public async Task Counter_LivesUnderThePrefix_AndExpiresWithTheWindow()
    {
        await using var redis = await ConnectAsync(RedisAddress);
        using var metrics = new MetricRecorder();
        var prefix = "rl-test:" + Guid.NewGuid().ToString("N") + ":";
        var limiter = Limiter(redis, metrics, new RateLimitOptions { KeyPrefix = prefix, RedisTimeout = TimeSpan.FromSeconds(5) });
        var key = NewPartition();

        await limiter.AcquireAsync(key, 5, LongWindow, CancellationToken.None);
        await limiter.AcquireAsync(key, 5, LongWindow, CancellationToken.None);

        var db = redis.GetDatabase();
        Assert.Multiple(async () =>
        {
            Assert.That((long)await db.StringGetAsync(prefix + key), Is.EqualTo(2));
            Assert.That(await db.KeyTimeToLiveAsync(prefix + key), Is.GreaterThan(TimeSpan.FromMinutes(9)).And.LessThanOrEqualTo(LongWindow));
        });
    }

    [Test]
    public async Task RedisDown_FailOpen_AllowsDegraded_AndCountsIt()
    {
        await using var redis = await ConnectAsync($"127.0.0.1:{FreePort.Next()},connectTimeout=1000");
        using var metrics = new MetricRecorder();
        var limiter = Limiter(redis, metrics, new RateLimitOptions { FailOpen = true });

        var clock = Stopwatch.StartNew();
        var first = await limiter.AcquireAsync(NewPartition(), 5, TimeSpan.FromMinutes(1), CancellationToken.None);
        var second = await limiter.AcquireAsync(NewPartition(), 5, TimeSpan.FromMinutes(1), CancellationToken.None);
        clock.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(new RateLimitDecision(true, 5, 5, TimeSpan.FromMinutes(1), null, true)));
            Assert.That(second.Allowed && second.Degraded, Is.True);
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4.5)), "requests waited on an absent Redis");
            Assert.That(metrics.Sum(RateLimitMetrics.UnavailableName, "policy", "fail_open"), Is.EqualTo(2));
            Assert.That(metrics.Sum(RateLimitMetrics.UnavailableName, "policy", "fail_closed"), Is.Zero);
        });
    }

    [Test]
    public async Task RedisDown_FailClosed_RefusesDegraded_AndCountsIt()
    {
        await using var redis = await ConnectAsync($"127.0.0.1:{FreePort.Next()},connectTimeout=1000");
        using var metrics = new MetricRecorder();
        var limiter = Limiter(redis, metrics, new RateLimitOptions { FailOpen = false });

        var decision = await limiter.AcquireAsync(NewPartition(), 5, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Allowed, Is.False);
            Assert.That(decision.Degraded, Is.True);
            Assert.That(decision.Remaining, Is.Zero);
            Assert.That(decision.RetryAfter, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(metrics.Sum(RateLimitMetrics.UnavailableName, "policy", "fail_closed"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RedisStalled_RequestWaitsOnlyTheTimeout_ThenCountingResumes()
    {
        await using var proxy = new StallingRedisProxy(TestEnvironment.RedisPort);
        await using var redis = await ConnectAsync($"127.0.0.1:{proxy.Port}");
        using var metrics = new MetricRecorder();
        var limiter = Limiter(redis, metrics, new RateLimitOptions { RedisTimeout = TimeSpan.FromMilliseconds(200) });
        var key = NewPartition();
        var healthy = await limiter.AcquireAsync(key, 100, LongWindow, CancellationToken.None);
        Assert.That(healthy.Degraded, Is.False);

        proxy.Stalled = true;
        var clock = Stopwatch.StartNew();
        var stalled = await limiter.AcquireAsync(key, 100, LongWindow, CancellationToken.None);
        clock.Stop();
        proxy.Stalled = false;

        Assert.Multiple(() =>
        {
            Assert.That(stalled.Allowed && stalled.Degraded, Is.True);
            // Redis's own async timeout is 5 s: coming back well before it shows RedisTimeout bounds the wait.
            Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150)).And.LessThan(TimeSpan.FromSeconds(4.5)));
            Assert.That(metrics.Sum(RateLimitMetrics.UnavailableName, "policy", "fail_open"), Is.EqualTo(1));
        });

        var resumed = await EventuallyAsync(
            () => limiter.AcquireAsync(key, 100, LongWindow, CancellationToken.None).AsTask(), d => !d.Degraded, TimeSpan.FromSeconds(30));
        // The stalled call reached Redis once released and counted: at most 97 of 100 are left after three calls.
        Assert.That(resumed.Remaining, Is.LessThanOrEqualTo(97));
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString) =>
        await ConnectionMultiplexer.ConnectAsync(RateLimitingExtensions.RedisConfiguration(connectionString));

    private static RedisKeyRateLimiter Limiter(IConnectionMultiplexer redis, MetricRecorder metrics, RateLimitOptions options) =>
        new(redis, Options.Create(options), metrics.Metrics, NullLogger<RedisKeyRateLimiter>.Instance);
}
