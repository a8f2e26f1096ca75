using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Gateway.RateLimiting;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.IntegrationTests.Gateway;

[Parallelizable(ParallelScope.All)]
public sealed class RateLimitRegistrationTests
{
    [Test]
    public void WithoutRedis_TheInProcessLimiter()
    {
        using var host = Build(new() { ["RateLimiting:DefaultPermitsPerMinute"] = "120" });

        Assert.Multiple(() =>
        {
            Assert.That(host.Services.GetRequiredService<IKeyRateLimiter>(), Is.TypeOf<LocalKeyRateLimiter>());
            Assert.That(host.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value.DefaultPermitsPerMinute, Is.EqualTo(120));
        });
    }

    [Test]
    public void WithRedis_TheSharedLimiter_OnAConnectionThatToleratesAnAbsentRedis()
    {
        // A port nobody listens on: the app must still start, with a multiplexer that keeps trying.
        using var host = Build(new() { ["ConnectionStrings:Redis"] = $"127.0.0.1:{FreePort.Next()},connectTimeout=1000" });

        Assert.That(host.Services.GetRequiredService<IKeyRateLimiter>(), Is.TypeOf<RedisKeyRateLimiter>());
        var redis = host.Services.GetRequiredService<IConnectionMultiplexer>();
        Assert.That(redis.IsConnected, Is.False);
    }

    [Test]
    public async Task WithRedis_CountsThroughTheRegisteredConnection()
    {
        // A generous timeout: the first request waits for the connection being made in the background.
        using var host = Build(new()
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{TestEnvironment.RedisPort}",
            ["RateLimiting:RedisTimeout"] = "00:00:05",
        });
        var limiter = host.Services.GetRequiredService<IKeyRateLimiter>();
        var key = RateLimitTestSupport.NewPartition();

        var first = await limiter.AcquireAsync(key, 2, CancellationToken.None);
        var second = await limiter.AcquireAsync(key, 2, CancellationToken.None);
        var third = await limiter.AcquireAsync(key, 2, CancellationToken.None);

        Assert.That(new[] { first, second, third }.Select(d => (d.Allowed, d.Remaining, d.Degraded)),
            Is.EqualTo(new[] { (true, 1, false), (true, 0, false), (false, 0, false) }));
    }

    [Test]
    public async Task WithRedisDown_NeitherStartNorRequestsWaitForTheConnection()
    {
        // Connecting to a port nobody listens on takes ConnectTimeout (5 s by default) to give up.
        using var host = Build(new()
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{FreePort.Next()}",
            ["RateLimiting:RedisTimeout"] = "00:00:00.2",
        });
        var clock = Stopwatch.StartNew();

        var limiter = host.Services.GetRequiredService<IKeyRateLimiter>();
        var first = await limiter.AcquireAsync(RateLimitTestSupport.NewPartition(), 10, CancellationToken.None);
        var second = await limiter.AcquireAsync(RateLimitTestSupport.NewPartition(), 10, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first.Allowed && first.Degraded && second.Allowed && second.Degraded, Is.True);
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4.5)));
        });
    }

    [TestCase("RateLimiting:DefaultPermitsPerMinute", "0")]
    [TestCase("RateLimiting:RedisTimeout", "00:00:00")]
    [TestCase("RateLimiting:KeyPrefix", "")]
    public void BadConfiguration_StopsTheAppAtStart(string setting, string value)
    {
        using var host = Build(new() { [setting] = value });

        Assert.That(() => host.StartAsync().GetAwaiter().GetResult(), Throws.TypeOf<OptionsValidationException>());
    }

    [Test]
    public void PermitsPerMinute_KeyThenOrganisationThenDefault()
    {
        var options = new RateLimitOptions { DefaultPermitsPerMinute = 600 };

        Assert.Multiple(() =>
        {
            Assert.That(options.PermitsPerMinuteFor(50, 100), Is.EqualTo(50));
            Assert.That(options.PermitsPerMinuteFor(null, 100), Is.EqualTo(100));
            Assert.That(options.PermitsPerMinuteFor(null, null), Is.EqualTo(600));
            Assert.That(options.PermitsPerMinuteFor(0, null), Is.EqualTo(600));
        });
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMetrics();
        builder.Services.AddLogging();
        builder.AddKeyRateLimiting();
        return builder.Build();
    }
}
