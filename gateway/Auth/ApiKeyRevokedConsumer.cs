using MassTransit;
using Platform.Contracts;

namespace Platform.Gateway.Auth;

/// <summary>Drops a revoked key from this replica's cache. Every replica has its own temporary queue, so each gets it.</summary>
public sealed partial class ApiKeyRevokedConsumer(KeyCache keys, ILogger<ApiKeyRevokedConsumer> logger) : IConsumer<ApiKeyRevoked>
{
    public Task Consume(ConsumeContext<ApiKeyRevoked> context)
    {
        var evicted = keys.Evict(context.Message.KeyId);
        LogEvicted(logger, context.Message.KeyId, evicted);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {KeyId} revoked: {Count} cached entr(ies) dropped")]
    private static partial void LogEvicted(ILogger logger, Guid keyId, int count);
}
