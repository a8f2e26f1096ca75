using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Gateway.Extensions;

/// <summary>
/// YARP's HttpClient for proxied calls, without System.Net.Http's client metrics: every proxied request is already
/// measured by gateway.requests and gateway.request.duration (route group, side, status), and the client instruments
/// would record it again with six tags (about four metric updates per request, measured with perf as the gateway's
/// busiest managed function). The handler gets a meter factory whose meters no listener subscribes to, so its
/// instruments stay disabled and the handler skips them. Other HttpClients (the Admin key check) keep their metrics.
/// </summary>
internal sealed class GatewayForwarderHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger, IOptions<ForwarderTracingOptions> tracing)
    : ForwarderHttpClientFactory(logger), IDisposable
{
    private readonly UnobservedMeterFactory meters = new();

    public void Dispose() => meters.Dispose();

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.MeterFactory = meters;
        if (!tracing.Value.PropagateTraceContext)
        {
            // YARP's propagator replaces the client's trace headers with the gateway's activity; without one, the
            // client's own headers are forwarded untouched.
            handler.ActivityHeadersPropagator = null;
        }
    }

    // Meters under a name of their own (OpenTelemetry subscribes by name: System.Net.Http would be picked up).
    private sealed class UnobservedMeterFactory : IMeterFactory
    {
        public const string Prefix = "Platform.Gateway.Forwarder.Unobserved.";
        private readonly List<Meter> created = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(Prefix + options.Name) { Version = options.Version, Scope = this });
            lock (created)
            {
                created.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (created)
            {
                foreach (var meter in created)
                {
                    meter.Dispose();
                }

                created.Clear();
            }
        }
    }
}

/// <summary>Whether proxied requests carry the gateway's own trace context (only when traces are exported).</summary>
internal sealed class ForwarderTracingOptions
{
    public bool PropagateTraceContext { get; set; } = true;
}
