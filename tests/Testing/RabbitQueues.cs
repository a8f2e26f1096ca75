using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Testing;

/// <summary>Looks into the test virtual host of the real broker directly, below MassTransit.</summary>
public static class RabbitQueues
{
    /// <summary>Messages ready in <paramref name="queue"/>, or -1 when the queue does not exist.</summary>
    public static async Task<long> MessageCountAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue);
            return ok.MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return -1;
        }
    }

    /// <summary>Deletes queues a test created, so the test vhost does not fill up run after run.</summary>
    public static async Task DeleteAsync(params string[] queues)
    {
        await using var connection = await ConnectAsync();
        foreach (var queue in queues)
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        }
    }

    private static Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitConnectionString) }.CreateConnectionAsync();
}
