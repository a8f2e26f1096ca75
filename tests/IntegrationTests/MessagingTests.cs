using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Messaging;
using Platform.Testing;

namespace Platform.IntegrationTests;

/// <summary>The shared MassTransit set-up against the real broker: delivery, replies, retries and the error queue.</summary>
public sealed class MessagingTests
{
    public sealed record SquareNumber(Guid CorrelationId, int Value);

    public sealed record NumberSquared(Guid CorrelationId, long Square, int Attempt);

    public sealed record AlwaysFails(Guid Id);

    public sealed class SquareNumberConsumer : IConsumer<SquareNumber>
    {
        public Task Consume(ConsumeContext<SquareNumber> context) =>
            context.RespondAsync(new NumberSquared(
                context.Message.CorrelationId, (long)context.Message.Value * context.Message.Value, context.GetRetryAttempt()));
    }

    public sealed class AlwaysFailsConsumer : IConsumer<AlwaysFails>
    {
        public static int Attempts;

        public Task Consume(ConsumeContext<AlwaysFails> context)
        {
            Interlocked.Increment(ref Attempts);
            throw new InvalidOperationException("poison message " + context.Message.Id);
        }
    }

    [Test]
    public async Task Request_MakesARealRoundTripThroughRabbitMq()
    {
        using var host = await StartBusHostAsync($"msgtest{Guid.NewGuid():N}"[..16]);
        var client = host.Services.GetRequiredService<IClientFactory>().CreateRequestClient<SquareNumber>(RequestTimeout.After(s: 30));
        var id = Guid.NewGuid();

        var response = await client.GetResponse<NumberSquared>(new SquareNumber(id, 12_345));

        Assert.Multiple(() =>
        {
            Assert.That(response.Message.CorrelationId, Is.EqualTo(id));
            Assert.That(response.Message.Square, Is.EqualTo(152_399_025L));
            Assert.That(response.Message.Attempt, Is.Zero);
            Assert.That(response.SourceAddress?.Host, Is.EqualTo("127.0.0.1"), "the reply crossed the real broker");
        });
        await host.StopAsync();
        await RabbitQueues.DeleteAsync($"{host.Services.GetRequiredService<IConfiguration>()["Service:Name"]}-square-number",
            $"{host.Services.GetRequiredService<IConfiguration>()["Service:Name"]}-always-fails");
    }

    [Test]
    public async Task FailingMessage_IsRetriedThenFaulted_ToTheErrorQueue()
    {
        var name = $"msgtest{Guid.NewGuid():N}"[..16];
        using var host = await StartBusHostAsync(name, ("Messaging:RetryLimit", "2"), ("Messaging:RetryMinInterval", "00:00:00.050"), ("Messaging:RetryMaxInterval", "00:00:00.100"));
        var faults = new TaskCompletionSource<Fault<AlwaysFails>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = host.Services.GetRequiredService<IBus>();
        var handle = bus.ConnectReceiveEndpoint(e => e.Handler<Fault<AlwaysFails>>(ctx =>
        {
            faults.TrySetResult(ctx.Message);
            return Task.CompletedTask;
        }));
        await handle.Ready;
        var before = Volatile.Read(ref AlwaysFailsConsumer.Attempts);
        var id = Guid.NewGuid();

        await bus.Publish(new AlwaysFails(id));
        var fault = await faults.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(fault.Message.Id, Is.EqualTo(id));
            Assert.That(fault.Exceptions.Single().Message, Does.Contain("poison message"));
            Assert.That(Volatile.Read(ref AlwaysFailsConsumer.Attempts) - before, Is.EqualTo(3), "first try plus two retries");
        });

        await handle.StopAsync();
        await host.StopAsync();
        Assert.That(await RabbitQueues.MessageCountAsync($"{name}-always-fails_error"), Is.EqualTo(1),
            "the poison message is kept in the endpoint's error queue");
        await RabbitQueues.DeleteAsync($"{name}-square-number", $"{name}-always-fails", $"{name}-always-fails_error");
    }

    private static async Task<IHost> StartBusHostAsync(string serviceName, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Service:Name"] = serviceName,
            ["ConnectionStrings:RabbitMq"] = TestEnvironment.RabbitConnectionString,
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<SquareNumberConsumer>();
            bus.AddConsumer<AlwaysFailsConsumer>();
        });
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return host;
    }
}
