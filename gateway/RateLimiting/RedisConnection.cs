using StackExchange.Redis;

namespace Platform.Gateway.RateLimiting;

// Connects in the background: a synchronous Connect waits out ConnectTimeout (5 s) when Redis is down, which would
// hold the gateway's start or its first request. The limiter waits for this connection only within RedisTimeout.
public sealed class RedisConnection(ConfigurationOptions configuration) : IDisposable
{
    public Task<ConnectionMultiplexer> Connecting { get; } = ConnectionMultiplexer.ConnectAsync(configuration);

    public void Dispose()
    {
        if (Connecting.IsCompletedSuccessfully)
        {
            Connecting.Result.Dispose();
            return;
        }

        _ = Connecting.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }
}
