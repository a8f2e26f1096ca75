using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data;

namespace Platform.Chatbot.Retrieval;

/// <summary>
/// Keeps this instance's in-memory vectors in step with the others: listens on <see cref="LocalVectorStore.Channel"/>
/// and, after every (re)connection and every <see cref="LocalVectorStoreOptions.RefreshInterval"/> without a
/// notification, checks the versions of the organisations in memory, so a missed notification is caught up.
/// </summary>
public sealed partial class LocalVectorStoreListener(
    LocalVectorStore store, NpgsqlDataSource db, IOptions<VectorStoreOptions> options, ILogger<LocalVectorStoreListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Local.RefreshInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listening = await ListeningConnection.OpenAsync(db, LocalVectorStore.Channel, (_, e) => store.Observe(e.Payload), stoppingToken);
                var conn = listening.Connection;

                // Anything that changed while we were not listening.
                await store.RefreshVersionsAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (!await conn.WaitAsync(interval, stoppingToken))
                    {
                        await store.RefreshVersionsAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                LogRetry(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vector change listener: database not reachable, retrying: {Reason}")]
    private static partial void LogRetry(ILogger logger, string reason);
}
