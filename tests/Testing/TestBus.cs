using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Testing;

/// <summary>
/// A MassTransit bus on the test virtual host that records every <typeparamref name="T"/> published, through a
/// temporary queue bound to the message's exchange: what an external background consumer would see.
/// </summary>
public sealed class TestBus<T> : IAsyncDisposable where T : class
{
    private readonly IHost host;
    private readonly ConcurrentQueue<T> received = new();
    private HostReceiveEndpointHandle? handle;

    private TestBus(IHost host) => this.host = host;

    public static async Task<TestBus<T>> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Service:Name"] = "test-" + Guid.NewGuid().ToString("N")[..8],
            ["ConnectionStrings:RabbitMq"] = TestEnvironment.RabbitConnectionString,
        });
        builder.AddMessaging();
        var bus = new TestBus<T>(builder.Build());
        await bus.host.StartAsync();
        var control = bus.host.Services.GetRequiredService<IBusControl>();
        bus.handle = control.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), null, e => e.Handler<T>(ctx =>
        {
            bus.received.Enqueue(ctx.Message);
            return Task.CompletedTask;
        }));
        await bus.handle.Ready;
        return bus;
    }

    /// <summary>Polls until a message matching <paramref name="match"/> arrived, failing past the ceiling.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan ceiling)
    {
        var deadline = DateTime.UtcNow + ceiling;
        while (DateTime.UtcNow < deadline)
        {
            var found = received.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No matching {typeof(T).Name} within {ceiling.TotalSeconds} s ({received.Count} other(s) received).");
    }

    public async ValueTask DisposeAsync()
    {
        if (handle is not null)
        {
            await handle.StopAsync();
        }

        await host.StopAsync();
        host.Dispose();
    }
}
