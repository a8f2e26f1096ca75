using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Gateway.RateLimiting;
using Platform.Testing;
using StackExchange.Redis;
using static Platform.IntegrationTests.Gateway.RateLimitTestSupport;

namespace Platform.IntegrationTests.Gateway;

/// <summary>What every <see cref="IKeyRateLimiter"/> must do; run against the Redis and the in-process one alike.</summary>
public abstract class RateLimitLimiterContract
{
    private static readonly TimeSpan LongWindow = TimeSpan.FromMinutes(10);

    protected abstract IKeyRateLimiter Limiter { get; }

    [Test]
    public async Task ExactlyLimitPass_RemainingCountsDown_ThenRefusedUntilTheWindowEnds()
    {
        var key = NewPartition();

        for (var i = 1; i <= 10; i++)
        {
            var decision = await Limiter.AcquireAsync(key, 10, LongWindow, CancellationToken.None);
            Assert.Multiple(() =>
            {
                Assert.That(decision.Allowed, Is.True, $"acquisition {i}");
                Assert.That(decision.Limit, Is.EqualTo(10));
                Assert.That(decision.Remaining, Is.EqualTo(10 - i));
                Assert.That(decision.ResetAfter, Is.GreaterThan(TimeSpan.FromMinutes(9)).And.LessThanOrEqualTo(LongWindow));
                Assert.That(decision.RetryAfter, Is.Null);
                Assert.That(decision.Degraded, Is.False);
            });
        }

        for (var i = 0; i < 3; i++)
        {
            var refused = await Limiter.AcquireAsync(key, 10, LongWindow, CancellationToken.None);
            Assert.Multiple(() =>
            {
                Assert.That(refused.Allowed, Is.False);
                Assert.That(refused.Remaining, Is.Zero);
                Assert.That(refused.RetryAfter, Is.GreaterThan(TimeSpan.FromMinutes(9)).And.LessThanOrEqualTo(LongWindow));
                Assert.That(refused.ResetAfter, Is.EqualTo(refused.RetryAfter));
                Assert.That(refused.Degraded, Is.False);
            });
        }
    }

    [Test]
    public async Task ConcurrentAcquisitions_ExactlyTheLimitPass_EachWithItsOwnRemaining()
    {
        var key = NewPartition();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(_ => Task.Run(() => Limiter.AcquireAsync(key, 30, LongWindow, CancellationToken.None).AsTask())));

        var allowed = decisions.Where(d => d.Allowed).ToList();
        Assert.That(allowed, Has.Count.EqualTo(30));
        Assert.That(allowed.Select(d => d.Remaining).Order(), Is.EqualTo(Enumerable.Range(0, 30)));
    }

    [Test]
    public async Task WindowEnds_FullBudgetReturns_NotBefore()
    {
        var key = NewPartition();
        var window = TimeSpan.FromSeconds(2);

        var first = await Limiter.AcquireAsync(key, 2, window, CancellationToken.None);
        // Started after the first call returned, so it never runs ahead of the window's own clock.
        var sinceWindowStart = Stopwatch.StartNew();
        var second = await Limiter.AcquireAsync(key, 2, window, CancellationToken.None);
        var refused = await Limiter.AcquireAsync(key, 2, window, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(first.Allowed && second.Allowed, Is.True);
            Assert.That(refused.Allowed, Is.False);
            Assert.That(refused.RetryAfter, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(window));
        });

        var renewed = await EventuallyAsync(
            () => Limiter.AcquireAsync(key, 2, window, CancellationToken.None).AsTask(), d => d.Allowed, TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(sinceWindowStart.Elapsed, Is.GreaterThanOrEqualTo(window - TimeSpan.FromMilliseconds(100)),
                "a permit came back before the window ended");
            Assert.That(renewed.Remaining, Is.EqualTo(1), "a new window starts with the full budget");
            Assert.That(renewed.ResetAfter, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(window));
        });
    }

    [Test]
    public async Task PermitsPerMinute_IsAOneMinuteWindow()
    {
        var decision = await Limiter.AcquireAsync(NewPartition(), 600, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Allowed, Is.True);
            Assert.That(decision.Remaining, Is.EqualTo(599));
            Assert.That(decision.ResetAfter, Is.GreaterThan(TimeSpan.FromSeconds(50)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(1)));
        });
    }

    [Test]
    public async Task Partitions_HaveBudgetsOfTheirOwn()
    {
        var spent = NewPartition();
        var other = NewPartition();

        await Limiter.AcquireAsync(spent, 1, LongWindow, CancellationToken.None);
        var refused = await Limiter.AcquireAsync(spent, 1, LongWindow, CancellationToken.None);
        var untouched = await Limiter.AcquireAsync(other, 1, LongWindow, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(refused.Allowed, Is.False);
            Assert.That(untouched.Allowed, Is.True);
        });
    }

    [Test]
    public async Task LimitRaisedWithinTheWindow_GrantsOnlyTheDifference()
    {
        var key = NewPartition();
        await Limiter.AcquireAsync(key, 2, LongWindow, CancellationToken.None);
        await Limiter.AcquireAsync(key, 2, LongWindow, CancellationToken.None);

        var raised = new List<RateLimitDecision>();
        for (var i = 0; i < 3; i++)
        {
            raised.Add(await Limiter.AcquireAsync(key, 4, LongWindow, CancellationToken.None));
        }

        Assert.That(raised.Select(d => (d.Allowed, d.Remaining)), Is.EqualTo(new[] { (true, 1), (true, 0), (false, 0) }));
    }
}

[Parallelizable(ParallelScope.All)]
public sealed class RateLimitLocalTests : RateLimitLimiterContract
{
    protected override IKeyRateLimiter Limiter { get; } = new LocalKeyRateLimiter(TimeProvider.System);
}

[Parallelizable(ParallelScope.All)]
public sealed class RateLimitRedisContractTests : RateLimitLimiterContract
{
    private ConnectionMultiplexer? redis;
    private MetricRecorder? metrics;
    private IKeyRateLimiter? limiter;

    protected override IKeyRateLimiter Limiter => limiter!;

    [OneTimeSetUp]
    public async Task ConnectAsync()
    {
        redis = await ConnectionMultiplexer.ConnectAsync(
            RateLimitingExtensions.RedisConfiguration($"127.0.0.1:{TestEnvironment.RedisPort}"));
        metrics = new MetricRecorder();
        // A generous timeout: these tests are about counting, and a busy test machine must not turn them degraded.
        limiter = new RedisKeyRateLimiter(redis, Options.Create(new RateLimitOptions { RedisTimeout = TimeSpan.FromSeconds(5) }),
            metrics.Metrics, NullLogger<RedisKeyRateLimiter>.Instance);
    }

    [OneTimeTearDown]
    public async Task DisconnectAsync()
    {
        metrics!.Dispose();
        await redis!.DisposeAsync();
    }
}
