using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Messaging;
using Platform.Testing;

namespace Platform.IntegrationTests.Jobs;

/// <summary>
/// An external background consumer of the completion event: a bus of its own with a temporary queue bound to the
/// event's exchange, started before any job can finish, recording every event it receives.
/// </summary>
public sealed class EventRecorder<T> : IAsyncDisposable
    where T : class
{
    private readonly IHost host;
    private readonly ConcurrentQueue<T> received = new();
    private HostReceiveEndpointHandle? handle;

    private EventRecorder(IHost host) => this.host = host;

    public IReadOnlyCollection<T> Received => received;

    public static async Task<EventRecorder<T>> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Service:Name"] = $"jobevents{Guid.NewGuid():N}"[..17],
            ["ConnectionStrings:RabbitMq"] = TestEnvironment.RabbitConnectionString,
        });
        builder.AddMessaging();
        var recorder = new EventRecorder<T>(builder.Build());
        await recorder.host.StartAsync();
        var bus = recorder.host.Services.GetRequiredService<IBusControl>();
        await bus.WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60));
        recorder.handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), null, e => e.Handler<T>(context =>
        {
            recorder.received.Enqueue(context.Message);
            return Task.CompletedTask;
        }));
        await recorder.handle.Ready;
        return recorder;
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
