using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data;

namespace Platform.Gateway.Rollout;

/// <summary>
/// Loads the weights before the gateway serves, then reloads them whenever any replica changes one (LISTEN on
/// <see cref="RolloutStore.Channel"/>), reconnecting after failures and reloading periodically as a safety net.
/// </summary>
public sealed partial class RolloutListener(
    RolloutStore store, NpgsqlDataSource db, IOptions<RolloutOptions> options, ILogger<RolloutListener> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.EnsureRoutesAsync(options.Value.Routes, options.Value.InitialWeight, cancellationToken);
                await store.LoadAsync(cancellationToken);
                break;
            }
            catch (NpgsqlException ex) when (attempt < 30)
            {
                LogRetry(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listening = await ListeningConnection.OpenAsync(db, RolloutStore.Channel, (_, _) => { }, stoppingToken);
                var conn = listening.Connection;

                // Anything that changed while we were not listening.
                await store.LoadAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await conn.WaitAsync(options.Value.ReloadInterval, stoppingToken);
                    await store.LoadAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogRetry(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout weights: database not reachable, retrying: {Reason}")]
    private static partial void LogRetry(ILogger logger, string reason);
}
