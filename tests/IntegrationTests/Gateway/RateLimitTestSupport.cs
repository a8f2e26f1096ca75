using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Platform.Gateway.RateLimiting;
using Platform.ServiceDefaults;

namespace Platform.IntegrationTests.Gateway;

internal static class RateLimitTestSupport
{
    /// <summary>A partition no other test (or earlier run) touches.</summary>
    public static string NewPartition() => "test-" + Guid.NewGuid().ToString("N");

    /// <summary>Polls until <paramref name="condition"/> holds; fails after a generous ceiling instead of guessing a delay.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> attempt, Func<T, bool> condition, TimeSpan ceiling)
    {
        using var timeout = new CancellationTokenSource(ceiling);
        while (true)
        {
            var value = await attempt();
            if (condition(value))
            {
                return value;
            }

            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"The condition did not hold within {ceiling}; last value: {value}");
            }

            await Task.Delay(50);
        }
    }
}

/// <summary>
/// <see cref="RateLimitMetrics"/> on a meter factory of its own, recording only that factory's measurements, so
/// tests running in parallel never see each other's counts.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly ServiceProvider services;
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(string Name, long Value, Dictionary<string, object?> Tags)> measurements = new();

    public MetricRecorder()
    {
        services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == Telemetry.PlatformMeter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var tagMap = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                tagMap[tag.Key] = tag.Value;
            }

            measurements.Enqueue((instrument.Name, value, tagMap));
        });
        listener.Start();
        Metrics = new RateLimitMetrics(factory);
    }

    public RateLimitMetrics Metrics { get; }

    public long Sum(string instrument) => measurements.Where(m => m.Name == instrument).Sum(m => m.Value);

    public long Sum(string instrument, string tag, string value) =>
        measurements.Where(m => m.Name == instrument && m.Tags.TryGetValue(tag, out var v) && Equals(v, value)).Sum(m => m.Value);

    public void Dispose()
    {
        listener.Dispose();
        services.Dispose();
    }
}

/// <summary>
/// A TCP relay to the real Redis that can be told to hold everything the client sends: Redis connected but not
/// answering, the "slow Redis" a request must not wait on.
/// </summary>
internal sealed class StallingRedisProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentBag<TcpClient> connections = [];
    private readonly int redisPort;
    private volatile bool stalled;

    public StallingRedisProxy(int redisPort)
    {
        this.redisPort = redisPort;
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public bool Stalled
    {
        get => stalled;
        set => stalled = value;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                var upstream = new TcpClient();
                await upstream.ConnectAsync(IPAddress.Loopback, redisPort, stop.Token);
                connections.Add(client);
                connections.Add(upstream);
                _ = PumpAsync(client.GetStream(), upstream.GetStream(), holdable: true);
                _ = PumpAsync(upstream.GetStream(), client.GetStream(), holdable: false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool holdable)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, stop.Token);
                if (read == 0)
                {
                    return;
                }

                while (holdable && stalled)
                {
                    await Task.Delay(10, stop.Token);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
