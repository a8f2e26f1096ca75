using Npgsql;

namespace Platform.Data;

/// <summary>
/// A pooled connection that LISTENs on one channel and UNLISTENs before it goes back to the pool: the apps' data
/// sources do not reset connections on return (see <see cref="DataExtensions.CreateDataSource"/>), so a listening
/// connection must clean up after itself or the next borrower would be sent the channel's notifications.
/// </summary>
public sealed class ListeningConnection : IAsyncDisposable
{
    private static readonly TimeSpan UnlistenTimeout = TimeSpan.FromSeconds(2);

    private ListeningConnection(NpgsqlConnection connection) => Connection = connection;

    /// <summary>The open connection; wait on it with <see cref="NpgsqlConnection.WaitAsync(TimeSpan, CancellationToken)"/>.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>Opens a connection from <paramref name="dataSource"/>, attaches <paramref name="onNotification"/> and listens on <paramref name="channel"/>.</summary>
    public static async Task<ListeningConnection> OpenAsync(
        NpgsqlDataSource dataSource, string channel, NotificationEventHandler onNotification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var listening = new ListeningConnection(connection);
        try
        {
            connection.Notification += onNotification;
            // The channel is the app's own constant, quoted as an identifier all the same.
            await using var listen = new NpgsqlCommand($"LISTEN \"{channel.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await listen.ExecuteNonQueryAsync(cancellationToken);
            return listening;
        }
        catch
        {
            await listening.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Connection.State == System.Data.ConnectionState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(UnlistenTimeout);
                await using var unlisten = new NpgsqlCommand("UNLISTEN *", Connection);
                await unlisten.ExecuteNonQueryAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException or TimeoutException or IOException)
            {
                // A connection that cannot answer is broken and is not returned to the pool.
            }
        }

        await Connection.DisposeAsync();
    }
}
